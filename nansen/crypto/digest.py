"""``digestMultibase``: the digest of a related resource that a credential carries.

VC Data Model 2.0 §5.3 ("Integrity of Related Resources") defines ``relatedResource.digestMultibase``
by reference to Data Integrity 1.0 §2.6 ("Resource Integrity"): one string, or a list of strings,
each a Multibase-encoded Multihash. Controlled Identifiers 1.0 §2.4 ("Multibase", "Multihash")
fixes both: the Multihash is varint(algorithm) ‖ varint(digest length) ‖ digest, with the
normative algorithms sha2-256 (0x12), sha2-384 (0x20), sha3-256 (0x16) and sha3-384 (0x15); the
Multibase header is ``u`` (base64url, no padding) or ``z`` (base58btc). VC 2.0 §5.3 shows
``u`` + sha2-256 in its example, and states that sha384 SHOULD be considered the minimum strength
hash algorithm: we therefore write ``u`` + sha2-384 and read any of the four.

A verifier that uses the resource MUST compute its digest and MUST produce an error when it does not
match (VC 2.0 §5.3): `DigestCheck` does so for every digest listed, and `resource_matches` for a
resource whose bytes are held (`nansen.related_resources`).

sha2-512 (0x13) is read too (and SRI's ``sha512``): Controlled Identifiers 1.0 §2.4 lists it beside
the four above, and SRI's ``hash-expression`` names it.

**Decision: digests without a Multihash header.** Data Integrity 1.0 §2.6 says each
``digestMultibase`` value "MUST be a single string value, or a list of string values, each of which
is a Multibase-encoded Multihash value". Yet the VC Data Model 2.0 editors' draft renders its §5.3
example ("Use of the digestMultibase property (base64-url-nopad-encoded SHA2-256)") with a tool that
writes the bare SHA-256, and the W3C vc2.0 test suite's *valid* ``relatedResource`` carries one
(``uJKGMkOm…``, 32 bytes, no header). We therefore **read** a value whose decoded bytes are exactly
32, 48 or 64 long as a bare sha2-256, sha2-384 or sha2-512 digest, and **never write** one. The
reading is unambiguous: a Multihash of those algorithms is 34, 50 or 66 bytes (its two header
bytes), so no valid Multihash is ever read as bare, and a bare value is never taken for a Multihash.
A bare value of the same length from another family (sha3-256) simply does not match, and is refused
as a wrong digest wherever the resource is held. Accepting it costs nothing in strength: the digest
is compared in full, as a Multihash would be.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

from nansen import multibase
from nansen.crypto.errors import DigestFormatError, DigestMismatch
from nansen.errors import KeyFormatError


@dataclass(frozen=True)
class HashAlgorithm:
    name: str
    code: int
    size: int
    hashlib_name: str


#: The Multihash algorithms read (Controlled Identifiers 1.0 §2.4); every code is < 0x80, so each
#: varint (code and length) is a single byte.
ALGORITHMS = {
    algorithm.name: algorithm
    for algorithm in (
        HashAlgorithm("sha2-256", 0x12, 32, "sha256"),
        HashAlgorithm("sha2-384", 0x20, 48, "sha384"),
        HashAlgorithm("sha3-256", 0x16, 32, "sha3_256"),
        HashAlgorithm("sha3-384", 0x15, 48, "sha3_384"),
        HashAlgorithm("sha2-512", 0x13, 64, "sha512"),
    )
}
_BY_CODE = {algorithm.code: algorithm for algorithm in ALGORITHMS.values()}
#: A digest without a Multihash header (see the module's decision), by its length: sha2 only.
_BARE_BY_SIZE = {32: ALGORITHMS["sha2-256"], 48: ALGORITHMS["sha2-384"], 64: ALGORITHMS["sha2-512"]}

#: VC Data Model 2.0 §5.3: "sha384 SHOULD be considered the minimum strength hash algorithm".
DEFAULT_ALGORITHM = "sha2-384"


def encode(algorithm: HashAlgorithm, digest: bytes) -> str:
    """``u`` + base64url(Multihash): the encoding VC Data Model 2.0 §5.3's example uses."""
    return multibase.encode_base64url(bytes((algorithm.code, algorithm.size)) + digest)


def decode(value: object) -> tuple[HashAlgorithm, bytes]:
    """The algorithm and digest of one ``digestMultibase`` string (``u…`` or ``z…``): a Multihash, or
    a bare sha2 digest of 32, 48 or 64 bytes (the module's decision)."""
    if not isinstance(value, str):
        raise DigestFormatError("A digestMultibase value must be a string.")
    try:
        raw = multibase.decode(value)
    except KeyFormatError as cause:
        raise DigestFormatError("The digestMultibase value is not valid multibase.") from cause
    if len(raw) in _BARE_BY_SIZE:
        return _BARE_BY_SIZE[len(raw)], raw
    if len(raw) < 2 or raw[0] not in _BY_CODE:
        raise DigestFormatError("The digestMultibase value uses an unsupported hash algorithm.")
    algorithm = _BY_CODE[raw[0]]
    if raw[1] != algorithm.size or len(raw) != 2 + algorithm.size:
        raise DigestFormatError("The digestMultibase value has the wrong length for its hash algorithm.")
    return algorithm, raw[2:]


def listed(value: object, name: str) -> list[object]:
    """The values of a digest property: one string or a non-empty list (Data Integrity 1.0 §2.6)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value:
        return list(value)
    raise DigestFormatError(f"A {name} must be a string or a list of strings, not empty.")


def check_multibase(value: object) -> None:
    """Raise `DigestFormatError` unless ``value`` is a ``digestMultibase`` of a supported algorithm."""
    for item in listed(value, "digestMultibase"):
        decode(item)


#: Subresource Integrity §3.5 (``hash-expression``): the algorithms it names and their digest sizes.
_SRI_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}
#: ``hash-algo "-" base64-value``; CSP's base64-value admits both the standard and the URL-safe alphabet.
_SRI = re.compile(r"(sha256|sha384|sha512)-([A-Za-z0-9+/_-]+={0,2})")


def check_sri(value: object) -> None:
    """Raise `DigestFormatError` unless ``value`` is a ``digestSRI`` (VC Data Model 2.0 §5.3): one or
    more SRI hash expressions, each the digest of the size its algorithm gives."""
    for item in listed(value, "digestSRI"):
        match = _SRI.fullmatch(item) if isinstance(item, str) else None
        if match is None:
            raise DigestFormatError("A digestSRI value must be sha256-, sha384- or sha512- and base64.")
        encoded = match[2].replace("-", "+").replace("_", "/")
        try:
            raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error as cause:
            raise DigestFormatError("The digestSRI value is not valid base64.") from cause
        if len(raw) != _SRI_SIZES[match[1]]:
            raise DigestFormatError("The digestSRI value has the wrong length for its hash algorithm.")


def _sri_digests(value: object) -> list[tuple[str, bytes]]:
    """The (hashlib name, digest) pairs of a ``digestSRI`` value (checked as `check_sri` does)."""
    check_sri(value)
    pairs = []
    for item in listed(value, "digestSRI"):
        algorithm, encoded = str(item).split("-", 1)
        encoded = encoded.replace("-", "+").replace("_", "/")
        pairs.append((algorithm, base64.b64decode(encoded + "=" * (-len(encoded) % 4))))
    return pairs


def resource_matches(resource: dict[str, object], data: bytes) -> bool:
    """Do every ``digestSRI`` and every ``digestMultibase`` of a related resource match these bytes?
    (VC Data Model 2.0 §5.3; the values' forms are checked first, `DigestFormatError` otherwise.)"""
    expected: list[tuple[str, bytes]] = []
    if "digestSRI" in resource:
        expected.extend(_sri_digests(resource["digestSRI"]))
    if "digestMultibase" in resource:
        for item in listed(resource["digestMultibase"], "digestMultibase"):
            algorithm, value = decode(item)
            expected.append((algorithm.hashlib_name, value))
    if not expected:
        return False
    return all(hmac.compare_digest(hashlib.new(name, data).digest(), value) for name, value in expected)


class Digest:
    """A running hash of a stream, read as ``digestMultibase``."""

    def __init__(self, algorithm: str = DEFAULT_ALGORITHM) -> None:
        if algorithm not in ALGORITHMS:
            raise DigestFormatError(
                "The hash algorithm is not one of sha2-256, sha2-384, sha2-512, sha3-256, sha3-384."
            )
        self.algorithm = ALGORITHMS[algorithm]
        self._hash = hashlib.new(self.algorithm.hashlib_name)

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.digest()

    @property
    def multibase(self) -> str:
        return encode(self.algorithm, self._hash.digest())


class DigestCheck:
    """Hashes a stream with the algorithms an expected ``digestMultibase`` names, then compares.

    ``expected`` is what a credential carries: one string or a list (Data Integrity 1.0 §2.6).
    Every listed digest must be of a supported algorithm and must match.
    """

    def __init__(self, expected: str | Sequence[str]) -> None:
        self._expected = [decode(value) for value in listed(expected, "digestMultibase")]
        self._digests = {algorithm.name: Digest(algorithm.name) for algorithm, _ in self._expected}

    def update(self, data: bytes) -> None:
        for digest in self._digests.values():
            digest.update(data)

    @property
    def multibase(self) -> str:
        """The computed digest, in the first expected value's algorithm."""
        return self._digests[self._expected[0][0].name].multibase

    def verify(self) -> None:
        """Raise `DigestMismatch` unless every expected digest equals the computed one."""
        for algorithm, expected in self._expected:
            if not hmac.compare_digest(self._digests[algorithm.name].digest(), expected):
                raise DigestMismatch("The document does not match the digest the credential carries.")
