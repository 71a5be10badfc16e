"""UnixFS ``Data`` messages of files (ipfs/specs src/unixfs.md, "dag-pb Node" and "dag-pb File").

    message Data { required DataType Type = 1; optional bytes Data = 2; optional uint64 filesize = 3;
                   repeated uint64 blocksizes = 4; optional uint64 hashType = 5;
                   optional uint64 fanout = 6; optional uint32 mode = 7; optional UnixTime mtime = 8; }

The encoder writes what kubo writes for the inner nodes of a file: ``Type = File``, ``filesize``
always, one unpacked ``blocksizes`` entry per link (the message is proto2, where repeated scalars
are not packed), no ``Data``. The decoder reads files written by any implementation: packed or
unpacked ``blocksizes``, inline ``Data``, the legacy ``Raw`` type; ``mode`` and ``mtime`` are
skipped. Directories, symlinks and HAMT shards are not files and are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from nansen.ipfs import protobuf, varint
from nansen.ipfs.errors import BlockFormatError

#: DataType values.
RAW = 0
FILE = 2
_FILE_TYPES = frozenset({RAW, FILE})

_TYPE = 1
_DATA = 2
_FILESIZE = 3
_BLOCKSIZES = 4
#: hashType, fanout, mode, mtime: metadata that does not change a file's bytes.
_SKIPPED = frozenset({5, 6, 7, 8})


@dataclass(frozen=True)
class FileNode:
    """The UnixFS view of a file node: its inline bytes and the sizes of its children's content."""

    data: bytes
    blocksizes: tuple[int, ...]
    #: The declared size of the whole file under this node; ``None`` when absent.
    filesize: int | None

    @property
    def content_size(self) -> int:
        """The size that the inline data and the children make (unixfs.md, "Blocksize")."""
        return len(self.data) + sum(self.blocksizes)


def encode_file(blocksizes: list[int]) -> bytes:
    """The ``Data`` of an inner file node whose children hold ``blocksizes`` bytes each."""
    parts = [protobuf.varint_field(_TYPE, FILE), protobuf.varint_field(_FILESIZE, sum(blocksizes))]
    parts.extend(protobuf.varint_field(_BLOCKSIZES, size) for size in blocksizes)
    return b"".join(parts)


def decode_file(message: bytes) -> FileNode:
    node_type: int | None = None
    data = b""
    filesize: int | None = None
    blocksizes: list[int] = []
    for field, _, value in protobuf.fields(message):
        if field == _TYPE and isinstance(value, int):
            node_type = value
        elif field == _DATA and isinstance(value, bytes):
            data = value
        elif field == _FILESIZE and isinstance(value, int):
            filesize = value
        elif field == _BLOCKSIZES:
            blocksizes.extend(_unpack(value))
        elif field not in _SKIPPED:
            raise BlockFormatError("A UnixFS node has a field of an unknown number or type.")
    if node_type not in _FILE_TYPES:
        raise BlockFormatError("The content is not a UnixFS file.")
    node = FileNode(data, tuple(blocksizes), filesize)
    if filesize is not None and filesize != node.content_size:
        raise BlockFormatError("A UnixFS file node declares a size its parts do not add up to.")
    return node


def _unpack(value: int | bytes) -> list[int]:
    if isinstance(value, int):
        return [value]
    sizes: list[int] = []
    position = 0
    try:
        while position < len(value):
            size, position = varint.decode(value, position)
            sizes.append(size)
    except varint.VarintError as error:
        raise BlockFormatError("A UnixFS node has malformed block sizes.") from error
    return sizes
