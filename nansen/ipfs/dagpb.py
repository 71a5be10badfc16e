"""DAG-PB blocks (ipld/specs block-layer/codecs/dag-pb.md, "Serial Format" and "Protobuf Strictness").

    message PBLink { optional bytes Hash = 1; optional string Name = 2; optional uint64 Tsize = 3; }
    message PBNode { repeated PBLink Links = 2; optional bytes Data = 1; }

The canonical byte form writes every ``Links`` entry before ``Data``, against field-number order,
and the fields of each link in field-number order. Like kubo (boxo ``merkledag``), the encoder
writes ``Name`` even when it is the empty string: that is what gives ``ipfs add`` its CIDs.
The decoder is as strict as the spec asks — link fields in order, no duplicates, no unknown
fields or wire types, a ``Hash`` on every link — and accepts ``Data`` before or after the links.
"""

from __future__ import annotations

from dataclasses import dataclass

from nansen.ipfs import protobuf
from nansen.ipfs.cid import CID
from nansen.ipfs.errors import BlockFormatError, CidFormatError

_DATA = 1
_LINKS = 2
_HASH = 1
_NAME = 2
_TSIZE = 3


@dataclass(frozen=True)
class PBLink:
    cid: CID
    #: kubo writes ``""`` for the links of a file; ``None`` means the field is absent.
    name: str | None
    #: The cumulative size of the serialised DAG under the link; ``None`` when absent.
    tsize: int | None


@dataclass(frozen=True)
class PBNode:
    links: tuple[PBLink, ...]
    data: bytes | None


def encode(node: PBNode) -> bytes:
    parts = [protobuf.bytes_field(_LINKS, _encode_link(link)) for link in node.links]
    if node.data is not None:
        parts.append(protobuf.bytes_field(_DATA, node.data))
    return b"".join(parts)


def _encode_link(link: PBLink) -> bytes:
    parts = [protobuf.bytes_field(_HASH, link.cid.binary)]
    if link.name is not None:
        parts.append(protobuf.bytes_field(_NAME, link.name.encode("utf-8")))
    if link.tsize is not None:
        parts.append(protobuf.varint_field(_TSIZE, link.tsize))
    return b"".join(parts)


def decode(block: bytes) -> PBNode:
    links: list[PBLink] = []
    data: bytes | None = None
    for field, _, value in protobuf.fields(block):
        if field == _LINKS and isinstance(value, bytes):
            links.append(_decode_link(value))
        elif field == _DATA and isinstance(value, bytes) and data is None:
            data = value
        else:
            raise BlockFormatError("A DAG-PB block has an unknown, misplaced or repeated field.")
    return PBNode(tuple(links), data)


def _decode_link(message: bytes) -> PBLink:
    found: dict[int, int | bytes] = {}
    for field, _, value in protobuf.fields(message):
        if field not in (_HASH, _NAME, _TSIZE) or any(seen >= field for seen in found):
            raise BlockFormatError("A DAG-PB link has an unknown, out-of-order or repeated field.")
        found[field] = value
    hash_value, name_value, tsize = found.get(_HASH), found.get(_NAME), found.get(_TSIZE)
    if not isinstance(hash_value, bytes):
        raise BlockFormatError("A DAG-PB link has no hash.")
    if name_value is not None and not isinstance(name_value, bytes):
        raise BlockFormatError("A DAG-PB link name must be a string.")
    if tsize is not None and not isinstance(tsize, int):
        raise BlockFormatError("A DAG-PB link size must be an integer.")
    try:
        cid = CID(hash_value)
        name = None if name_value is None else name_value.decode("utf-8")
    except CidFormatError as error:
        raise BlockFormatError("A DAG-PB link names content of an unsupported kind.") from error
    except UnicodeDecodeError as error:
        raise BlockFormatError("A DAG-PB link name is not UTF-8.") from error
    return PBLink(cid, name, tsize)
