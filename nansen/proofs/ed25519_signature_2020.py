"""The legacy ``Ed25519Signature2020`` proof type (W3C CCG Ed25519 Signature 2020).

Credentials people already hold (MOSIP/Inji and many early issuers, mostly VC 1.1) are signed
with it. The document must name its context, ``https://w3id.org/security/suites/ed25519-2020/v1``
(§2.1; a verifier that does not find it does not match the proof). The proof options are the
proof without ``proofValue``, with the document's ``@context``; both are canonicalised with
RDFC-1.0 (URDNA2015), hashed with SHA-256, and the Ed25519 signature covers
``hash(proof options) ‖ hash(document)`` (§3.1, §3.3). ``proofValue`` is multibase base58btc. The
key is an ``Ed25519VerificationKey2020`` or a ``Multikey`` with an Ed25519 ``publicKeyMultibase``,
checked with libsodium (`nansen.keys`).

Nansen signs with this type only for the opt-in legacy profile, for wallets and verifiers that
know no other (Credo 0.6: docs/openid4vc.md): `nansen.proofs.dataintegrity.add_legacy_proof`.
Its successor, eddsa-rdfc-2022, signs the same way under a DataIntegrityProof and is the default.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from nansen.canonical import canonical_nquads
from nansen.config import Limits
from nansen.did.document import VerificationMethod
from nansen.errors import ProofError
from nansen.keys import Ed25519PublicKey

NAME = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
KEY_TYPES = ("Ed25519VerificationKey2020", "Multikey")


@dataclass(frozen=True)
class Ed25519Signature2020:
    name: str = NAME
    proof_type: str = NAME
    proof_keeps_context: bool = False

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes:
        return canonical_nquads(document, limits).encode("utf-8")

    def public_key(self, method: VerificationMethod) -> Ed25519PublicKey:
        if method.type not in KEY_TYPES:
            raise ProofError(
                "An Ed25519Signature2020 proof needs an Ed25519VerificationKey2020 or Multikey key."
            )
        return Ed25519PublicKey.from_multibase(method.public_key_multibase)

    def hash_data(
        self, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits, key: Any
    ) -> bytes:
        proof_hash = hashlib.sha256(self.canonicalize(proof_config, limits)).digest()
        document_hash = hashlib.sha256(self.canonicalize(document, limits)).digest()
        return proof_hash + document_hash

    def check_document(self, document: dict[str, Any]) -> None:
        context = document.get("@context")
        contexts = context if isinstance(context, list) else [context]
        if CONTEXT not in contexts:
            raise ProofError(f"A document with an Ed25519Signature2020 proof must use the context {CONTEXT}.")
