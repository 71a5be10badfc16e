"""Status lists: served signed and cacheable; revocation, suspension and reinstatement."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from issuer.models import StatusList as ListRow
from issuer.settings import Settings
from nansen.did.resolver import Resolver
from nansen.status import StatusList
from nansen.verify import StaticStatusLists, Verifier
from tests.issuer.conftest import PartnerInfo, add_partner
from tests.issuer.payloads import issue_request
from tests.issuer.test_isolation import status_change


@pytest.fixture
def partner(settings: Settings) -> PartnerInfo:
    return add_partner(settings, "Consulate")


@pytest.fixture
def credential(client: TestClient, partner: PartnerInfo) -> dict[str, Any]:
    issued: dict[str, Any] = client.post(
        "/credentials/issue", json=issue_request(), headers=partner.headers
    ).json()
    return issued


def list_path(entry: dict[str, str]) -> str:
    return "/status/" + entry["statusListCredential"].rsplit("/", 1)[1]


def verify(client: TestClient, partner: PartnerInfo, credential: dict[str, Any]) -> Any:
    document = client.get(f"/partners/{partner.id}/did.json").json()
    lists = [client.get(list_path(e)).json() for e in credential["credentialStatus"]]
    verifier = Verifier(resolver=Resolver(documents=[document]), status_lists=StaticStatusLists(lists))
    return verifier.verify_credential(credential)


def change(client: TestClient, partner: PartnerInfo, credential_id: str, purpose: str, status: bool) -> Any:
    return client.post(
        "/credentials/status", json=status_change(credential_id, purpose, status), headers=partner.headers
    )


def test_list_is_signed_and_cacheable(
    client: TestClient, partner: PartnerInfo, credential: dict[str, Any]
) -> None:
    entry = credential["credentialStatus"][0]
    response = client.get(list_path(entry))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["etag"].startswith('"')
    listed = response.json()
    assert listed["id"] == entry["statusListCredential"]
    assert listed["issuer"] == partner.did
    assert listed["credentialSubject"]["statusPurpose"] == "revocation"
    assert StatusList.decode(listed["credentialSubject"]["encodedList"]).length >= 131_072
    assert verify(client, partner, credential).verdict.value == "VALID"


def test_if_none_match_gets_304(client: TestClient, credential: dict[str, Any]) -> None:
    path = list_path(credential["credentialStatus"][0])
    etag = client.get(path).headers["etag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_unknown_list_is_404(client: TestClient) -> None:
    assert client.get("/status/0123456789abcdef").status_code == 404


def test_revocation(client: TestClient, partner: PartnerInfo, credential: dict[str, Any]) -> None:
    path = list_path(credential["credentialStatus"][0])
    before = client.get(path).headers["etag"]
    response = change(client, partner, credential["id"], "revocation", True)
    assert response.status_code == 200
    assert response.json()["status"] == {"revocation": True, "suspension": False}
    assert client.get(path).headers["etag"] != before
    result = verify(client, partner, credential)
    assert result.verdict.value == "NOT VALID"
    assert result.check("status: revocation").reason == "The credential has been revoked."


def test_revocation_is_permanent(
    client: TestClient, partner: PartnerInfo, credential: dict[str, Any]
) -> None:
    change(client, partner, credential["id"], "revocation", True)
    refused = change(client, partner, credential["id"], "revocation", False)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"


def test_suspend_and_reinstate(client: TestClient, partner: PartnerInfo, credential: dict[str, Any]) -> None:
    assert (
        change(client, partner, credential["id"], "suspension", True).json()["status"]["suspension"] is True
    )
    assert verify(client, partner, credential).verdict.value == "NOT VALID"
    assert (
        change(client, partner, credential["id"], "suspension", False).json()["status"]["suspension"] is False
    )
    assert verify(client, partner, credential).verdict.value == "VALID"


def test_repeated_change_is_harmless(
    client: TestClient, partner: PartnerInfo, credential: dict[str, Any]
) -> None:
    path = list_path(credential["credentialStatus"][1])
    change(client, partner, credential["id"], "suspension", True)
    etag = client.get(path).headers["etag"]
    assert change(client, partner, credential["id"], "suspension", True).status_code == 200
    assert client.get(path).headers["etag"] == etag


def test_entry_details_must_match(
    client: TestClient, partner: PartnerInfo, credential: dict[str, Any]
) -> None:
    entry = credential["credentialStatus"][0]
    body = status_change(credential["id"])
    body["credentialStatus"] = {
        **entry,
        "statusListIndex": str((int(entry["statusListIndex"]) + 1) % 131_072),
    }
    assert client.post("/credentials/status", json=body, headers=partner.headers).status_code == 409
    body["credentialStatus"] = entry
    assert client.post("/credentials/status", json=body, headers=partner.headers).status_code == 200


def test_credential_without_that_entry(client: TestClient, partner: PartnerInfo) -> None:
    issued = client.post(
        "/credentials/issue", json=issue_request(statusPurposes=["revocation"]), headers=partner.headers
    ).json()
    assert change(client, partner, issued["id"], "suspension", True).status_code == 409


def test_unknown_credential_is_404(client: TestClient, partner: PartnerInfo) -> None:
    assert (
        change(
            client, partner, "urn:uuid:00000000-0000-4000-8000-000000000000", "revocation", True
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "body",
    [
        {
            "credentialId": "x",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
        },
        {
            "credentialId": "x",
            "credentialStatus": {"type": "Other", "statusPurpose": "revocation"},
            "status": True,
        },
        {
            "credentialId": "x",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "refresh"},
            "status": True,
        },
        {"credentialId": "x", "credentialStatus": [{"type": "BitstringStatusListEntry"}], "status": True},
        {
            "credentialId": "x",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": "revoked",
        },
        {
            "credentialId": "x",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "x": 1},
            "status": True,
        },
        {
            "credentialId": "x",
            "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": True,
            "more": 1,
        },
    ],
)
def test_malformed_status_requests_are_400(client: TestClient, partner: PartnerInfo, body: Any) -> None:
    response = client.post("/credentials/status", json=body, headers=partner.headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


def test_vc_api_example_type_is_accepted(
    client: TestClient, partner: PartnerInfo, credential: dict[str, Any]
) -> None:
    body = status_change(credential["id"])
    body["credentialStatus"]["type"] = "BitstringStatusList"
    assert client.post("/credentials/status", json=body, headers=partner.headers).status_code == 200


def test_read_own_record(client: TestClient, partner: PartnerInfo, credential: dict[str, Any]) -> None:
    record = client.get(f"/credentials/{quote(credential['id'], safe='')}", headers=partner.headers).json()
    assert record == {
        "id": credential["id"],
        "type": "IdentityDocumentCredential",
        "issued": credential["validFrom"],
        "status": {"revocation": False, "suspension": False},
    }


def test_full_list_is_followed_by_a_new_one(
    client: TestClient, partner: PartnerInfo, credential: dict[str, Any], engine: Engine
) -> None:
    first = credential["credentialStatus"][0]["statusListCredential"]
    with engine.begin() as connection:
        connection.execute(
            update(ListRow)
            .where(ListRow.id == first.rsplit("/", 1)[1])
            .values(allocated_count=ListRow.length)
        )
    after = client.post("/credentials/issue", json=issue_request(), headers=partner.headers).json()
    assert after["credentialStatus"][0]["statusListCredential"] != first
    assert (
        after["credentialStatus"][1]["statusListCredential"]
        == credential["credentialStatus"][1]["statusListCredential"]
    )
    assert client.get(list_path(after["credentialStatus"][0])).status_code == 200


def test_crowded_list_still_gives_fresh_indexes(
    client: TestClient, partner: PartnerInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When random draws keep colliding, the choice is made among the free indexes directly."""
    monkeypatch.setattr("issuer.statuslists._DRAWS", 0)
    issued = [
        client.post("/credentials/issue", json=issue_request(), headers=partner.headers).json()
        for _ in range(5)
    ]
    indexes = {c["credentialStatus"][0]["statusListIndex"] for c in issued}
    assert len(indexes) == 5
