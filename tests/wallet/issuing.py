"""A partner's side, made locally for tests that need no running issuer: an identity credential
signed by a did:key partner, and (optionally) its original encrypted to the holder and pinned."""

from __future__ import annotations

from typing import Any

from nansen import vcdm
from nansen.crypto import BlockReader, DocumentKey, Encryption, Recipient, seal
from nansen.ipfs import Store
from nansen.keys import SigningKey
from nansen.proofs import add_proof
from tests.helpers import PARTNER

SCAN = b"%PDF-1.7 the scan of a passport " * 1000


def credential(holder: str, signer: SigningKey = PARTNER, **extra: Any) -> dict[str, Any]:
    unsigned = vcdm.build_identity_credential(
        issuer=signer.controller,
        holder=holder,
        document_type="Passport",
        facts={"givenName": "Amina", "familyName": "Haddad", "documentNumber": "N0123456"},
        **extra,
    )
    return add_proof(unsigned, signer)


def issuance(holder: str, store: Store, scan: bytes = SCAN, sealed_to: str | None = None) -> dict[str, Any]:
    """What ``POST /documents`` answers: the credential, the key sealed to the holder, the CID."""
    with DocumentKey.generate() as key:
        sealed = seal(key, [Recipient.from_did(sealed_to or holder)])
        encryption = Encryption([scan], key)
        cid = store.put(BlockReader(encryption))
    resource = {"id": f"ipfs://{cid}", "digestMultibase": encryption.digest_multibase}
    return {
        "credential": credential(
            holder, related_resource=[{**resource, "mediaType": "application/octet-stream"}]
        ),
        "sealedKeys": [s.to_json() for s in sealed],
        "cid": str(cid),
    }
