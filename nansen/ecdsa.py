"""ECDSA P-256 and P-384 public keys as Multikey (W3C Controlled Identifiers 1.0 §2.2.2), on
pyca/cryptography.

A Multikey value is ``z`` + base58btc(multicodec header ‖ compressed point): header ``0x1200``
(p256-pub, 33-byte point) or ``0x1201`` (p384-pub, 49-byte point); any other header or length is
refused (vc-di-ecdsa §2.1.1). Signatures are IEEE P1363 ``r ‖ s`` (RFC 4754 §7), 64 or 96 bytes.

ECDSA signatures are malleable: ``(r, n - s)`` verifies wherever ``(r, s)`` does, and vc-di-ecdsa
does not require the low-S form (§5.1 notes ECDSA lacks strong unforgeability), so both verify.
Whoever needs to know whether two proofs carry "the same" signature compares `canonical_signature`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from nansen import multibase
from nansen.errors import KeyFormatError


@dataclass(frozen=True)
class Curve:
    name: str
    codec: bytes
    #: Size of a compressed point, and of each of r and s.
    point_size: int
    scalar_size: int
    #: The curve's order n (FIPS 186-5 / SP 800-186 §3.2.1).
    order: int
    #: vc-di-ecdsa §3: SHA-256 for P-256, SHA-384 for P-384 (hashing and RDFC-1.0 alike).
    hash_name: str

    @property
    def signature_size(self) -> int:
        return 2 * self.scalar_size

    def ec_curve(self) -> ec.EllipticCurve:
        return ec.SECP256R1() if self.name == "P-256" else ec.SECP384R1()

    def hash_algorithm(self) -> hashes.HashAlgorithm:
        return hashes.SHA256() if self.hash_name == "sha256" else hashes.SHA384()


P256 = Curve(
    "P-256",
    multibase.P256_PUB,
    33,
    32,
    0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "sha256",
)
P384 = Curve(
    "P-384",
    multibase.P384_PUB,
    49,
    48,
    0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    "sha384",
)
CURVES = (P256, P384)


@dataclass(frozen=True)
class EcdsaPublicKey:
    curve: Curve
    point: bytes  # compressed SEC 1 encoding

    @classmethod
    def from_multibase(cls, value: str) -> EcdsaPublicKey:
        if not isinstance(value, str) or not value.startswith("z"):
            raise KeyFormatError("An ECDSA Multikey value must be base58btc ('z…').")
        raw = multibase.decode(value)
        for curve in CURVES:
            if raw.startswith(curve.codec):
                point = raw[len(curve.codec) :]
                if len(point) != curve.point_size or point[0] not in (2, 3):
                    raise KeyFormatError(f"The {curve.name} Multikey is not a compressed point.")
                try:
                    ec.EllipticCurvePublicKey.from_encoded_point(curve.ec_curve(), point)
                except ValueError as cause:
                    raise KeyFormatError(f"The {curve.name} Multikey is not a point on the curve.") from cause
                return cls(curve, point)
        raise KeyFormatError("The Multikey is not a P-256 or P-384 public key.")

    @property
    def multibase(self) -> str:
        return multibase.encode_multicodec(self.curve.codec, self.point)

    def _key(self) -> ec.EllipticCurvePublicKey:
        return ec.EllipticCurvePublicKey.from_encoded_point(self.curve.ec_curve(), self.point)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """ECDSA with the curve's hash over ``message``; ``signature`` is P1363 ``r ‖ s``."""
        scalars = _scalars(self.curve, signature)
        if scalars is None:
            return False
        der = encode_dss_signature(*scalars)
        try:
            self._key().verify(der, message, ec.ECDSA(self.curve.hash_algorithm()))
        except InvalidSignature:
            return False
        return True


def _scalars(curve: Curve, signature: bytes) -> tuple[int, int] | None:
    """``(r, s)`` of a P1363 signature, or None unless both are in [1, n - 1]."""
    if len(signature) != curve.signature_size:
        return None
    r = int.from_bytes(signature[: curve.scalar_size], "big")
    s = int.from_bytes(signature[curve.scalar_size :], "big")
    if not (0 < r < curve.order and 0 < s < curve.order):
        return None
    return r, s


def canonical_signature(curve: Curve, signature: bytes) -> bytes:
    """The low-S form of a P1363 signature: the one of ``(r, s)`` and ``(r, n - s)`` with the
    smaller s. Two proofs whose signatures differ only there were made once, by one signing."""
    scalars = _scalars(curve, signature)
    if scalars is None:
        return signature
    r, s = scalars
    s = min(s, curve.order - s)
    return r.to_bytes(curve.scalar_size, "big") + s.to_bytes(curve.scalar_size, "big")
