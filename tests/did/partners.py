"""Keys and credentials of a did:web partner, shared by the did:web tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.proofs import ProofOptions, add_proof

KEY_1 = Ed25519KeyPair.from_seed(b"\x11" * 32)
KEY_2 = Ed25519KeyPair.from_seed(b"\x12" * 32)
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PARTNER_DID = "did:web:partners.example.org:issuers:7"


def _credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "alumniOf": "x"},
    }


def signed(
    key_pair: Ed25519KeyPair, fragment: str, created: datetime, did: str = PARTNER_DID
) -> dict[str, Any]:
    """A credential issued by ``did``, signed by its key ``#fragment`` at ``created``."""
    return add_proof(
        _credential(did), SigningKey(key_pair, f"{did}#{fragment}"), ProofOptions(created=created)
    )
