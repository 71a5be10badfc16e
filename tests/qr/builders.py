"""Presentations for the QR tests, made with the project's own builders, and raw NV1 texts."""

from __future__ import annotations

import base64
import hashlib
import zlib
from datetime import timedelta
from typing import Any

from nansen import status
from nansen.proofs import ProofOptions, add_proof
from nansen.qr import PREFIX, base45
from nansen.qr.codec import ZDICT
from nansen.verify import StaticStatusLists, Verifier
from tests.helpers import ISSUED, PARTNER, presentation, signed_credential

CHALLENGE = "0b6e7f2a-3c4d-4e5f-8a9b-1c2d3e4f5a6b"
DOMAIN = "shelter.example"
STATUS = "https://partner.example/status"
INDEXES = {"revocation": 94567, "suspension": 12345}


def related_resource() -> dict[str, Any]:
    """The encrypted scan: CIDv1 (raw, sha2-256) of a ciphertext, multihash of the plaintext."""
    cid = bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(b"ciphertext of the scan").digest()
    digest = bytes([0x12, 0x20]) + hashlib.sha256(b"the scan").digest()
    return {
        "id": "ipfs://b" + base64.b32encode(cid).decode("ascii").rstrip("=").lower(),
        "digestMultibase": "u" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("="),
        "mediaType": "application/octet-stream",
    }


def realistic_credential(suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    """An IdentityDocumentCredential with evidence, the scan and two status entries, signed."""
    return signed_credential(
        suite,
        related_resource=[related_resource()],
        credential_status=[status.build_entry(f"{STATUS}/{p}", i, p) for p, i in INDEXES.items()],
        valid_until=ISSUED + timedelta(days=3650),
    )


def realistic_presentation(suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    """The holder's presentation of :func:`realistic_credential`, bound to a challenge."""
    return presentation(realistic_credential(suite), suite=suite, challenge=CHALLENGE, domain=DOMAIN)


def verifier() -> Verifier:
    """A verifier a day after issuance that has the partner's status lists (nothing set)."""
    lists = [
        add_proof(
            status.build_list_credential(
                f"{STATUS}/{purpose}", PARTNER.controller, purpose, status.StatusList(), valid_from=ISSUED
            ),
            PARTNER,
            ProofOptions(created=ISSUED),
        )
        for purpose in INDEXES
    ]
    return Verifier(status_lists=StaticStatusLists(lists), clock=lambda: ISSUED + timedelta(days=1))


def nv1(payload: bytes, after: bytes = b"") -> str:
    """NV1 text of any payload, compressed as the format does, with ``after`` appended."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, ZDICT)
    return PREFIX + base45.encode(deflater.compress(payload) + deflater.flush() + after)
