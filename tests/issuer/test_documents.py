"""``POST /documents``: the scan encrypted to its holder, pinned, then attested; a refusal pins nothing."""

from __future__ import annotations

import json
import socket
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from issuer import documents
from issuer.audit import verify as verify_chain
from issuer.db import session_factory
from issuer.models import AuditEntry, Document, IssuedCredential
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.crypto import Decryption, SealedKey, SealedKeyError, open_sealed
from nansen.did.resolver import Resolver
from nansen.ipfs import CID, EmbeddedStore, RpcStore
from nansen.ipfs.jobs import JobQueue
from nansen.ipfs.replication import ReplicatedStore
from nansen.verify import StaticStatusLists, Verifier
from tests.helpers import HOLDER, STRANGER
from tests.ipfs.fakes import closed_port
from tests.issuer.conftest import (
    CountingStore,
    PartnerInfo,
    add_partner,
    app_with_store,
    run_server,
    stored_text,
)
from tests.issuer.payloads import PERSONAL, document_fields, png
from tests.issuer.test_robustness import multipart_head

MARKER = b"scan-marker-7d1e"


@pytest.fixture
def partner(settings: Settings) -> PartnerInfo:
    return add_partner(settings, "Shelter")


def post(
    client: TestClient,
    partner: PartnerInfo,
    scan: bytes | None = None,
    fields: dict[str, str] | None = None,
    **headers: str,
) -> Any:
    files = {"scan": ("passport.png", png(marker=MARKER) if scan is None else scan, "image/png")}
    return client.post(
        "/documents",
        data=document_fields() if fields is None else fields,
        files=files,
        headers={**partner.headers, **headers},
    )


def count(engine: Engine, model: type[Any]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def opened(store: EmbeddedStore, answer: dict[str, Any], holder: Any = HOLDER) -> bytes:
    """What the holder reads: the sealed key opened with their key, the ciphertext decrypted and checked."""
    resource = answer["credential"]["relatedResource"][0]
    assert resource["id"] == f"ipfs://{answer['cid']}"
    sealed = [SealedKey.from_json(record) for record in answer["sealedKeys"]]
    with open_sealed(sealed, holder.key_pair) as key:
        plaintext = Decryption(
            store.get(CID.parse(answer["cid"])), key, expected_digest=resource["digestMultibase"]
        )
        return b"".join(plaintext)


def set_escrow(settings: Settings, engine: Engine, partner: PartnerInfo, did: str | None) -> None:
    with session_factory(engine)() as session, session.begin():
        documents.set_escrow(session, Vault.open(settings), partner.id, did)


def test_scan_is_encrypted_pinned_and_attested(
    client: TestClient, partner: PartnerInfo, store: CountingStore
) -> None:
    scan = png(marker=MARKER)
    response = post(client, partner, scan)
    assert response.status_code == 201, response.text
    answer = response.json()
    credential = answer["credential"]
    assert credential["type"] == ["VerifiableCredential", "IdentityDocumentCredential"]
    assert credential["issuer"] == partner.did
    subject = credential["credentialSubject"]
    assert subject["id"] == HOLDER.controller
    assert subject["identityDocument"]["type"] == ["IdentityDocument", "Passport"]
    assert subject["identityDocument"]["documentNumber"] == "N0123456"
    [check] = credential["evidence"]
    assert check == {
        "type": "DocumentCheck",
        "checkedBy": partner.did,
        "checkedAt": credential["validFrom"],
        "checkMethod": "Original inspected under UV light",
        "documentPresence": "Physical",
        "subjectPresence": "Physical",
    }
    assert credential["relatedResource"][0]["mediaType"] == "application/octet-stream"
    assert [e["statusPurpose"] for e in credential["credentialStatus"]] == ["revocation", "suspension"]

    assert store.stat(CID.parse(answer["cid"])).pinned
    assert MARKER not in b"".join(store.get(CID.parse(answer["cid"])))
    assert opened(store, answer) == scan
    with pytest.raises(SealedKeyError):
        opened(store, answer, STRANGER)

    document = client.get(f"/partners/{partner.id}/did.json").json()
    lists = [
        client.get("/status/" + e["statusListCredential"].rsplit("/", 1)[1]).json()
        for e in credential["credentialStatus"]
    ]
    verifier = Verifier(resolver=Resolver(documents=[document]), status_lists=StaticStatusLists(lists))
    result = verifier.verify_credential(credential)
    assert result.verified, result.to_json()


def test_listed_among_the_partners_credentials(client: TestClient, partner: PartnerInfo) -> None:
    credential = post(client, partner).json()["credential"]
    listed = client.get("/credentials", headers=partner.headers).json()
    assert listed == [
        {
            "id": credential["id"],
            "type": "IdentityDocumentCredential",
            "issued": credential["validFrom"],
            "status": {"revocation": False, "suspension": False},
        }
    ]


def test_escrow_gets_its_own_sealed_key_when_the_holder_chooses_it(
    client: TestClient, partner: PartnerInfo, settings: Settings, engine: Engine, store: CountingStore
) -> None:
    set_escrow(settings, engine, partner, STRANGER.controller)
    without = post(client, partner).json()
    assert len(without["sealedKeys"]) == 1
    chosen = post(client, partner, fields=document_fields(escrow="true")).json()
    assert [k["recipient"].split("#")[0] for k in chosen["sealedKeys"]] == [
        HOLDER.controller,
        STRANGER.controller,
    ]
    assert opened(store, chosen, STRANGER) == opened(store, chosen, HOLDER)


def test_escrow_without_an_escrow_recipient_is_refused(
    client: TestClient, partner: PartnerInfo, engine: Engine, store: CountingStore
) -> None:
    response = post(client, partner, fields=document_fields(escrow="true"))
    assert response.status_code == 409
    assert store.puts == 0
    assert count(engine, IssuedCredential) == 0


def test_escrow_recipient_must_be_a_did_key(settings: Settings, engine: Engine, partner: PartnerInfo) -> None:
    with pytest.raises(documents.InvalidInput):
        set_escrow(settings, engine, partner, "did:web:escrow.example")


def _without(name: str) -> dict[str, str]:
    fields = document_fields()
    del fields[name]
    return fields


REFUSED_FIELDS = [
    pytest.param(_without("holder"), 400, id="no holder"),
    pytest.param(_without("facts"), 400, id="no facts"),
    pytest.param(_without("checkMethod"), 400, id="no check method"),
    pytest.param(document_fields(holder="did:web:someone.example"), 422, id="holder not did:key"),
    pytest.param(document_fields(holder="did:key:z6MkNotAKey"), 422, id="holder key unusable"),
    pytest.param(document_fields(holder=HOLDER.verification_method), 422, id="holder DID URL"),
    pytest.param(document_fields(documentType="DrivingLicence"), 422, id="document type"),
    pytest.param(document_fields(facts="{not json"), 400, id="facts not JSON"),
    pytest.param(document_fields(facts="[1, 2]"), 400, id="facts not an object"),
    pytest.param(document_fields(facts='{"a":' * 100 + "1" + "}" * 100), 400, id="facts too deep"),
    pytest.param(document_fields(facts='{"type": "Passport", "givenName": "A"}'), 422, id="facts with type"),
    pytest.param(document_fields(facts='{"givenName": "Amina"}'), 422, id="passport without number"),
    pytest.param(document_fields(facts='{"givenName": 7}'), 422, id="fact not text"),
    pytest.param(document_fields(facts='{"favouriteColour": "blue"}'), 422, id="fact unknown"),
    pytest.param(document_fields(checkMethod="x" * 501), 422, id="check method too long"),
    pytest.param(document_fields(documentPresence="Telepathic"), 422, id="document presence"),
    pytest.param(document_fields(subjectPresence="Absent"), 422, id="subject presence"),
    pytest.param(document_fields(escrow="maybe"), 400, id="escrow not boolean"),
    pytest.param(document_fields(colour="blue"), 400, id="unknown field"),
]


@pytest.mark.parametrize(("fields", "status"), REFUSED_FIELDS)
def test_bad_fields_are_refused_and_nothing_pinned(
    client: TestClient,
    partner: PartnerInfo,
    engine: Engine,
    store: CountingStore,
    fields: dict[str, str],
    status: int,
) -> None:
    response = post(client, partner, fields=fields)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].endswith(".")
    assert store.puts == 0
    assert count(engine, IssuedCredential) == count(engine, Document) == 0


def multipart_without_files(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = "nansen-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n'
        for n, v in fields.items()
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


def test_bad_scans_are_refused(
    client: TestClient, partner: PartnerInfo, settings: Settings, engine: Engine, store: CountingStore
) -> None:
    assert post(client, partner, scan=b"").status_code == 422
    for fields in (document_fields(), {**document_fields(), "scan": "abc"}):
        body, content_type = multipart_without_files(fields)
        response = client.post(
            "/documents", content=body, headers={**partner.headers, "Content-Type": content_type}
        )
        assert response.status_code == 400, response.text
    as_form = client.post("/documents", data=document_fields(), headers=partner.headers)
    assert as_form.status_code == 415
    two = client.post(
        "/documents",
        data=document_fields(),
        files=[("scan", ("a.png", b"a", "image/png")), ("scan", ("b.png", b"b", "image/png"))],
        headers=partner.headers,
    )
    assert two.status_code == 400
    as_json = client.post("/documents", json=document_fields(), headers=partner.headers)
    assert as_json.status_code == 415
    assert store.puts == 0
    assert count(engine, IssuedCredential) == 0


def test_scan_over_its_limit_is_413(
    settings: Settings, partner: PartnerInfo, engine: Engine, store: CountingStore
) -> None:
    small = replace(settings, max_scan_bytes=1000)
    with TestClient(app_with_store(small, store)) as client:
        assert post(client, partner, scan=b"x" * 1000).status_code == 201
        response = post(client, partner, scan=b"x" * 1001)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert store.puts == 1


def test_other_routes_keep_the_small_body_limit(
    client: TestClient, partner: PartnerInfo, settings: Settings
) -> None:
    body = b" " * (settings.limits.max_document_bytes + 1)
    assert settings.max_upload_bytes > len(body)
    response = client.post("/credentials/issue", content=body, headers=partner.headers)
    assert response.status_code == 413


def test_without_api_key_is_401(client: TestClient, store: CountingStore) -> None:
    response = client.post("/documents", data=document_fields(), files={"scan": ("a.png", b"a", "image/png")})
    assert response.status_code == 401
    assert store.puts == 0


def test_store_failure_is_503_and_issues_nothing(
    client: TestClient, partner: PartnerInfo, engine: Engine, store: CountingStore
) -> None:
    store.failures = 1
    failed = post(client, partner, **{"Idempotency-Key": "upload-1"})
    assert failed.status_code == 503
    assert failed.headers["content-type"] == "application/problem+json"
    assert count(engine, IssuedCredential) == count(engine, Document) == 0
    retried = post(client, partner, **{"Idempotency-Key": "upload-1"})
    assert retried.status_code == 201
    assert "idempotent-replayed" not in retried.headers
    assert store.puts == 1


def test_retry_with_same_idempotency_key_pins_and_issues_once(
    client: TestClient, partner: PartnerInfo, engine: Engine, store: CountingStore
) -> None:
    first = post(client, partner, **{"Idempotency-Key": "scan-42"})
    again = post(client, partner, **{"Idempotency-Key": "scan-42"})
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert store.puts == 1
    assert count(engine, IssuedCredential) == count(engine, Document) == 1
    other = post(client, partner, **{"Idempotency-Key": "scan-43"})
    assert other.json()["cid"] != first.json()["cid"]
    assert store.puts == 2


@pytest.mark.parametrize(
    "change", [{"scan": png(marker=b"another scan")}, {"fields": document_fields(checkMethod="Photocopy")}]
)
def test_same_idempotency_key_for_another_request_is_422(
    client: TestClient, partner: PartnerInfo, store: CountingStore, change: dict[str, Any]
) -> None:
    assert post(client, partner, **{"Idempotency-Key": "k"}).status_code == 201
    response = post(client, partner, **change, **{"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert store.puts == 1


def test_audit_names_the_document_by_an_hmac_of_its_cid(
    client: TestClient, partner: PartnerInfo, settings: Settings, engine: Engine
) -> None:
    answer = post(client, partner).json()
    vault = Vault.open(settings)
    with engine.connect() as connection:
        rows = connection.execute(select(AuditEntry.action, AuditEntry.target).order_by(AuditEntry.seq)).all()
    assert [action for action, _ in rows] == ["partner.created", "document.pinned", "credential.issued"]
    assert rows[1].target == vault.mac("document-cid", answer["cid"].encode()).hex()
    with session_factory(engine)() as session, session.begin():
        assert verify_chain(session, vault).intact


def test_stores_no_scan_key_cid_or_personal_data(
    client: TestClient, partner: PartnerInfo, settings: Settings, engine: Engine
) -> None:
    set_escrow(settings, engine, partner, STRANGER.controller)
    answer = post(
        client, partner, fields=document_fields(escrow="true"), **{"Idempotency-Key": "secret-key"}
    ).json()
    everything = stored_text(engine)
    forbidden = [
        *PERSONAL,
        MARKER.decode(),
        answer["cid"],
        answer["credential"]["relatedResource"][0]["digestMultibase"],
        "secret-key",
        *(record["sealedKey"] for record in answer["sealedKeys"]),
    ]
    for value in forbidden:
        assert value not in everything


def test_answer_is_json_with_sealed_key_records(client: TestClient, partner: PartnerInfo) -> None:
    answer = post(client, partner).json()
    assert set(answer) == {"credential", "sealedKeys", "cid", "storage"}
    assert answer["storage"] == {"pinnedAt": ["embedded"], "replicationPending": False, "queuedFor": []}
    [record] = answer["sealedKeys"]
    assert record["algorithm"] == "X25519-XSalsa20Poly1305-SealedBox"
    assert record["recipient"].startswith(HOLDER.controller + "#z6LS")
    assert json.loads(json.dumps(answer)) == answer


def test_answer_says_the_copy_to_a_node_that_is_down_is_still_queued(
    settings: Settings, partner: PartnerInfo, tmp_path: Path
) -> None:
    """The node is down: the scan is pinned in the embedded store (the acknowledgement), and the
    answer says its copy to the node is queued, not done."""
    node = RpcStore(closed_port(), timeout=2)
    store = ReplicatedStore(EmbeddedStore(tmp_path / "ipfs"), [node], JobQueue(tmp_path / "queue.sqlite3"))
    with TestClient(app_with_store(settings, store)) as client:
        answer = post(client, partner)
    assert answer.status_code == 201, answer.text
    assert answer.json()["storage"] == {
        "pinnedAt": ["embedded"],
        "replicationPending": True,
        "queuedFor": ["kubo"],
    }
    assert store.primary.stat(CID.parse(answer.json()["cid"])).pinned


def test_large_scan_is_streamed_not_held_in_memory(settings: Settings, store: CountingStore) -> None:
    """A 64 MB scan, sent chunked, goes through a real server with far less than 64 MB in memory."""
    size, piece = 64 * 1024 * 1024, bytes(range(256)) * 256
    large = replace(settings, max_scan_bytes=size)
    partner = add_partner(large)
    boundary = "scan-boundary"

    def body() -> Iterator[bytes]:
        yield multipart_head(boundary, document_fields())
        for _ in range(size // len(piece)):
            yield piece
        yield f"\r\n--{boundary}--\r\n".encode()

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/documents"
    headers = {**partner.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    for _ in run_server(app_with_store(large, store), sock):
        tracemalloc.start()
        try:
            response = httpx.post(url, content=body(), headers=headers, timeout=300)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status_code == 201, response.text
    assert store.stat(CID.parse(response.json()["cid"])).size > size
    assert peak < size // 4, f"{peak:,} bytes at the peak"
