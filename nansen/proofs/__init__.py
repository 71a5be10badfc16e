"""Data Integrity proofs with the EdDSA cryptosuites (eddsa-rdfc-2022, eddsa-jcs-2022)."""

from nansen.proofs.cryptosuites import DEFAULT_SUITE, SUITES
from nansen.proofs.dataintegrity import (
    Expectations,
    ProofOptions,
    ProofResult,
    add_legacy_proof,
    add_proof,
    verify_proofs,
)

__all__ = [
    "DEFAULT_SUITE",
    "SUITES",
    "Expectations",
    "ProofOptions",
    "ProofResult",
    "add_legacy_proof",
    "add_proof",
    "verify_proofs",
]
