"""CAR version 1 files (ipld/ipld specs/transport/car/carv1, "Format Description"):

    varint(len(header)) ‖ header ‖ ( varint(len(CID) + len(block)) ‖ CID ‖ block )*

where the header is the DAG-CBOR map ``{"roots": [CID], "version": 1}`` (keys in DAG-CBOR's
length-first order, the CID as tag 42 over its bytes behind a 0x00 prefix). The header is written and
read by hand: it is the only DAG-CBOR this package meets.

Nansen's CARs carry one file: the reader insists on exactly one root, checks every block against its
CID as it streams, and after the last block checks that the blocks are exactly the DAG under the
root — none missing (the spec leaves that unresolved; we require it), none the root does not
reach, so nothing unasked-for is imported. A block that appears twice is passed on once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from nansen.ipfs import dag, varint
from nansen.ipfs.block import MAX_BLOCK_SIZE, Block
from nansen.ipfs.cid import CID
from nansen.ipfs.errors import CarFormatError, CidFormatError
from nansen.ipfs.importer import Readable

VERSION = 1
#: A header of one CIDv1 root is 58 bytes; anything near this bound is not a header we accept.
MAX_HEADER_SIZE = 1024
#: The longest CID this package accepts (CIDv1: version, codec, hash code, length, 32 bytes).
_MAX_CID_SIZE = 36
_CID_TAG = 42
#: CBOR major types (RFC 8949 §3.1).
_UINT, _BYTES, _TEXT, _ARRAY, _MAP, _TAG = 0, 2, 3, 4, 5, 6


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def write_car(root: CID, blocks: Iterable[Block], out: Writable) -> None:
    """Write a CARv1 of one root; ``blocks`` are written in the order given."""
    for part in car_bytes(root, blocks):
        out.write(part)


def car_bytes(root: CID, blocks: Iterable[Block]) -> Iterator[bytes]:
    """The bytes of a CARv1 of one root, a piece at a time, as the blocks come (to stream a CAR)."""
    header = encode_header(root)
    yield varint.encode(len(header)) + header
    for block in blocks:
        yield varint.encode(len(block.cid.binary) + len(block.data)) + block.cid.binary
        yield block.data


def encode_header(root: CID) -> bytes:
    link = b"\x00" + root.binary
    return b"".join(
        [
            _head(_MAP, 2),
            _text("roots"),
            _head(_ARRAY, 1),
            _head(_TAG, _CID_TAG),
            _head(_BYTES, len(link)),
            link,
            _text("version"),
            _head(_UINT, VERSION),
        ]
    )


class CarReader:
    """The root of a CARv1 (read on construction) and its verified blocks (iterate once)."""

    def __init__(self, stream: Readable) -> None:
        self._stream = stream
        length = self._length(MAX_HEADER_SIZE, "The CAR header is too large.")
        if length is None:
            raise CarFormatError("The file is empty, not a CAR file.")
        self.root = decode_header(_read_exactly(stream, length))

    def __iter__(self) -> Iterator[Block]:
        present: set[CID] = set()
        children: dict[CID, tuple[CID, ...]] = {}
        while (
            length := self._length(_MAX_CID_SIZE + MAX_BLOCK_SIZE, "A block in the CAR file is too large.")
        ) is not None:
            block = _section(_read_exactly(self._stream, length))
            key = block.cid.to_v1()
            if key in present:
                continue
            present.add(key)
            links = dag.links(block.cid, block.data)
            if links:
                children[key] = tuple(link.to_v1() for link in links)
            yield block
        _check_one_dag(self.root.to_v1(), present, children)

    def _length(self, bound: int, too_large: str) -> int | None:
        """The next varint, or None at a clean end of the file."""
        raw = bytearray()
        while True:
            byte = self._stream.read(1)
            if not byte:
                if raw:
                    raise CarFormatError("The CAR file is truncated.")
                return None
            raw += byte
            if not byte[0] & 0x80 or len(raw) >= varint.MAX_BYTES:
                break
        try:
            value, _ = varint.decode(bytes(raw))
        except varint.VarintError as error:
            raise CarFormatError("The CAR file has a malformed length.") from error
        if value == 0:
            raise CarFormatError("The CAR file has an empty section.")
        if value > bound:
            raise CarFormatError(too_large)
        return value


def decode_header(header: bytes) -> CID:
    """The root of a CARv1 header; refuses other versions and any number of roots but one."""
    try:
        value = _Cbor(header).document()
    except UnicodeDecodeError as error:
        raise CarFormatError("The CAR header has a text string that is not UTF-8.") from error
    if not isinstance(value, dict) or not value.keys() <= {"roots", "version"}:
        raise CarFormatError("The CAR header is not a map of 'roots' and 'version'.")
    if value.get("version") != VERSION:
        raise CarFormatError("Only version 1 CAR files are supported.")
    roots = value.get("roots")
    if not isinstance(roots, list) or len(roots) != 1 or not isinstance(roots[0], CID):
        raise CarFormatError("A CAR file must name exactly one root CID.")
    return roots[0]


def _section(section: bytes) -> Block:
    try:
        cid, start = CID.read(section)
    except CidFormatError as error:
        raise CarFormatError("A block in the CAR file has a malformed or unsupported CID.") from error
    data = section[start:]
    if not cid.matches(data):
        raise CarFormatError("A block in the CAR file does not match its CID.")
    return Block(cid, data)


def _check_one_dag(root: CID, present: set[CID], children: dict[CID, tuple[CID, ...]]) -> None:
    reached: set[CID] = set()
    stack = [root]
    while stack:
        cid = stack.pop()
        if cid in reached:
            continue
        if cid not in present:
            raise CarFormatError("The CAR file lacks a block of its DAG.")
        reached.add(cid)
        stack.extend(children.get(cid, ()))
    if reached != present:
        raise CarFormatError("The CAR file holds a block that its root does not reach.")


def _read_exactly(stream: Readable, size: int) -> bytes:
    parts: list[bytes] = []
    wanted = size
    while wanted:
        part = stream.read(wanted)
        if not part:
            raise CarFormatError("The CAR file is truncated.")
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("CBOR argument out of range")


def _text(value: str) -> bytes:
    encoded = value.encode("utf-8")
    return _head(_TEXT, len(encoded)) + encoded


CborValue = int | bytes | str | list["CborValue"] | dict[str, "CborValue"] | CID


class _Cbor:
    """The DAG-CBOR a CAR header uses (RFC 8949 §3): unsigned integers, byte and text strings,
    arrays, maps with text keys, and tag 42 (CIDs). Lengths are bounded by the header's size."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._position = 0

    def document(self) -> CborValue:
        value = self.item()
        if self._position != len(self._data):
            raise CarFormatError("The CAR header has bytes after its map.")
        return value

    def item(self, depth: int = 0) -> CborValue:
        if depth > 3:
            raise CarFormatError("The CAR header is nested too deeply.")
        major, value = self._head()
        if major == _UINT:
            return value
        if major in (_BYTES, _TEXT):
            raw = self._take(value)
            return raw if major == _BYTES else raw.decode("utf-8")
        if major == _ARRAY:
            return [self.item(depth + 1) for _ in range(self._count(value))]
        if major == _MAP:
            result: dict[str, CborValue] = {}
            for _ in range(self._count(value)):
                map_key = self.item(depth + 1)
                if not isinstance(map_key, str) or map_key in result:
                    raise CarFormatError("The CAR header has a non-text or repeated key.")
                result[map_key] = self.item(depth + 1)
            return result
        if major == _TAG and value == _CID_TAG:
            return self._cid(self.item(depth + 1))
        raise CarFormatError("The CAR header holds a value a CAR header cannot hold.")

    def _cid(self, link: CborValue) -> CID:
        if not isinstance(link, bytes) or link[:1] != b"\x00":
            raise CarFormatError("A root in the CAR header is not a CID.")
        try:
            return CID(link[1:])
        except CidFormatError as error:
            raise CarFormatError("The root of the CAR file is a malformed or unsupported CID.") from error

    def _head(self) -> tuple[int, int]:
        first = self._take(1)[0]
        major, info = first >> 5, first & 0x1F
        if info < 24:
            return major, info
        sizes = {24: 1, 25: 2, 26: 4, 27: 8}
        if info not in sizes:
            raise CarFormatError("The CAR header uses an indefinite or reserved CBOR length.")
        return major, int.from_bytes(self._take(sizes[info]), "big")

    def _count(self, value: int) -> int:
        if value > len(self._data):
            raise CarFormatError("The CAR header declares more items than it holds.")
        return value

    def _take(self, size: int) -> bytes:
        end = self._position + size
        if end > len(self._data):
            raise CarFormatError("The CAR header is truncated.")
        chunk = self._data[self._position : end]
        self._position = end
        return chunk
