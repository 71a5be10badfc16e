"""Varints (multiformats unsigned-varint) and the Protocol Buffers wire pieces under DAG-PB and UnixFS."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.ipfs import protobuf, varint
from nansen.ipfs.errors import BlockFormatError


@pytest.mark.parametrize(
    ("value", "encoded"),
    [(0, "00"), (1, "01"), (127, "7f"), (128, "8001"), (255, "ff01"), (300, "ac02"), (16384, "808001")],
)
def test_varints_of_the_spec(value: int, encoded: str) -> None:
    assert varint.encode(value).hex() == encoded
    assert varint.decode(bytes.fromhex(encoded)) == (value, len(encoded) // 2)


@given(st.integers(min_value=0, max_value=varint.MAX_VALUE))
def test_varints_round_trip(value: int) -> None:
    encoded = varint.encode(value)
    assert varint.decode(b"\xff" + encoded, 1) == (value, 1 + len(encoded))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "truncated"),
        (b"\x80", "truncated"),
        (b"\x80\x00", "minimally"),
        (b"\xff" * 9 + b"\x01", "nine bytes"),
    ],
)
def test_bad_varints_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(varint.VarintError, match=reason):
        varint.decode(data)


def test_values_beyond_63_bits_cannot_be_encoded() -> None:
    with pytest.raises(ValueError, match="range"):
        varint.encode(1 << 63)
    with pytest.raises(ValueError, match="range"):
        varint.encode(-1)


def test_fields_in_order() -> None:
    message = protobuf.varint_field(1, 2) + protobuf.bytes_field(2, b"abc") + protobuf.varint_field(4, 300)
    assert list(protobuf.fields(message)) == [(1, 0, 2), (2, 2, b"abc"), (4, 0, 300)]


@pytest.mark.parametrize(
    "message",
    [
        b"\x08",  # a varint field with no value
        b"\x12\x05abc",  # a byte string longer than the message
        b"\x00\x01",  # field number 0
        b"\x0d\x00\x00\x00\x00",  # wire type 5 (fixed32)
        b"\x09" + bytes(8),  # wire type 1 (fixed64)
        b"\x80",  # a truncated key
    ],
)
def test_malformed_messages_are_refused(message: bytes) -> None:
    with pytest.raises(BlockFormatError, match="Protocol Buffers"):
        list(protobuf.fields(message))
