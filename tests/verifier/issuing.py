"""The issuing side of the scan tests, made with the core: a trust list naming PARTNER, credentials
signed by PARTNER whose status lists a loopback HTTPS server serves, an encrypted scan in an IPFS
store, and presentations signed by HOLDER at the verifier's clock (with the document capability)."""

from __future__ import annotations

import io
import json
import ssl
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from nansen import capability, status, vcdm
from nansen.capability import SharedDocument
from nansen.crypto import BlockReader, DocumentKey, Encryption
from nansen.ipfs import EmbeddedStore
from nansen.proofs import ProofOptions, add_proof
from nansen.status_source import CachedStatusLists
from nansen.trust import TrustedIssuer, build, sign
from tests.conftest import did_key_signer
from tests.helpers import HOLDER, ISSUED, PARTNER, signed_credential
from tests.httpsserver import Route, Server
from tests.verifier.support import FakeClock

GOVERNANCE = did_key_signer(0x47)
PARTNER_NAME = "Refuge Partners Network"
GOOD_INDEX = 4242
REVOKED_INDEX = 4243
PURPOSES = ("revocation", "suspension")


def trust_settings(directory: Path, issuer: str = PARTNER.controller) -> dict[str, str]:
    """The settings of a verifier that trusts PARTNER (or ``issuer``) for identity credentials (a
    signed list file)."""
    listed = TrustedIssuer(issuer, PARTNER_NAME, ("IdentityDocumentCredential",))
    path = directory / "trust-list.json"
    path.write_text(json.dumps(sign(build(GOVERNANCE.controller, [listed]), GOVERNANCE, moment=ISSUED)))
    return {"trust_list": str(path), "governance_did": GOVERNANCE.controller}


def serve_status_lists(server: Server) -> str:
    """Serve PARTNER's revocation list (REVOKED_INDEX set) and suspension list; their base URL."""
    base = server.url("/status")
    for purpose in PURPOSES:
        bits = status.StatusList()
        bits.set(REVOKED_INDEX, purpose == "revocation")
        unsigned = status.build_list_credential(
            f"{base}/{purpose}", PARTNER.controller, purpose, bits, valid_from=ISSUED
        )
        signed = add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))
        server.routes[f"/status/{purpose}"] = Route(body=json.dumps(signed).encode())
    return base


def status_lists_of(directory: Path, tls: ssl.SSLContext, clock: FakeClock) -> CachedStatusLists:
    """The verifier's cache of status lists, fetching from the test server on the test's clock."""
    return CachedStatusLists(directory, verify=tls, allow_private_addresses=True, clock=clock)


def credential(base: str, *, revoked: bool = False, **extra: Any) -> dict[str, Any]:
    index = REVOKED_INDEX if revoked else GOOD_INDEX
    entries = [status.build_entry(f"{base}/{purpose}", index, purpose) for purpose in PURPOSES]
    return signed_credential(credential_status=entries, **extra)


def presentation_at(
    signed: dict[str, Any],
    moment: datetime,
    *,
    access: dict[str, Any] | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """HOLDER's presentation of ``signed``, made at ``moment``, carrying ``access`` if given."""
    unsigned = vcdm.build_presentation(holder=HOLDER.controller, credentials=[signed])
    if access is not None:
        unsigned[capability.DOCUMENT_ACCESS] = access
    options = ProofOptions(purpose="authentication", challenge=challenge, domain=domain, created=moment)
    return add_proof(unsigned, HOLDER, options)


def scan_picture() -> bytes:
    """A small PNG standing for the partner's scan of the original document."""
    picture = Image.new("RGB", (480, 300), (236, 228, 205))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((20, 20, 459, 279), outline=(40, 60, 120), width=6)
    draw.rectangle((40, 70, 160, 230), fill=(150, 150, 160))
    draw.text((190, 80), "PASSPORT", fill=(40, 60, 120))
    draw.text((190, 120), "N0123456", fill=(20, 20, 20))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


@dataclass(frozen=True)
class StoredDocument:
    """An encrypted document in a store, and what a credential and a capability say of it."""

    shared: SharedDocument
    plaintext: bytes

    @property
    def resource(self) -> dict[str, str]:
        return {
            "id": self.shared.resource,
            "digestMultibase": self.shared.digest_multibase,
            "mediaType": "application/octet-stream",
        }

    def access(self, credential_id: str | None) -> dict[str, Any]:
        return capability.build(credential_id, [self.shared])


def store_document(store: EmbeddedStore, plaintext: bytes | None = None) -> StoredDocument:
    data = scan_picture() if plaintext is None else plaintext
    with DocumentKey.generate() as key:
        material = key.material()
        encryption = Encryption([data], key)
        cid = store.put(BlockReader(encryption))
    return StoredDocument(SharedDocument(cid, encryption.digest_multibase, key=material), data)
