"""The EdDSA cryptosuites of W3C Data Integrity EdDSA Cryptosuites v1.0.

``eddsa-rdfc-2022`` (§3.2) canonicalises with RDFC-1.0; ``eddsa-jcs-2022`` (§3.3) with JCS
(RFC 8785). Both hash proof configuration and document with SHA-256 and sign
``hash(proofConfig) ‖ hash(document)`` with Ed25519.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

import rfc8785

from nansen.canonical import canonical_json, canonical_nquads
from nansen.config import Limits
from nansen.errors import InvalidInput, ProofError


class Cryptosuite(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def proof_keeps_context(self) -> bool:
        """Does the secured document's proof keep ``@context``? (eddsa-jcs-2022's does.)"""

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes: ...


@dataclass(frozen=True)
class EddsaRdfc2022:
    name: str = "eddsa-rdfc-2022"
    proof_keeps_context: bool = False

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes:
        return canonical_nquads(document, limits).encode("utf-8")


@dataclass(frozen=True)
class EddsaJcs2022:
    name: str = "eddsa-jcs-2022"
    proof_keeps_context: bool = True

    def canonicalize(self, document: dict[str, Any], limits: Limits) -> bytes:
        try:
            return canonical_json(document)  # rfc8785.dumps, faster (nansen.canonical)
        except (rfc8785.CanonicalizationError, TypeError, ValueError) as cause:
            raise InvalidInput("The document cannot be canonicalised with JCS (RFC 8785).") from cause


SUITES: dict[str, Cryptosuite] = {suite.name: suite for suite in (EddsaRdfc2022(), EddsaJcs2022())}
DEFAULT_SUITE = "eddsa-rdfc-2022"


def suite_named(name: object) -> Cryptosuite:
    if not isinstance(name, str) or name not in SUITES:
        raise ProofError("The cryptosuite is not supported (eddsa-rdfc-2022 and eddsa-jcs-2022 are).")
    return SUITES[name]


def hash_data(
    suite: Cryptosuite, proof_config: dict[str, Any], document: dict[str, Any], limits: Limits
) -> bytes:
    """vc-di-eddsa §3.2.4 / §3.3.4 Hashing: SHA-256(proofConfig) ‖ SHA-256(document)."""
    proof_hash = hashlib.sha256(suite.canonicalize(proof_config, limits)).digest()
    document_hash = hashlib.sha256(suite.canonicalize(document, limits)).digest()
    return proof_hash + document_hash
