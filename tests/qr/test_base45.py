"""Base45 (RFC 9285): the RFC's examples, round trips, and each refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.qr import base45
from nansen.qr.errors import QRCodeError


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0")],
)
def test_rfc_9285_examples(data: bytes, text: str) -> None:
    assert base45.encode(data) == text
    assert base45.decode(text) == data


def test_the_alphabet_is_qr_alphanumeric_mode() -> None:
    assert base45.ALPHABET == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


@given(st.binary(max_size=300))
def test_round_trip(data: bytes) -> None:
    assert base45.decode(base45.encode(data)) == data


@given(st.binary(max_size=300))
def test_encoding_uses_only_the_alphabet(data: bytes) -> None:
    assert set(base45.encode(data)) <= set(base45.ALPHABET)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A", "length"),
        ("BB8A", "length"),
        ("GGW", "out of range"),  # 16 + 16·45 + 32·45² = 65536
        (":::", "out of range"),
        ("::", "out of range"),  # a final pair above 255
        ("bb8", "alphabet"),
        ("BB=", "alphabet"),
        ("BB8\n", "length"),
        ("BB\x00", "alphabet"),
    ],
)
def test_invalid_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(QRCodeError, match=message):
        base45.decode(text)


def test_largest_values_decode() -> None:
    assert base45.decode("FGW") == b"\xff\xff"
    assert base45.decode("U5") == b"\xff"
