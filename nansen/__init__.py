"""Nansen: W3C Verifiable Credentials that keep the identity of people at risk of trafficking safe.

The library's public API (README.md, "As a library"): make a did:key signing key, add a Data
Integrity proof (eddsa-rdfc-2022 or eddsa-jcs-2022, W3C vc-di-eddsa §3) and verify a credential or
presentation. The names below are kept stable between versions; every other module is internal.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair, Ed25519PublicKey, SigningKey
from nansen.proofs import SUITES, ProofOptions, add_proof
from nansen.verify import Check, Outcome, Verdict, VerificationResult, Verifier

try:
    __version__ = version("nansen")
except PackageNotFoundError:  # a source tree on sys.path without an installation
    __version__ = "0+unknown"

__all__ = [
    "SUITES",
    "Check",
    "Ed25519KeyPair",
    "Ed25519PublicKey",
    "Outcome",
    "ProofOptions",
    "SigningKey",
    "Verdict",
    "VerificationResult",
    "Verifier",
    "__version__",
    "add_proof",
    "did_key",
]
