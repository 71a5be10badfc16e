"""The CBOR subset (RFC 8949): what it writes, cross-checked with cbor2, and each refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import cbor2
import pytest

from nansen.qr import cbor
from nansen.qr.cbor import Tag
from nansen.qr.errors import QRCodeError
from nansen.qr.limits import MAX_DEPTH, MAX_ITEMS

ITEM: Any = [
    0,
    23,
    24,
    255,
    256,
    65536,
    2**32,
    2**64 - 1,
    -1,
    -25,
    -(2**64),
    1.5,
    -0.0,
    100000.0,
    1.1,
    1e300,
    5e-324,
    True,
    False,
    None,
    "",
    "Zoë 😀",
    b"",
    b"\x00\xff",
    [],
    {},
    {1: "one", "two": [2, {"three": 3}]},
    Tag(1, 1767605400),
    Tag(100, -1),
]


@pytest.mark.parametrize(
    ("item", "hex_"),
    [
        (0, "00"),
        (23, "17"),
        (24, "1818"),
        (256, "190100"),
        (-1, "20"),
        (-(2**64), "3bffffffffffffffff"),
        (1.5, "f93e00"),
        (100000.0, "fa47c35000"),
        (1.1, "fb3ff199999999999a"),
        ("a", "6161"),
        (b"\x01", "4101"),
        ({1: [True, None]}, "a10182f5f6"),
        (Tag(1, 1767605400), "c11a695b8498"),
        (Tag(100, 7395), "d864191ce3"),
    ],
)
def test_preferred_serialization(item: Any, hex_: str) -> None:
    assert cbor.dumps(item).hex() == hex_
    assert cbor.loads(bytes.fromhex(hex_)) == item


def test_round_trip_keeps_types_and_order() -> None:
    decoded: Any = cbor.loads(cbor.dumps(ITEM))
    assert decoded == ITEM
    assert [type(x) for x in decoded] == [type(x) for x in ITEM]
    assert list(decoded[26]) == [1, "two"]


def test_cbor2_reads_what_we_write() -> None:
    decoded = cbor2.loads(cbor.dumps(ITEM))
    assert decoded[:-2] == ITEM[:-2]
    assert decoded[-2] == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)  # tag 1, RFC 8949 §3.4.2
    assert decoded[-1] == date(1969, 12, 31)  # tag 100, RFC 8943


def test_we_read_what_cbor2_writes() -> None:
    plain = ITEM[:-2]
    assert cbor.loads(cbor2.dumps(plain, canonical=True)) == plain


@pytest.mark.parametrize(
    ("hex_", "message"),
    [
        ("", "truncated"),
        ("1901", "truncated"),
        ("62 61", "truncated"),
        ("82 01", "truncated"),
        ("0001", "after its end"),
        ("1817", "shortest"),  # 23 in two bytes
        ("190017", "shortest"),
        ("1a000000ff", "shortest"),
        ("1b00000000ffffffff", "shortest"),
        ("38 00", "shortest"),
        ("58 01 00", "shortest"),
        ("fa3fc00000", "shortest"),  # 1.5 as binary32
        ("fb3ff8000000000000", "shortest"),  # 1.5 as binary64
        ("f97e00", "not finite"),  # NaN
        ("f97c00", "not finite"),  # infinity
        ("9f01ff", "indefinite"),
        ("5f4101ff", "indefinite"),
        ("1c", "reserved"),
        ("f7", "simple value"),  # undefined
        ("f820", r"reserved|simple value"),
        ("e0", "simple value"),
        ("c0 6161", "tag"),  # tag 0, a date string
        ("d820 6161", "tag"),  # tag 32, a URI
        ("d81c 80", "tag"),  # tag 28, value sharing
        ("c1 6161", "integer"),
        ("c1 f93e00", "integer"),
        ("62 c328", "UTF-8"),
        ("a2 0101 0102", "duplicate"),
        ("a2 6161 01 6161 02", "duplicate"),
        ("a1 4101 01", "neither"),
        ("a1 f5 01", "neither"),
        ("a1 80 01", "neither"),
    ],
)
def test_refusals(hex_: str, message: str) -> None:
    with pytest.raises(QRCodeError, match=message):
        cbor.loads(bytes.fromhex(hex_.replace(" ", "")))


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    assert cbor.loads(bytes([0x81] * (MAX_DEPTH - 1) + [0x00])) is not None
    with pytest.raises(QRCodeError, match="nested more than"):
        cbor.loads(bytes([0x81] * MAX_DEPTH + [0x00]))


def test_a_deep_hostile_input_is_refused_without_recursion_error() -> None:
    with pytest.raises(QRCodeError, match="nested more than"):
        cbor.loads(bytes([0x81] * 100_000))


def test_more_items_than_the_limit_are_refused() -> None:
    assert len(cbor.loads(cbor.dumps([0] * (MAX_ITEMS - 1)))) == MAX_ITEMS - 1  # type: ignore[arg-type]
    with pytest.raises(QRCodeError, match="more than"):
        cbor.loads(cbor.dumps([0] * MAX_ITEMS))


def test_a_huge_declared_length_is_refused_quickly() -> None:
    with pytest.raises(QRCodeError, match=r"truncated|more than"):
        cbor.loads(bytes.fromhex("9bffffffffffffffff") + b"\x00" * 10)
    with pytest.raises(QRCodeError, match="truncated"):
        cbor.loads(bytes.fromhex("5bffffffffffffffff"))


def test_text_that_is_not_unicode_is_refused() -> None:
    with pytest.raises(QRCodeError, match="not valid Unicode"):
        cbor.dumps("\ud800")
