"""Signers for the suites Nansen only verifies (ecdsa-rdfc-2019, Ed25519Signature2020): test code.

Nansen never signs with these (nansen.proofs.cryptosuites: SUITES does not list them); the tests
need credentials to refuse, and credentials for Digital Bazaar's libraries to verify. The hashing
is the core's (`Cryptosuite.hash_data`): what the core verifies is what is signed here, and the
W3C vectors and Digital Bazaar's implementation check that both are right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from nansen import multibase
from nansen.config import Limits
from nansen.did import key as did_key
from nansen.ecdsa import P256, P384, Curve, EcdsaPublicKey
from nansen.keys import SigningKey
from nansen.proofs.cryptosuites import LEGACY_PROOF_TYPES, VERIFY_ONLY_CRYPTOSUITES
from nansen.sdjwt.encoding import b64encode, json_bytes
from nansen.timeutil import format_datetime


@dataclass(frozen=True)
class EcdsaSigner:
    curve: Curve
    private_key: ec.EllipticCurvePrivateKey

    @classmethod
    def from_secret(cls, curve: Curve, secret: int) -> EcdsaSigner:
        return cls(curve, ec.derive_private_key(secret, curve.ec_curve()))

    @classmethod
    def from_secret_multibase(cls, value: str) -> EcdsaSigner:
        """A W3C vc-di-ecdsa ``secretKeyMultibase``: header 0x1306 (P-256) or 0x1307 (P-384), scalar."""
        raw = multibase.decode(value)
        curve = {b"\x86\x26": P256, b"\x87\x26": P384}[raw[:2]]
        return cls.from_secret(curve, int.from_bytes(raw[2:], "big"))

    @property
    def public_key(self) -> EcdsaPublicKey:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        point = self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        return EcdsaPublicKey(self.curve, point)

    @property
    def did(self) -> str:
        return did_key.PREFIX + self.public_key.multibase

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.public_key.multibase}"

    def sign(self, message: bytes) -> bytes:
        """P1363 ``r ‖ s`` (random k: OpenSSL's ECDSA)."""
        der = self.private_key.sign(message, ec.ECDSA(self.curve.hash_algorithm()))
        r, s = decode_dss_signature(der)
        return r.to_bytes(self.curve.scalar_size, "big") + s.to_bytes(self.curve.scalar_size, "big")


def _signed(
    document: dict[str, Any], proof: dict[str, Any], suite_name: str, key: Any, sign: Any
) -> dict[str, Any]:
    suite = VERIFY_ONLY_CRYPTOSUITES.get(suite_name) or LEGACY_PROOF_TYPES[suite_name]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {**proof, "@context": unsecured["@context"]}
    signature = sign(suite.hash_data(config, unsecured, Limits(), key))
    return {**unsecured, "proof": {**proof, "proofValue": multibase.encode_base58btc(signature)}}


def sign_ecdsa_rdfc_2019(
    document: dict[str, Any],
    signer: EcdsaSigner,
    created: datetime,
    purpose: str = "assertionMethod",
    method: str | None = None,
    **extra: str,
) -> dict[str, Any]:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-rdfc-2019",
        "created": format_datetime(created),
        "verificationMethod": method or signer.verification_method,
        "proofPurpose": purpose,
        **extra,
    }
    return _signed(document, proof, "ecdsa-rdfc-2019", signer.public_key, signer.sign)


def sign_ed25519_signature_2020(
    document: dict[str, Any],
    signer: SigningKey,
    created: datetime,
    purpose: str = "assertionMethod",
    **extra: str,
) -> dict[str, Any]:
    proof = {
        "type": "Ed25519Signature2020",
        "created": format_datetime(created),
        "verificationMethod": signer.verification_method,
        "proofPurpose": purpose,
        **extra,
    }
    return _signed(document, proof, "Ed25519Signature2020", signer.key_pair.public_key, signer.key_pair.sign)


def sign_ed25519_signature_2018(
    document: dict[str, Any],
    signer: SigningKey,
    created: datetime,
    purpose: str = "assertionMethod",
    header: dict[str, Any] | None = None,
    **extra: str,
) -> dict[str, Any]:
    """An Ed25519Signature2018 proof: a detached JWS with an unencoded payload (RFC 7797) over
    SHA-256(proof options) ‖ SHA-256(document), both RDFC-1.0, as jsonld-signatures makes it."""
    proof = {
        "type": "Ed25519Signature2018",
        "created": format_datetime(created),
        "verificationMethod": signer.verification_method,
        "proofPurpose": purpose,
        **extra,
    }
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    hashes = LEGACY_PROOF_TYPES["Ed25519Signature2020"].hash_data(
        {**proof, "@context": unsecured["@context"]}, unsecured, Limits(), signer.key_pair.public_key
    )
    encoded = b64encode(json_bytes(header or {"alg": "EdDSA", "b64": False, "crit": ["b64"]}))
    signature = signer.key_pair.sign((encoded + ".").encode("ascii") + hashes)
    return {**unsecured, "proof": {**proof, "jws": f"{encoded}..{b64encode(signature)}"}}
