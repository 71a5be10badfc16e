"""POST /credentials/issue: what is issued, what is refused, idempotency, what is stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from issuer.models import IssuedCredential, StatusEntry
from issuer.settings import Settings
from nansen.did.resolver import Resolver
from nansen.status import MIN_ENTRIES
from nansen.verify import Verifier
from tests.issuer.conftest import PartnerInfo, add_partner, stored_text
from tests.issuer.payloads import PERSONAL, generic_credential, identity_credential, issue_request


@pytest.fixture
def partner(settings: Settings) -> PartnerInfo:
    return add_partner(settings, "Shelter")


def issue(client: TestClient, partner: PartnerInfo, body: Any, **headers: str) -> Any:
    return client.post("/credentials/issue", json=body, headers={**partner.headers, **headers})


def did_document(client: TestClient, partner: PartnerInfo) -> dict[str, Any]:
    document: dict[str, Any] = client.get(f"/partners/{partner.id}/did.json").json()
    return document


def count(engine: Engine, model: type[Any]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def problem(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    detail: str = body["detail"]
    return detail


def test_issues_signed_credential_as_partner(client: TestClient, partner: PartnerInfo) -> None:
    response = issue(client, partner, issue_request())
    assert response.status_code == 201
    credential = response.json()
    assert credential["issuer"] == partner.did
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"]["verificationMethod"] == f"{partner.did}#key-1"
    assert credential["id"].startswith("urn:uuid:")
    result = Verifier(resolver=Resolver(documents=[did_document(client, partner)])).verify_credential(
        credential, check_status=False
    )
    assert result.verified, result.to_json()


def test_cryptosuite_option_selects_jcs(client: TestClient, partner: PartnerInfo) -> None:
    credential = issue(client, partner, issue_request(cryptosuite="eddsa-jcs-2022")).json()
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    result = Verifier(resolver=Resolver(documents=[did_document(client, partner)])).verify_credential(
        credential, check_status=False
    )
    assert result.verified, result.to_json()


@pytest.mark.parametrize(
    "document_type", ["BirthCertificate", "Passport", "NationalIdentityCard", "OtherIdentityDocument"]
)
def test_each_identity_document_type(client: TestClient, partner: PartnerInfo, document_type: str) -> None:
    response = issue(client, partner, issue_request(identity_credential(document_type)))
    assert response.status_code == 201, response.text


def test_generic_credential(client: TestClient, partner: PartnerInfo) -> None:
    response = issue(client, partner, issue_request(generic_credential()))
    assert response.status_code == 201, response.text


def test_adds_revocation_and_suspension_entries(client: TestClient, partner: PartnerInfo) -> None:
    entries = issue(client, partner, issue_request()).json()["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert all(e["type"] == "BitstringStatusListEntry" for e in entries)
    assert all(0 <= int(e["statusListIndex"]) < MIN_ENTRIES for e in entries)
    assert entries[0]["statusListCredential"] != entries[1]["statusListCredential"]
    assert all(e["statusListCredential"].startswith("https://localhost:8081/status/") for e in entries)


def test_status_purposes_option(client: TestClient, partner: PartnerInfo) -> None:
    without = issue(client, partner, issue_request(statusPurposes=[])).json()
    only_revocation = issue(client, partner, issue_request(statusPurposes=["revocation"])).json()
    assert "credentialStatus" not in without
    assert [e["statusPurpose"] for e in only_revocation["credentialStatus"]] == ["revocation"]


def test_issuer_object_with_own_did_is_kept(client: TestClient, partner: PartnerInfo) -> None:
    credential = identity_credential(issuer={"id": partner.did, "name": "Shelter"})
    response = issue(client, partner, issue_request(credential))
    assert response.json()["issuer"] == {"id": partner.did, "name": "Shelter"}


def test_refuses_another_issuer(client: TestClient, partner: PartnerInfo) -> None:
    response = issue(client, partner, issue_request(identity_credential(issuer="did:web:elsewhere.example")))
    assert "another issuer" in problem(response, 400)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"credential": "not an object"}, 400),
        ({"credential": {}, "extra": 1}, 400),
        (issue_request(cryptosuite="ecdsa-rdfc-2019"), 400),
        (issue_request(statusPurposes=["refresh"]), 400),
        (issue_request(statusPurposes=["revocation", "revocation"]), 400),
        (issue_request(unknownOption=True), 400),
        (issue_request(identity_credential(proof={"type": "DataIntegrityProof"})), 400),
        (issue_request(identity_credential(credentialStatus={"type": "BitstringStatusListEntry"})), 400),
        (issue_request(identity_credential(name="a\x01b")), 400),
        (issue_request({**identity_credential(), "@context": ["https://www.w3.org/ns/credentials/v2"]}), 422),
        (issue_request({**identity_credential(), "type": ["VerifiableCredential", "DriverLicense"]}), 422),
        (issue_request({**identity_credential(), "credentialSubject": {"id": "did:key:z6Mk"}}), 422),
        (issue_request({**identity_credential(), "id": "not a url"}), 422),
        (issue_request({**identity_credential(), "validUntil": "tomorrow"}), 422),
        (issue_request({**generic_credential(), "@context": ["https://example.org/ctx"]}), 422),
        (issue_request({**generic_credential(), "undefinedTerm": "x"}), 422),
    ],
)
def test_invalid_requests_are_problems(
    client: TestClient, partner: PartnerInfo, body: Any, status: int
) -> None:
    problem(issue(client, partner, body), status)


def test_schema_problem_names_place_not_value(client: TestClient, partner: PartnerInfo) -> None:
    credential = identity_credential()
    credential["credentialSubject"]["identityDocument"]["birthDate"] = "1990-99-99"
    detail = problem(issue(client, partner, issue_request(credential)), 422)
    assert "/credentialSubject/identityDocument/birthDate" in detail
    assert "1990-99-99" not in detail


@pytest.mark.parametrize(
    ("field", "value"),
    [("issuingCountry", "SY\n"), ("birthDate", "1990-01-01\n"), ("issuingCountry", "SYR\n")],
)
def test_a_final_newline_does_not_slip_past_a_pattern(
    client: TestClient, partner: PartnerInfo, field: str, value: str
) -> None:
    """JSON Schema patterns are ECMA-262: ``$`` ends the text. Python's ``re`` lets ``$`` match before
    a final newline, so the issuer once signed ``"SY\\n"`` as a country (issuer/schemas.py)."""
    credential = identity_credential()
    credential["credentialSubject"]["identityDocument"][field] = value
    detail = problem(issue(client, partner, issue_request(credential)), 422)
    assert f"/credentialSubject/identityDocument/{field}" in detail
    assert value.strip() not in detail


def test_passport_needs_document_number(client: TestClient, partner: PartnerInfo) -> None:
    credential = identity_credential()
    del credential["credentialSubject"]["identityDocument"]["documentNumber"]
    assert "documentNumber" in problem(issue(client, partner, issue_request(credential)), 422)


@pytest.mark.parametrize(
    "raw", [b"not json", b"[" * 100_000 + b"]" * 100_000, b'{"credential": NaN}', b"\xff"]
)
def test_unreadable_bodies_are_400(client: TestClient, partner: PartnerInfo, raw: bytes) -> None:
    response = client.post("/credentials/issue", content=raw, headers=partner.headers)
    problem(response, 400)


def test_duplicate_credential_id_is_409(client: TestClient, partner: PartnerInfo) -> None:
    body = issue_request(identity_credential(id="urn:uuid:6a1e2f0c-0000-4000-8000-000000000001"))
    assert issue(client, partner, body).status_code == 201
    problem(issue(client, partner, body), 409)


def test_idempotency_key_replays_same_credential(
    client: TestClient, partner: PartnerInfo, engine: Engine
) -> None:
    first = issue(client, partner, issue_request(), **{"Idempotency-Key": "req-1"})
    again = issue(client, partner, issue_request(), **{"Idempotency-Key": "req-1"})
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(engine, IssuedCredential) == 1
    assert count(engine, StatusEntry) == 2


def test_idempotency_key_with_other_request_is_refused(client: TestClient, partner: PartnerInfo) -> None:
    assert issue(client, partner, issue_request(), **{"Idempotency-Key": "req-2"}).status_code == 201
    other = issue_request(identity_credential("BirthCertificate"))
    problem(issue(client, partner, other, **{"Idempotency-Key": "req-2"}), 422)


def test_idempotency_keys_are_per_partner(
    client: TestClient, partner: PartnerInfo, settings: Settings
) -> None:
    other = add_partner(settings, "Notary")
    mine = issue(client, partner, issue_request(), **{"Idempotency-Key": "same"}).json()
    theirs = issue(client, other, issue_request(), **{"Idempotency-Key": "same"}).json()
    assert theirs["issuer"] == other.did
    assert theirs["id"] != mine["id"]


def test_bad_idempotency_key_is_400(client: TestClient, partner: PartnerInfo) -> None:
    problem(issue(client, partner, issue_request(), **{"Idempotency-Key": "x" * 300}), 400)


def test_stores_no_personal_data(client: TestClient, partner: PartnerInfo, engine: Engine) -> None:
    request = issue_request(identity_credential(), **{})
    issue(client, partner, request, **{"Idempotency-Key": "personal-check"})
    everything = stored_text(engine)
    for fact in PERSONAL:
        assert fact not in everything
    assert "personal-check" not in everything
    assert partner.secret not in everything
