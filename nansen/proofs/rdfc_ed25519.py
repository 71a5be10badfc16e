"""What the legacy Ed25519 proof types share: RDFC-1.0, SHA-256 and an Ed25519 key.

``Ed25519Signature2020`` (W3C CCG Ed25519 Signature 2020 §3.1, §3.3) and ``Ed25519Signature2018``
canonicalise the proof options and the document with RDFC-1.0 (URDNA2015), hash each with SHA-256
(vc-di-eddsa §3.2.4 hashes the same way: `sha256_hash_data`), take an ``Ed25519VerificationKey2020``
or an Ed25519 ``Multikey`` (checked with libsodium, `nansen.keys`) and need the document to name a
context that defines the type. What differs between them is data (the name, the contexts) and, for
2018, what the signature covers (`nansen.proofs.ed25519_signature_2018`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from nansen.canonical import canonical_nquads
from nansen.config import Limits
from nansen.did.document import ED25519_KEY_TYPES, VerificationMethod
from nansen.errors import ProofError
from nansen.keys import Ed25519PublicKey


class Canonicalizing(Protocol):
    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes: ...


def sha256_hash_data(
    suite: Canonicalizing, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits
) -> bytes:
    """vc-di-eddsa §3.2.4 / §3.3.4 Hashing: SHA-256(proofConfig) ‖ SHA-256(document)."""
    proof_hash = hashlib.sha256(suite.canonicalize(proof_config, limits)).digest()
    document_hash = hashlib.sha256(suite.canonicalize(document, limits)).digest()
    return proof_hash + document_hash


@dataclass(frozen=True)
class RdfcEd25519:
    """A legacy proof type: its ``type`` is its name, and a document must use one of ``contexts``
    (the first is the one a refusal names)."""

    name: str
    contexts: tuple[str, ...]
    proof_keeps_context: bool = False

    @property
    def proof_type(self) -> str:
        return self.name

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes:
        return canonical_nquads(document, limits).encode("utf-8")

    def public_key(self, method: VerificationMethod) -> Ed25519PublicKey:
        if method.type not in ED25519_KEY_TYPES:
            raise ProofError(f"An {self.name} proof needs an {' or '.join(ED25519_KEY_TYPES)} key.")
        return method.ed25519_public_key()

    def hash_data(
        self, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits, key: Any
    ) -> bytes:
        return sha256_hash_data(self, proof_config, document, limits)

    def check_document(self, document: dict[str, Any]) -> None:
        context = document.get("@context")
        contexts = context if isinstance(context, list) else [context]
        if not any(c in contexts for c in self.contexts):
            raise ProofError(f"A document with an {self.name} proof must use the context {self.contexts[0]}.")
