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
match (VC 2.0 §5.3): `DigestCheck` does so for every digest listed.
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


#: The Multihash algorithms that Controlled Identifiers 1.0 §2.4 makes normative; every code is < 0x80,
#: so each varint (code and length) is a single byte.
ALGORITHMS = {
    algorithm.name: algorithm
    for algorithm in (
        HashAlgorithm("sha2-256", 0x12, 32, "sha256"),
        HashAlgorithm("sha2-384", 0x20, 48, "sha384"),
        HashAlgorithm("sha3-256", 0x16, 32, "sha3_256"),
        HashAlgorithm("sha3-384", 0x15, 48, "sha3_384"),
    )
}
_BY_CODE = {algorithm.code: algorithm for algorithm in ALGORITHMS.values()}

#: VC Data Model 2.0 §5.3: "sha384 SHOULD be considered the minimum strength hash algorithm".
DEFAULT_ALGORITHM = "sha2-384"


def encode(algorithm: HashAlgorithm, digest: bytes) -> str:
    """``u`` + base64url(Multihash): the encoding VC Data Model 2.0 §5.3's example uses."""
    return multibase.encode_base64url(bytes((algorithm.code, algorithm.size)) + digest)


def decode(value: object) -> tuple[HashAlgorithm, bytes]:
    """The algorithm and digest of one ``digestMultibase`` string (``u…`` or ``z…``)."""
    if not isinstance(value, str):
        raise DigestFormatError("A digestMultibase value must be a string.")
    try:
        raw = multibase.decode(value)
    except KeyFormatError as cause:
        raise DigestFormatError("The digestMultibase value is not valid multibase.") from cause
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


class Digest:
    """A running hash of a stream, read as ``digestMultibase``."""

    def __init__(self, algorithm: str = DEFAULT_ALGORITHM) -> None:
        if algorithm not in ALGORITHMS:
            raise DigestFormatError(
                "The hash algorithm is not one of sha2-256, sha2-384, sha3-256, sha3-384."
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
