"""Format NV1 on hostile or unsuitable input: every refusal, each with a plain message."""

from __future__ import annotations

import random
from typing import Any

import pytest

from nansen.errors import InvalidInput, NansenError
from nansen.qr import PREFIX, QRCodeError, base45, cbor, decode_presentation, encode_presentation
from nansen.qr.limits import MAX_DEPTH, MAX_ITEMS, MAX_PAYLOAD, MAX_TEXT
from tests.qr.builders import nv1, realistic_presentation


def nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth - 1):
        value = [value]
    return value


def test_the_error_is_a_nansen_input_error() -> None:
    assert issubclass(QRCodeError, InvalidInput)
    assert issubclass(QRCodeError, NansenError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "does not hold a Nansen presentation"),
        ("HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N", "does not hold a Nansen presentation"),
        ("nv1:ABC", "does not hold a Nansen presentation"),
        ("NV2:BB8", "version of the format"),
        ("NV10:BB8", "version of the format"),
        ("NV1:A", "not Base45"),
        ("NV1:GGW", "not Base45"),
        ("NV1:bb8", "Base45 alphabet"),
        ("NV1:", "truncated"),
        (PREFIX + base45.encode(b"\xff\xff\xff"), "not valid compressed data"),
    ],
)
def test_unreadable_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(QRCodeError, match=message):
        decode_presentation(text)


def test_text_longer_than_any_qr_code_is_refused() -> None:
    with pytest.raises(QRCodeError, match="longer than any QR code"):
        decode_presentation(PREFIX + "0" * MAX_TEXT)


def test_content_that_is_not_text_is_refused() -> None:
    with pytest.raises(QRCodeError, match="must be text"):
        decode_presentation(b"NV1:BB8")  # type: ignore[arg-type]


def test_truncated_text_is_refused() -> None:
    body = encode_presentation(realistic_presentation()).removeprefix(PREFIX)
    with pytest.raises(QRCodeError, match="truncated"):
        decode_presentation(PREFIX + body[: (len(body) // 3 - 10) * 3])


def test_data_after_the_compressed_stream_is_refused() -> None:
    with pytest.raises(QRCodeError, match="after its end"):
        decode_presentation(nv1(cbor.dumps({"a": 1}), after=b"\x00"))


def test_data_after_the_cbor_item_is_refused() -> None:
    with pytest.raises(QRCodeError, match="after its end"):
        decode_presentation(nv1(cbor.dumps({"a": 1}) + b"\x00"))


def test_decompression_bomb_is_refused() -> None:
    text = nv1(b"\x00" * (2 * 1024 * 1024))
    assert len(text) <= MAX_TEXT  # it fits a QR code, and would expand a thousandfold
    with pytest.raises(QRCodeError, match="expands to more than 64 KiB"):
        decode_presentation(text)


def test_payload_just_over_the_bound_is_refused() -> None:
    with pytest.raises(QRCodeError, match="expands to more than"):
        decode_presentation(nv1(b"\x00" * (MAX_PAYLOAD + 1)))


def test_deep_nesting_is_refused() -> None:
    assert decode_presentation(nv1(cbor.dumps({"a": nested(MAX_DEPTH - 1)})))
    with pytest.raises(QRCodeError, match=f"nested more than {MAX_DEPTH} levels"):
        decode_presentation(nv1(cbor.dumps({"a": nested(MAX_DEPTH)})))


def test_too_many_values_are_refused() -> None:
    with pytest.raises(QRCodeError, match="more than 8,192 values"):
        decode_presentation(nv1(cbor.dumps({"a": [0] * MAX_ITEMS})))


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ([1, 2], "not hold a JSON object"),
        ("text", "not hold a JSON object"),
        ({"id": 1}, "writes out a member name that has a number"),
        ({10_000: 1}, "member name number that the format does not define"),
        ({-1: 1}, "member name number that the format does not define"),
        ({1: b"\x63"}, "unknown form"),
        ({1: cbor.Tag(1, 10**15)}, "outside the years"),
    ],
)
def test_payloads_the_encoder_cannot_write_are_refused(item: cbor.Item, message: str) -> None:
    with pytest.raises(QRCodeError, match=message):
        decode_presentation(nv1(cbor.dumps(item)))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1], "Only a JSON object"),
        ({"a": float("nan")}, "not finite"),
        ({"a": float("inf")}, "not finite"),
        ({"a": 2**64}, "larger than 64 bits"),
        ({"a": -(2**64) - 1}, "larger than 64 bits"),
        ({1: "a"}, "member name that is not text"),
        ({"a": {1, 2}}, "not JSON"),
        ({"a": (1, 2)}, "not JSON"),
        ({"a": b"bytes"}, "not JSON"),
        ({"a": "\ud800"}, "not valid Unicode"),
        ({"\ud800": 1}, "not valid Unicode"),
        ({"a": nested(MAX_DEPTH)}, "nested more than"),
        ({"a": nested(100_000)}, "nested more than"),
        ({"a": [0] * (MAX_ITEMS - 2)}, "more than 8,192 values"),
        ({"a": "a" * (MAX_PAYLOAD + 1)}, "more than 64 KiB"),
    ],
)
def test_documents_the_format_cannot_hold_are_refused(document: Any, message: str) -> None:
    with pytest.raises(QRCodeError, match=message):
        encode_presentation(document)


def test_a_presentation_too_large_for_one_code_is_refused() -> None:
    noise = random.Random(7).randbytes(3000).hex()
    with pytest.raises(QRCodeError, match="too large for one QR code"):
        encode_presentation({"a": noise})


@pytest.mark.parametrize(
    "document",
    [
        {"a": nested(MAX_DEPTH - 1)},
        {"a": [2**64 - 1, -(2**64)]},
        {"a": [0] * (MAX_ITEMS - 3)},  # the object, its member name, the array, its elements
    ],
)
def test_the_largest_accepted_values_round_trip(document: Any) -> None:
    assert decode_presentation(encode_presentation(document)) == document
