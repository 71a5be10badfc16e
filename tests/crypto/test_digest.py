"""digestMultibase (VC Data Model 2.0 §5.3, Data Integrity 1.0 §2.6, Controlled Identifiers 1.0 §2.4)."""

from __future__ import annotations

import base64
import hashlib

import base58
import pytest

from nansen.config import schemas_dir
from nansen.crypto import DigestCheck, DigestFormatError, DigestMismatch
from nansen.crypto.digest import ALGORITHMS, DEFAULT_ALGORITHM, Digest, decode

DATA = b"scan of a passport" * 1000


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        # VC Data Model 2.0 §5.3, Example 26: the two contexts' digests, base64url-nopad SHA2-256
        ("credentials-v2.jsonld", "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA"),
        ("credentials-examples-v2.jsonld", "uEiBXOT-8adbvubm13Jy2uYgLCUQ2Cr_i6vRZyeWM8iedfA"),
    ],
)
def test_the_specification_example_verifies(context: str, expected: str) -> None:
    check = DigestCheck(expected)
    check.update((schemas_dir() / "contexts" / context).read_bytes())
    check.verify()
    assert check.multibase == expected


@pytest.mark.parametrize(
    ("algorithm", "hashlib_name", "header"),
    [
        ("sha2-256", "sha256", b"\x12\x20"),
        ("sha2-384", "sha384", b"\x20\x30"),
        ("sha3-256", "sha3_256", b"\x16\x20"),
        ("sha3-384", "sha3_384", b"\x15\x30"),
    ],
)
def test_digest_is_u_base64url_of_the_multihash(algorithm: str, hashlib_name: str, header: bytes) -> None:
    digest = Digest(algorithm)
    for piece in (DATA[:5], DATA[5:]):
        digest.update(piece)
    expected = "u" + b64url(header + hashlib.new(hashlib_name, DATA).digest())
    assert digest.multibase == expected
    assert decode(expected) == (ALGORITHMS[algorithm], hashlib.new(hashlib_name, DATA).digest())


def test_the_default_is_sha2_384_as_vc_data_model_2_0_recommends() -> None:
    assert DEFAULT_ALGORITHM == "sha2-384"
    assert Digest().multibase.startswith("uIDA") or Digest().multibase.startswith("uIDB")


def test_base58btc_values_are_read_too() -> None:
    value = "z" + base58.b58encode(b"\x12\x20" + hashlib.sha256(DATA).digest()).decode()
    check = DigestCheck(value)
    check.update(DATA)
    check.verify()


def test_every_digest_of_a_list_must_match() -> None:
    sha256 = "u" + b64url(b"\x12\x20" + hashlib.sha256(DATA).digest())
    sha384 = "u" + b64url(b"\x20\x30" + hashlib.sha384(DATA).digest())
    good = DigestCheck([sha384, sha256])
    good.update(DATA)
    good.verify()
    assert good.multibase == sha384
    wrong = "u" + b64url(b"\x12\x20" + hashlib.sha256(b"another document").digest())
    bad = DigestCheck([sha384, wrong])
    bad.update(DATA)
    with pytest.raises(DigestMismatch, match="does not match"):
        bad.verify()


def test_a_different_document_is_refused() -> None:
    check = DigestCheck("u" + b64url(b"\x20\x30" + hashlib.sha384(DATA).digest()))
    check.update(DATA + b"!")
    with pytest.raises(DigestMismatch):
        check.verify()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (42, "must be a string or a list"),
        ([42], "must be a string"),
        ({"digest": "u"}, "must be a string or a list"),
        ("", "not valid multibase"),
        ("mEiB", "not valid multibase"),  # base64 with padding alphabet: not a base we read
        ("uA", "not valid multibase"),
        ("u" + b64url(b"\x11\x14" + hashlib.sha1(DATA).digest()), "unsupported hash algorithm"),
        ("u" + b64url(b"\x12"), "unsupported hash algorithm"),
        ("u" + b64url(b"\x12\x20" + bytes(31)), "wrong length"),
        ("u" + b64url(b"\x12\x1f" + bytes(31)), "wrong length"),
        ("u" + b64url(b"\x12\x20" + bytes(33)), "wrong length"),
    ],
)
def test_malformed_digests_are_refused(value: object, reason: str) -> None:
    with pytest.raises(DigestFormatError, match=reason):
        DigestCheck(value)  # type: ignore[arg-type]


def test_an_empty_list_is_refused() -> None:
    with pytest.raises(DigestFormatError, match="empty"):
        DigestCheck([])


def test_an_unknown_algorithm_name_is_refused() -> None:
    with pytest.raises(DigestFormatError, match="not one of"):
        Digest("md5")
