"""Compact forms of strings: each restores the exact string; near misses stay text; refusals."""

from __future__ import annotations

import pytest

from nansen.qr.cbor import Tag
from nansen.qr.errors import QRCodeError
from nansen.qr.forms import Form, Strings
from tests.helpers import HOLDER, PARTNER

DID = HOLDER.controller
KEY = DID.removeprefix("did:key:")
SIGNATURE = "z5ZnFaDnZi7SQPncHM7uar3GnbvkmK4crcH4xqS2sXwxNj4XWXzEWGx3GGm5ZNmDDfHkoM1xym9b1PbrRjhRdbjMC"
CID = "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
DIGEST = "uEiBHgvd7CPOdXTLAJt9xhJXnZx9vi3IQc8W1GNb1d7jHEw"


def compact_one(text: str) -> str | bytes | Tag:
    return Strings().compact(text)


@pytest.mark.parametrize(
    ("text", "form", "payload_length"),
    [
        (DID, Form.DID_KEY, 34),
        (f"{DID}#{KEY}", Form.DID_KEY_URL, 34),
        (SIGNATURE, Form.BASE58BTC, 64),
        (DIGEST, Form.BASE64URL, 34),
        ("urn:uuid:4dfc3ec4-5627-4bef-863a-eb2a14076a83", Form.URN_UUID, 16),
        ("3f1c9a7e-5b2d-4c8e-9a6f-1d2e3f4a5b6c", Form.UUID, 16),
        (CID, Form.IPFS, 36),
    ],
)
def test_forms_restore_the_exact_string(text: str, form: Form, payload_length: int) -> None:
    compact = compact_one(text)
    assert isinstance(compact, bytes)
    assert compact[0] == form
    assert len(compact) == 1 + payload_length
    assert Strings().restore(compact) == text


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("2026-01-05T09:30:00Z", Tag(1, 1767605400)),
        ("1970-01-01T00:00:00Z", Tag(1, 0)),
        ("1969-12-31T23:59:59Z", Tag(1, -1)),
        ("0001-01-01T00:00:00Z", Tag(1, -62135596800)),
        ("9999-12-31T23:59:59Z", Tag(1, 253402300799)),
        ("1990-04-01", Tag(100, 7395)),
        ("0001-01-01", Tag(100, -719162)),
        ("9999-12-31", Tag(100, 2932896)),
    ],
)
def test_dates_become_integers(text: str, tag: Tag) -> None:
    assert compact_one(text) == tag
    assert Strings().restore(tag) == text


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-05T09:30:00.000Z",  # fractional seconds
        "2026-01-05T09:30:00+00:00",  # an offset, not Z
        "2026-01-05T09:30:00z",
        "2016-12-31T23:59:60Z",  # a leap second
        "2026-13-05T09:30:00Z",
        "0000-01-01T00:00:00Z",
        "2026-01-05 09:30:00Z",
        "١٩٩٠-04-01",  # Arabic-Indic digits
        "1990-02-30",
        "1990-4-01",
        "19900401",
        "URN:UUID:4dfc3ec4-5627-4bef-863a-eb2a14076a83",
        "urn:uuid:4DFC3EC4-5627-4BEF-863A-EB2A14076A83",
        "urn:uuid:4dfc3ec456274bef863aeb2a14076a83",
        "urn:uuid:{4dfc3ec4-5627-4bef-863a-eb2a14076a83}",
        "4DFC3EC4-5627-4BEF-863A-EB2A14076A83",
        f"{DID}#key-1",  # a fragment that is not the key itself
        f"{DID}#{KEY}x",
        f"{DID}#",
        "did:key:zInvalid0OIl",  # characters outside base58
        "did:web:partner.example",
        "zoo",  # a word, not a multibase value
        "under",
        "z" + "2" * 300,  # base58 too long to decode cheaply
        "uEiBHgvd7CPOdXTLAJt9xhJXnZx9vi3IQc8W1GNb1d7jHEx",  # base64url with non-zero trailing bits
        "uEiBHgvd7CPOdXTLAJt9xhJXnZx9vi3IQc8W1GNb1d7jHEw=",  # padding
        "uEiBHgvd7CPOdXTLAJt9xhJXnZx9vi3IQc8W1GNb1d7jH+w",  # base64, not base64url
        "ipfs://BAFKREIGH2AKISCAILDCQABSYG3DFR6CHU3FGPREGIYMSCK7E7AQA4S52ZY",
        "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy/scan.pdf",
        "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
        "zé" + "1" * 30,  # not ASCII
        "uÉ" + "A" * 30,
        "ipfs://bé" + "a" * 30,
        "",
        "Amina",
    ],
)
def test_near_misses_stay_text(text: str) -> None:
    assert compact_one(text) == text


def test_a_key_met_again_is_an_index() -> None:
    strings = Strings()
    holder, partner = strings.compact(DID), strings.compact(PARTNER.controller)
    assert isinstance(holder, bytes)
    assert isinstance(partner, bytes)
    assert strings.compact(DID) == bytes([Form.DID_KEY_AGAIN, 0])
    assert strings.compact(PARTNER.verification_method) == bytes([Form.DID_KEY_URL_AGAIN, 1])
    reader = Strings()
    assert reader.restore(holder) == DID
    assert reader.restore(partner) == PARTNER.controller
    assert reader.restore(bytes([Form.DID_KEY_AGAIN, 0])) == DID
    assert reader.restore(bytes([Form.DID_KEY_URL_AGAIN, 1])) == PARTNER.verification_method


def test_keys_beyond_the_table_are_written_in_full() -> None:
    strings = Strings()
    dids = [f"did:key:z{'2' * 10}{n:03d}".replace("0", "A") for n in range(300)]
    forms = [strings.compact(did) for did in dids]
    again = [strings.compact(did) for did in dids]
    assert all(isinstance(f, bytes) and f[0] == Form.DID_KEY for f in forms)
    assert again[255] == bytes([Form.DID_KEY_AGAIN, 255])
    assert isinstance(again[256], bytes)
    assert again[256][0] == Form.DID_KEY
    reader = Strings()
    assert [reader.restore(f) for f in forms + again] == dids + dids  # type: ignore[arg-type]


def test_a_string_repeated_is_restored_once() -> None:
    """A form repeated costs a few compressed bytes; its base58 is decoded once, not each time."""
    reader = Strings()
    full = Strings().compact(f"{DID}#{KEY}")
    assert isinstance(full, bytes)
    texts = [reader.restore(full)] + [reader.restore(bytes([Form.DID_KEY_URL_AGAIN, 0])) for _ in range(100)]
    assert all(text is texts[0] for text in texts)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (b"", "unknown form"),
        (b"\x09abc", "unknown form"),
        (b"\xff", "unknown form"),
        (bytes([Form.DID_KEY_AGAIN, 0]), "has not given"),
        (bytes([Form.DID_KEY_URL_AGAIN]), "has not given"),
        (bytes([Form.URN_UUID]) + bytes(15), "wrong length"),
        (bytes([Form.UUID]) + bytes(17), "wrong length"),
        (bytes([Form.DID_KEY]) + bytes(129), "wrong length"),
        (bytes([Form.BASE58BTC]) + bytes(129), "wrong length"),
        (bytes([Form.BASE58BTC]) + bytes(15), "wrong length"),
        (bytes([Form.BASE64URL]) + bytes(15), "wrong length"),
        (Tag(1, 253402300800), "outside the years"),
        (Tag(1, -62135596801), "outside the years"),
        (Tag(100, 2932897), "outside the years"),
        (Tag(100, -719163), "outside the years"),
        (Tag(1, 2**64 - 1), "outside the years"),
    ],
)
def test_refusals(item: bytes | Tag, message: str) -> None:
    with pytest.raises(QRCodeError, match=message):
        Strings().restore(item)
