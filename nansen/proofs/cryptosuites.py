"""The cryptosuites: how each proof type canonicalises, hashes and checks a signature.

Signing and verifying: the EdDSA cryptosuites of W3C Data Integrity EdDSA Cryptosuites v1.0.
``eddsa-rdfc-2022`` (§3.2) canonicalises with RDFC-1.0; ``eddsa-jcs-2022`` (§3.3) with JCS
(RFC 8785). Both hash proof configuration and document with SHA-256 and sign
``hash(proofConfig) ‖ hash(document)`` with Ed25519.

Verifying only, for credentials people already hold: ``ecdsa-rdfc-2019``
(`nansen.proofs.ecdsa_rdfc_2019`) and the legacy ``Ed25519Signature2020`` and
``Ed25519Signature2018`` proof types (`nansen.proofs.ed25519_signature_2020`,
`nansen.proofs.ed25519_signature_2018`). `SUITES`, the suites a caller may sign with, does not
list them; `LEGACY_SIGNING` holds Ed25519Signature2020 for the opt-in legacy profile only
(`nansen.proofs.dataintegrity.add_legacy_proof`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import rfc8785

from nansen.canonical import canonical_json, canonical_nquads
from nansen.config import Limits
from nansen.did.document import VerificationMethod
from nansen.errors import InvalidInput, ProofError
from nansen.proofs.ecdsa_rdfc_2019 import EcdsaRdfc2019
from nansen.proofs.ed25519_signature_2018 import Ed25519Signature2018
from nansen.proofs.ed25519_signature_2020 import ED25519_SIGNATURE_2020
from nansen.proofs.rdfc_ed25519 import sha256_hash_data

DATA_INTEGRITY_PROOF = "DataIntegrityProof"


class PublicKey(Protocol):
    def verify(self, message: bytes, signature: bytes) -> bool: ...


class Cryptosuite(Protocol):
    @property
    def name(self) -> str:
        """The ``cryptosuite`` value, or for a legacy proof type its ``type``."""

    @property
    def proof_type(self) -> str:
        """The proof's ``type``: DataIntegrityProof, or a legacy type such as Ed25519Signature2020."""

    @property
    def proof_keeps_context(self) -> bool:
        """Does the secured document's proof keep ``@context``? (eddsa-jcs-2022's does.)"""

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes: ...

    def public_key(self, method: VerificationMethod) -> PublicKey:
        """The method's key if this suite can use it; `ProofError` or `KeyFormatError` if not."""

    def hash_data(
        self, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits, key: PublicKey
    ) -> bytes:
        """What the signature covers: hash(canonical proof configuration) ‖ hash(canonical document)."""

    def check_document(self, document: dict[str, Any]) -> None:
        """Refuse (`ProofError`) a document this suite's proofs cannot be made on."""


@dataclass(frozen=True)
class _Eddsa:
    def public_key(self, method: VerificationMethod) -> PublicKey:
        return method.ed25519_public_key()

    def hash_data(
        self, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits, key: PublicKey
    ) -> bytes:
        return sha256_hash_data(self, proof_config, document, limits)  # type: ignore[arg-type]

    def check_document(self, document: dict[str, Any]) -> None:
        return None


@dataclass(frozen=True)
class EddsaRdfc2022(_Eddsa):
    name: str = "eddsa-rdfc-2022"
    proof_type: str = DATA_INTEGRITY_PROOF
    proof_keeps_context: bool = False

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes:
        return canonical_nquads(document, limits).encode("utf-8")


@dataclass(frozen=True)
class EddsaJcs2022(_Eddsa):
    name: str = "eddsa-jcs-2022"
    proof_type: str = DATA_INTEGRITY_PROOF
    proof_keeps_context: bool = True

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes:
        try:
            return canonical_json(document)  # rfc8785.dumps, faster (nansen.canonical)
        except (rfc8785.CanonicalizationError, TypeError, ValueError) as cause:
            raise InvalidInput("The document cannot be canonicalised with JCS (RFC 8785).") from cause


#: The suites Nansen signs with (and verifies).
SUITES: dict[str, Cryptosuite] = {suite.name: suite for suite in (EddsaRdfc2022(), EddsaJcs2022())}
DEFAULT_SUITE = "eddsa-rdfc-2022"
#: DataIntegrityProof cryptosuites Nansen verifies but never signs with.
VERIFY_ONLY_CRYPTOSUITES: dict[str, Cryptosuite] = {"ecdsa-rdfc-2019": EcdsaRdfc2019()}
#: Legacy proof types (no ``cryptosuite``), verified but never signed with.
LEGACY_PROOF_TYPES: dict[str, Cryptosuite] = {
    suite.name: suite for suite in (ED25519_SIGNATURE_2020, Ed25519Signature2018())
}

_VERIFIABLE = ", ".join([*SUITES, *VERIFY_ONLY_CRYPTOSUITES])
_TYPES = ", ".join([DATA_INTEGRITY_PROOF, *LEGACY_PROOF_TYPES])


def suite_named(name: object) -> Cryptosuite:
    """A suite Nansen signs with; `ProofError` for any other name."""
    if not isinstance(name, str) or name not in SUITES:
        raise ProofError("The cryptosuite is not supported (eddsa-rdfc-2022 and eddsa-jcs-2022 are).")
    return SUITES[name]


#: The one legacy proof type Nansen signs with, and only when asked: the issuer's opt-in VC 1.1
#: configuration (``NANSEN_ISSUER_LEGACY_LDP_VC``) and a wallet answering a verifier that lists only
#: legacy proof types (docs/openid4vc.md "Legacy profile").
LEGACY_SIGNING: dict[str, Cryptosuite] = {"Ed25519Signature2020": LEGACY_PROOF_TYPES["Ed25519Signature2020"]}


def legacy_suite_named(name: object) -> Cryptosuite:
    """The legacy proof type Nansen signs with when asked; `ProofError` for any other name."""
    if not isinstance(name, str) or name not in LEGACY_SIGNING:
        raise ProofError("The legacy proof type is not supported for signing (Ed25519Signature2020 is).")
    return LEGACY_SIGNING[name]


def suite_of_proof(proof: dict[str, Any]) -> Cryptosuite:
    """The suite that verifies this proof, by its ``type`` and ``cryptosuite``; `ProofError` if none."""
    proof_type = proof.get("type")
    if proof_type == DATA_INTEGRITY_PROOF:
        name = proof.get("cryptosuite")
        found = _data_integrity_suite(name)
        if found is None:
            raise ProofError(f"The cryptosuite is not supported ({_VERIFIABLE} are).")
        return found
    if isinstance(proof_type, str) and proof_type in LEGACY_PROOF_TYPES:
        if "cryptosuite" in proof:
            raise ProofError(f"An {proof_type} proof must not name a cryptosuite.")
        return LEGACY_PROOF_TYPES[proof_type]
    raise ProofError(f"The proof type is not supported ({_TYPES} are).")


def _data_integrity_suite(name: object) -> Cryptosuite | None:
    if not isinstance(name, str):
        return None
    return SUITES.get(name) or VERIFY_ONLY_CRYPTOSUITES.get(name)


def suite_label(proof: Any) -> str | None:
    """How a report names what made a proof: its cryptosuite, or its legacy type; None if neither."""
    if not isinstance(proof, dict):
        return None
    if proof.get("type") == DATA_INTEGRITY_PROOF:
        suite = _data_integrity_suite(proof.get("cryptosuite"))
        return suite.name if suite is not None else None
    proof_type = proof.get("type")
    return proof_type if isinstance(proof_type, str) and proof_type in LEGACY_PROOF_TYPES else None


def hash_data(
    suite: Cryptosuite, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits
) -> bytes:
    """vc-di-eddsa §3.2.4 / §3.3.4 Hashing (Ed25519 Signature 2020 §3.3 hashes the same way), for
    the suites Nansen signs with (SHA-256)."""
    return sha256_hash_data(suite, proof_config, document, limits)
