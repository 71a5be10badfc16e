"""Partners are isolated: one can never read, list, issue as, or revoke another's credentials."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from issuer.settings import Settings
from tests.issuer.conftest import PartnerInfo, add_partner
from tests.issuer.payloads import identity_credential, issue_request


@pytest.fixture
def alice(settings: Settings) -> PartnerInfo:
    return add_partner(settings, "Alice's shelter")


@pytest.fixture
def bob(settings: Settings) -> PartnerInfo:
    return add_partner(settings, "Bob's notary")


@pytest.fixture
def bobs_credential(client: TestClient, bob: PartnerInfo) -> dict[str, Any]:
    response = client.post("/credentials/issue", json=issue_request(), headers=bob.headers)
    assert response.status_code == 201
    credential: dict[str, Any] = response.json()
    return credential


def status_change(credential_id: str, purpose: str = "revocation", status: bool = True) -> dict[str, Any]:
    return {
        "credentialId": credential_id,
        "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
        "status": status,
    }


def test_cannot_read_anothers_credential(
    client: TestClient, alice: PartnerInfo, bob: PartnerInfo, bobs_credential: dict[str, Any]
) -> None:
    path = f"/credentials/{quote(bobs_credential['id'], safe='')}"
    assert client.get(path, headers=bob.headers).status_code == 200
    assert client.get(path, headers=alice.headers).status_code == 404


def test_cannot_list_anothers_credentials(
    client: TestClient, alice: PartnerInfo, bob: PartnerInfo, bobs_credential: dict[str, Any]
) -> None:
    client.post("/credentials/issue", json=issue_request(), headers=alice.headers)
    alices = client.get("/credentials", headers=alice.headers).json()
    bobs = client.get("/credentials", headers=bob.headers).json()
    assert [c["id"] for c in bobs] == [bobs_credential["id"]]
    assert bobs_credential["id"] not in [c["id"] for c in alices]
    assert len(alices) == 1


def test_cannot_issue_as_another(client: TestClient, alice: PartnerInfo, bob: PartnerInfo) -> None:
    response = client.post(
        "/credentials/issue", json=issue_request(identity_credential(issuer=bob.did)), headers=alice.headers
    )
    assert response.status_code == 400
    assert client.get("/credentials", headers=bob.headers).json() == []


def test_cannot_revoke_anothers_credential(
    client: TestClient, alice: PartnerInfo, bob: PartnerInfo, bobs_credential: dict[str, Any]
) -> None:
    refused = client.post(
        "/credentials/status", json=status_change(bobs_credential["id"]), headers=alice.headers
    )
    assert refused.status_code == 404
    path = f"/credentials/{quote(bobs_credential['id'], safe='')}"
    assert client.get(path, headers=bob.headers).json()["status"] == {
        "revocation": False,
        "suspension": False,
    }


def test_cannot_suspend_anothers_credential(
    client: TestClient, alice: PartnerInfo, bobs_credential: dict[str, Any]
) -> None:
    body = status_change(bobs_credential["id"], "suspension")
    assert client.post("/credentials/status", json=body, headers=alice.headers).status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer nonsense",
        "Bearer nansen_0000000000000000_secret",
    ],
)
def test_every_api_request_needs_a_valid_key(client: TestClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in [
        ("POST", "/credentials/issue"),
        ("POST", "/credentials/status"),
        ("GET", "/credentials"),
    ]:
        response = client.request(method, path, json=issue_request(), headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"


def test_right_partner_wrong_secret_is_refused(client: TestClient, alice: PartnerInfo) -> None:
    forged = alice.api_key[:-4] + ("AAAA" if not alice.api_key.endswith("AAAA") else "BBBB")
    response = client.get("/credentials", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_one_partners_key_does_not_open_anothers_id(
    client: TestClient, alice: PartnerInfo, bob: PartnerInfo
) -> None:
    secret = alice.api_key.split("_", 2)[2]
    response = client.get("/credentials", headers={"Authorization": f"Bearer nansen_{bob.id}_{secret}"})
    assert response.status_code == 401
