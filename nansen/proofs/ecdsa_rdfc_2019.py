"""The ``ecdsa-rdfc-2019`` cryptosuite of W3C Data Integrity ECDSA Cryptosuites v1.0 (§3.2), verify only.

A DataIntegrityProof whose key is a P-256 or P-384 Multikey (`nansen.ecdsa`). The curve decides
the hash (§3, §3.2.4): SHA-256 for P-256, SHA-384 for P-384, both for RDFC-1.0's own hashing of
blank nodes and for hashing the canonical proof configuration and document. The signature, P1363
``r ‖ s``, covers ``hash(proofConfig) ‖ hash(document)`` (§3.2.4, §3.2.7). The proof configuration
is the proof without ``proofValue``, with the document's ``@context`` (§3.2.5); the proof itself
carries no ``@context``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from nansen.canonical import canonical_nquads, canonical_nquads_uncached
from nansen.config import Limits
from nansen.did.document import VerificationMethod
from nansen.ecdsa import P256, EcdsaPublicKey
from nansen.errors import KeyFormatError, ProofError

NAME = "ecdsa-rdfc-2019"


@dataclass(frozen=True)
class EcdsaRdfc2019:
    name: str = NAME
    proof_type: str = "DataIntegrityProof"
    proof_keeps_context: bool = False

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes:
        """RDFC-1.0 with SHA-256: the canonical form for P-256 keys."""
        return canonical_nquads(document, limits).encode("utf-8")

    def public_key(self, method: VerificationMethod) -> EcdsaPublicKey:
        """§2.1.1: a Multikey whose value is a base58btc P-256 (0x1200) or P-384 (0x1201) key."""
        if method.type != "Multikey":
            raise ProofError("An ecdsa-rdfc-2019 proof needs a Multikey verification method.")
        try:
            return EcdsaPublicKey.from_multibase(method.public_key_multibase)
        except KeyFormatError as cause:
            raise ProofError(
                "The ecdsa-rdfc-2019 proof's key is not a P-256 or P-384 Multikey "
                f"({_lower_first(str(cause))})"
            ) from cause

    def hash_data(
        self, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits, key: Any
    ) -> bytes:
        if not isinstance(key, EcdsaPublicKey):
            raise ProofError("An ecdsa-rdfc-2019 proof needs a P-256 or P-384 key.")
        hash_name = key.curve.hash_name
        if key.curve is P256:
            config_form, document_form = (
                self.canonicalize(proof_config, limits),
                self.canonicalize(document, limits),
            )
        else:
            config_form = canonical_nquads_uncached(proof_config, limits, hash_name=hash_name).encode()
            document_form = canonical_nquads_uncached(document, limits, hash_name=hash_name).encode()
        return hashlib.new(hash_name, config_form).digest() + hashlib.new(hash_name, document_form).digest()

    def check_document(self, document: dict[str, Any]) -> None:
        return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
