"""DAG-PB: the canonical byte form (links before data, empty names kept) and the spec's strictness."""

from __future__ import annotations

import pytest

from nansen.ipfs import dagpb, protobuf
from nansen.ipfs.cid import CID, DAG_PB, RAW
from nansen.ipfs.dagpb import PBLink, PBNode
from nansen.ipfs.errors import BlockFormatError

LEAF = CID.of(RAW, b"leaf")


def link_message(*fields: bytes) -> bytes:
    return protobuf.bytes_field(2, b"".join(fields))


def test_links_come_before_data_and_an_empty_name_is_written() -> None:
    encoded = dagpb.encode(PBNode((PBLink(LEAF, "", 4),), b"\x08\x02"))
    expected = (
        b"\x12\x2a"  # Links (field 2), 42 bytes
        + b"\x0a\x24"
        + LEAF.binary  # Hash (field 1), 36 bytes
        + b"\x12\x00"  # Name (field 2), empty: kubo writes it
        + b"\x18\x04"  # Tsize (field 3)
        + b"\x0a\x02\x08\x02"  # Data (field 1), after the links
    )
    assert encoded == expected
    assert dagpb.decode(encoded) == PBNode((PBLink(LEAF, "", 4),), b"\x08\x02")


def test_absent_fields_stay_absent() -> None:
    node = PBNode((PBLink(LEAF, None, None),), None)
    encoded = dagpb.encode(node)
    assert encoded == b"\x12\x26\x0a\x24" + LEAF.binary
    assert dagpb.decode(encoded) == node
    assert dagpb.encode(PBNode((), None)) == b""
    assert dagpb.decode(b"") == PBNode((), None)


def test_the_empty_unixfs_file() -> None:
    # ipfs/specs src/unixfs.md, "Well-Known UnixFS CIDs": the empty dag-pb file.
    encoded = dagpb.encode(PBNode((), b"\x08\x02\x18\x00"))
    assert str(CID.of(DAG_PB, encoded)) == "bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y"


def test_data_before_links_is_accepted() -> None:
    # "The decoder should accept either order, as IPFS data exists in both forms."
    block = protobuf.bytes_field(1, b"data") + link_message(protobuf.bytes_field(1, LEAF.binary))
    assert dagpb.decode(block) == PBNode((PBLink(LEAF, None, None),), b"data")


def test_names_in_utf8() -> None:
    node = PBNode((PBLink(LEAF, "ä.txt", 1),), None)
    assert dagpb.decode(dagpb.encode(node)) == node


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        (protobuf.bytes_field(1, b"a") + protobuf.bytes_field(1, b"b"), "repeated field"),
        (protobuf.bytes_field(3, b"x"), "unknown"),
        (protobuf.varint_field(1, 5), "unknown"),
        (protobuf.varint_field(2, 5), "unknown"),
        (
            link_message(protobuf.bytes_field(2, b"name"), protobuf.bytes_field(1, LEAF.binary)),
            "out-of-order",
        ),
        (
            link_message(protobuf.bytes_field(1, LEAF.binary), protobuf.bytes_field(1, LEAF.binary)),
            "repeated",
        ),
        (link_message(protobuf.bytes_field(1, LEAF.binary), protobuf.varint_field(4, 1)), "unknown"),
        (link_message(protobuf.varint_field(3, 1)), "no hash"),
        (link_message(protobuf.varint_field(1, 1)), "no hash"),
        (link_message(protobuf.bytes_field(1, LEAF.binary), protobuf.varint_field(2, 1)), "must be a string"),
        (link_message(protobuf.bytes_field(1, LEAF.binary), protobuf.bytes_field(3, b"1")), "an integer"),
        (link_message(protobuf.bytes_field(1, LEAF.binary), protobuf.bytes_field(2, b"\xff")), "not UTF-8"),
        (link_message(protobuf.bytes_field(1, b"\x01\x71\x12\x20" + bytes(32))), "unsupported kind"),
        (b"\x12\x05abc", "Protocol Buffers"),
    ],
)
def test_non_canonical_and_malformed_blocks_are_refused(block: bytes, reason: str) -> None:
    with pytest.raises(BlockFormatError, match=reason):
        dagpb.decode(block)
