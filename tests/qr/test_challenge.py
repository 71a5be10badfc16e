"""The verifier's challenge as a person scans or types it (`nansen.qr.challenge`)."""

from __future__ import annotations

import io

import pytest
import segno

from nansen.qr import decode_image
from nansen.qr.challenge import (
    ALPHABET,
    CODE_LENGTH,
    decode_challenge,
    encode_challenge,
    grouped,
    new_code,
    read_code,
    read_domain,
)
from nansen.qr.errors import QRCodeError


def test_a_new_code_has_twelve_symbols_of_the_alphabet_and_codes_differ() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert len(ALPHABET) == 32  # 5 bits a symbol: 60 bits a code


def test_a_typed_code_is_read_as_issued_whatever_its_case_spaces_hyphens_and_look_alikes() -> None:
    code = "7KQ2M9XD4RTB"
    assert grouped(code) == "7KQ2-M9XD-4RTB"
    assert read_code(" 7kq2-m9xd 4rtb ") == code
    assert read_code("1O1L-I00o-AAAA") == "10111000AAAA"  # O is 0, I and L are 1


@pytest.mark.parametrize(
    "typed", ["", "7KQ2-M9XD-4RT", "7KQ2-M9XD-4RTBB", "7KQ2-M9XD-4RTU", "7KQ2_M9XD_4RTB"]
)
def test_what_cannot_be_a_code_is_refused(typed: str) -> None:
    with pytest.raises(QRCodeError):
        read_code(typed)


def test_the_qr_text_round_trips_through_a_picture() -> None:
    code = new_code()
    text = encode_challenge(code, "shelter.example.org:8443")
    assert text == f"NC1:{code}:shelter.example.org:8443"
    picture = io.BytesIO()
    segno.make_qr(text, error="m", mode="byte").save(picture, kind="png", scale=4)  # as `uri_svg` draws it
    read = decode_challenge(decode_image(picture.getvalue()))
    assert read == (code, "shelter.example.org:8443")


@pytest.mark.parametrize(
    "text",
    [
        "NV1:ABC",
        "NC1:",
        "NC1:7KQ2M9XD4RTB",
        "NC1:7KQ2M9XD4RTB:",
        "NC1:7KQ2M9XD4RT:localhost",
        "NC1:7KQ2-M9XD-4RTB:localhost",
        "NC1:7KQ2M9XD4RTB:local host",
        'NC1:7KQ2M9XD4RTB:evil.example/"',
        "NC1:7KQ2M9XD4RTB:" + "a" * 254,
    ],
)
def test_what_is_not_a_challenge_is_refused(text: str) -> None:
    with pytest.raises(QRCodeError):
        decode_challenge(text)


def test_a_domain_is_kept_as_written() -> None:
    assert read_domain(" Shelter.Example ") == "Shelter.Example"
