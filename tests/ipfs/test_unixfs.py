"""UnixFS Data messages of files: what kubo writes, what other implementations may write, refusals."""

from __future__ import annotations

import pytest

from nansen.ipfs import protobuf, unixfs
from nansen.ipfs.errors import BlockFormatError
from nansen.ipfs.unixfs import FileNode


def test_an_inner_node_as_kubo_writes_it() -> None:
    # Type = File, filesize, then one unpacked blocksizes entry per child; no Data.
    encoded = unixfs.encode_file([262144, 1])
    assert encoded == bytes.fromhex("0802" + "18818010" + "20808010" + "2001")
    assert unixfs.decode_file(encoded) == FileNode(b"", (262144, 1), 262145)


def test_inline_data_packed_sizes_and_metadata_are_read() -> None:
    message = (
        protobuf.varint_field(1, unixfs.FILE)
        + protobuf.bytes_field(2, b"head")
        + protobuf.varint_field(3, 10)
        + protobuf.bytes_field(4, b"\x03\x03")  # packed blocksizes
        + protobuf.varint_field(7, 0o644)  # mode
        + protobuf.bytes_field(8, protobuf.varint_field(1, 1700000000))  # mtime
    )
    node = unixfs.decode_file(message)
    assert node == FileNode(b"head", (3, 3), 10)
    assert node.content_size == 10


def test_the_legacy_raw_type_and_an_absent_filesize() -> None:
    message = protobuf.varint_field(1, unixfs.RAW) + protobuf.bytes_field(2, b"abc")
    assert unixfs.decode_file(message) == FileNode(b"abc", (), None)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (protobuf.varint_field(1, 1), "not a UnixFS file"),  # a directory
        (protobuf.varint_field(1, 4) + protobuf.bytes_field(2, b"target"), "not a UnixFS file"),  # a symlink
        (protobuf.varint_field(3, 0), "not a UnixFS file"),  # no Type
        (protobuf.varint_field(1, 2) + protobuf.varint_field(9, 1), "unknown number"),
        (protobuf.varint_field(1, 2) + protobuf.varint_field(2, 1), "unknown number"),  # Data as a varint
        (protobuf.varint_field(1, 2) + protobuf.varint_field(3, 5) + protobuf.varint_field(4, 4), "add up"),
        (protobuf.varint_field(1, 2) + protobuf.bytes_field(4, b"\x80"), "malformed block sizes"),
    ],
)
def test_other_nodes_and_inconsistent_files_are_refused(message: bytes, reason: str) -> None:
    with pytest.raises(BlockFormatError, match=reason):
        unixfs.decode_file(message)
