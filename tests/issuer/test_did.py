"""Partners' DID documents: served by path or by domain; keys rotated and marked compromised."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from issuer import keyring
from issuer.db import session_factory
from issuer.models import SigningKey
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.did.resolver import Resolver
from nansen.did.web import current_key, did_to_url
from nansen.errors import InvalidInput
from nansen.verify import StaticStatusLists, Verifier
from tests.issuer.conftest import PartnerInfo, add_partner
from tests.issuer.payloads import issue_request


@pytest.fixture
def partner(settings: Settings) -> PartnerInfo:
    return add_partner(settings, "Notary")


def document(client: TestClient, partner: PartnerInfo) -> dict[str, Any]:
    fetched: dict[str, Any] = client.get(f"/partners/{partner.id}/did.json").json()
    return fetched


def rotate(settings: Settings, engine: Engine, partner: PartnerInfo) -> str:
    with session_factory(engine)() as session, session.begin():
        return keyring.rotate_key(session, Vault.open(settings), settings, partner.id)


def compromise(settings: Settings, engine: Engine, partner: PartnerInfo, key_id: str) -> str:
    with session_factory(engine)() as session, session.begin():
        return keyring.mark_key_compromised(session, Vault.open(settings), settings, partner.id, key_id)


def verdict(client: TestClient, partner: PartnerInfo, credential: dict[str, Any]) -> str:
    lists = [
        client.get("/status/" + e["statusListCredential"].rsplit("/", 1)[1]).json()
        for e in credential["credentialStatus"]
    ]
    verifier = Verifier(
        resolver=Resolver(documents=[document(client, partner)]), status_lists=StaticStatusLists(lists)
    )
    return verifier.verify_credential(credential).verdict.value


def test_path_did_document(client: TestClient, partner: PartnerInfo) -> None:
    response = client.get(f"/partners/{partner.id}/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/did+json"
    assert "max-age" in response.headers["cache-control"]
    served = response.json()
    assert served["id"] == partner.did == f"did:web:localhost%3A8081:partners:{partner.id}"
    assert did_to_url(partner.did) == f"https://localhost:8081/partners/{partner.id}/did.json"
    assert current_key(served) == f"{partner.did}#key-1"


def test_domain_did_document_by_host(client: TestClient, settings: Settings) -> None:
    notary = add_partner(settings, "Own domain", domain="Notary.Example")
    assert notary.did == "did:web:notary.example"
    response = client.get("/.well-known/did.json", headers={"Host": "notary.example"})
    assert response.json()["id"] == "did:web:notary.example"
    assert client.get("/.well-known/did.json").status_code == 404
    assert client.get(f"/partners/{notary.id}/did.json").status_code == 404


def test_domain_with_port(client: TestClient, settings: Settings) -> None:
    add_partner(settings, "Port", domain="docs.example%3A8443")
    response = client.get("/.well-known/did.json", headers={"Host": "docs.example:8443"})
    assert response.json()["id"] == "did:web:docs.example%3A8443"


def test_domain_taken_or_invalid(settings: Settings) -> None:
    add_partner(settings, "First", domain="taken.example")
    with pytest.raises(InvalidInput):
        add_partner(settings, "Second", domain="taken.example")
    with pytest.raises(InvalidInput):
        add_partner(settings, "Third", domain="192.168.1.1")


def test_unknown_partner_document_is_404(client: TestClient) -> None:
    assert client.get("/partners/nobody/did.json").status_code == 404


def test_rotation_keeps_old_credentials_valid(
    client: TestClient, settings: Settings, engine: Engine, partner: PartnerInfo
) -> None:
    old = client.post("/credentials/issue", json=issue_request(), headers=partner.headers).json()
    assert rotate(settings, engine, partner) == "key-2"
    served = document(client, partner)
    methods = {m["id"].rsplit("#", 1)[1]: m for m in served["verificationMethod"]}
    assert "expires" in methods["key-1"]
    assert current_key(served) == f"{partner.did}#key-2"
    new = client.post("/credentials/issue", json=issue_request(), headers=partner.headers).json()
    assert new["proof"]["verificationMethod"].endswith("#key-2")
    assert verdict(client, partner, old) == "VALID"
    assert verdict(client, partner, new) == "VALID"


def test_a_retired_key_never_signs_again_though_it_signed_just_before(
    client: TestClient, settings: Settings, engine: Engine, partner: PartnerInfo
) -> None:
    """The signer of a key is kept open between requests (issuer.partners.signer): a rotation must
    end that, so a replay that would need the retired key is refused, not signed from memory."""
    retried = {**partner.headers, "Idempotency-Key": "before-rotation"}
    first = client.post("/credentials/issue", json=issue_request(), headers=retried)
    again = client.post("/credentials/issue", json=issue_request(), headers=retried)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()  # signed again by the key held open, byte for byte
    rotate(settings, engine, partner)
    refused = client.post("/credentials/issue", json=issue_request(), headers=retried)
    assert refused.status_code == 409
    assert "retired" in refused.json()["detail"]
    fresh = client.post("/credentials/issue", json=issue_request(), headers=partner.headers)
    assert fresh.json()["proof"]["verificationMethod"].endswith("#key-2")


def test_rotation_destroys_the_retired_seed(settings: Settings, engine: Engine, partner: PartnerInfo) -> None:
    rotate(settings, engine, partner)
    with engine.connect() as connection:
        rows = dict(connection.execute(select(SigningKey.fragment, SigningKey.sealed_seed)).all())
    assert rows["key-1"] is None
    assert rows["key-2"] is not None


def test_status_lists_are_resigned_with_the_new_key(
    client: TestClient, settings: Settings, engine: Engine, partner: PartnerInfo
) -> None:
    issued = client.post("/credentials/issue", json=issue_request(), headers=partner.headers).json()
    rotate(settings, engine, partner)
    path = "/status/" + issued["credentialStatus"][0]["statusListCredential"].rsplit("/", 1)[1]
    assert client.get(path).json()["proof"]["verificationMethod"].endswith("#key-2")


def test_compromised_key_invalidates_what_it_signed(
    client: TestClient, settings: Settings, engine: Engine, partner: PartnerInfo
) -> None:
    issued = client.post("/credentials/issue", json=issue_request(), headers=partner.headers).json()
    rotate(settings, engine, partner)
    assert compromise(settings, engine, partner, f"{partner.did}#key-1") == "key-1"
    key_1 = next(m for m in document(client, partner)["verificationMethod"] if m["id"].endswith("#key-1"))
    assert "revoked" in key_1
    assert verdict(client, partner, issued) == "NOT VALID"


def test_no_issuance_without_a_current_key(
    client: TestClient, settings: Settings, engine: Engine, partner: PartnerInfo
) -> None:
    compromise(settings, engine, partner, "key-1")
    refused = client.post("/credentials/issue", json=issue_request(), headers=partner.headers)
    assert refused.status_code == 409
    rotate(settings, engine, partner)
    assert client.post("/credentials/issue", json=issue_request(), headers=partner.headers).status_code == 201


def test_replay_after_rotation_is_refused(
    client: TestClient, settings: Settings, engine: Engine, partner: PartnerInfo
) -> None:
    headers = {**partner.headers, "Idempotency-Key": "before-rotation"}
    assert client.post("/credentials/issue", json=issue_request(), headers=headers).status_code == 201
    rotate(settings, engine, partner)
    assert client.post("/credentials/issue", json=issue_request(), headers=headers).status_code == 409


def test_unknown_partner_or_key(settings: Settings, engine: Engine, partner: PartnerInfo) -> None:
    with pytest.raises(InvalidInput):
        rotate(settings, engine, PartnerInfo("nobody", "did:web:x", "k"))
    with pytest.raises(InvalidInput):
        compromise(settings, engine, partner, "key-9")
