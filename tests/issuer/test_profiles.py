"""NANSEN_ISSUER_PROFILE: ``partner`` (the default) and ``vc-api`` (the general VC-API issuer the W3C
suites test), through POST /credentials/issue on the real app and databases."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from issuer.settings import Settings, SettingsError
from nansen import facts, jsonld
from nansen.did.resolver import Resolver
from nansen.multibase import encode_base64url
from nansen.verify import Verdict, Verifier
from tests.helpers import HOLDER
from tests.issuer.conftest import PartnerInfo, add_partner, app_with_store
from tests.issuer.payloads import generic_credential, identity_credential, issue_request
from tests.issuer.test_issue import did_document, problem

V1 = jsonld.CREDENTIALS_V1
V2 = jsonld.CREDENTIALS_V2
ALUMNI = {
    "@context": {
        "AlumniCredential": "https://www.example.org/AlumniCredential",
        "alumniOf": "https://www.example.org/alumniOf",
    }
}
CALLER_STATUS = {
    "id": "https://status.example/lists/1#94567",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://status.example/lists/1",
}


@pytest.fixture
def partner(settings: Settings) -> PartnerInfo:
    return add_partner(settings, "Shelter")


@pytest.fixture
def vc_api(settings: Settings, store: Any) -> Iterator[TestClient]:
    general = replace(settings, profile="vc-api")
    with TestClient(app_with_store(general, store), base_url="http://localhost:8081") as test_client:
        yield test_client


def issue(client: TestClient, partner: PartnerInfo, credential: dict[str, Any], **options: Any) -> Any:
    return client.post(
        "/credentials/issue", json=issue_request(credential, **options), headers=partner.headers
    )


def verify(client: TestClient, partner: PartnerInfo, credential: dict[str, Any]) -> Any:
    verifier = Verifier(resolver=Resolver(documents=[did_document(client, partner)]))
    return verifier.verify_credential(credential, check_status=False)


def credential_11(partner: PartnerInfo) -> dict[str, Any]:
    """What the vc-di-eddsa suite's issuer tests send: VC 1.1, issuanceDate, the issuer set."""
    return {
        "@context": [V1, ALUMNI],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": partner.did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER.controller, "alumniOf": "The School of Examples"},
    }


def alumni_20(partner: PartnerInfo, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [V2, ALUMNI],
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": partner.did,
        "credentialSubject": {"id": HOLDER.controller, "alumniOf": "The School of Examples"},
        **extra,
    }


def test_the_profile_is_a_setting() -> None:
    assert Settings.from_env({}).profile == "partner"
    assert Settings.from_env({"NANSEN_ISSUER_PROFILE": "vc-api"}).profile == "vc-api"
    with pytest.raises(SettingsError, match="NANSEN_ISSUER_PROFILE must be partner or vc-api"):
        Settings.from_env({"NANSEN_ISSUER_PROFILE": "anything"})


# The partner profile (the default) keeps its refusals.


def test_partner_profile_refuses_vc_11(client: TestClient, partner: PartnerInfo) -> None:
    detail = problem(issue(client, partner, credential_11(partner)), 422)
    assert detail == "This service issues VC 2.0 credentials (the first '@context' must be VC 2.0's)."


def test_partner_profile_refuses_caller_status_and_types_without_schema(
    client: TestClient, partner: PartnerInfo
) -> None:
    with_status = alumni_20(partner, credentialStatus=CALLER_STATUS)
    assert "adds credentialStatus itself" in problem(issue(client, partner, with_status), 400)
    assert "does not issue credentials of that type" in problem(
        issue(client, partner, alumni_20(partner)), 422
    )
    url_type = alumni_20(partner, type=["VerifiableCredential", "https://www.example.org/AlumniCredential"])
    assert "does not issue credentials of that type" in problem(issue(client, partner, url_type), 422)


# The vc-api profile.


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_vc_api_signs_vc_11_with_the_data_integrity_context_appended(
    vc_api: TestClient, partner: PartnerInfo, suite: str
) -> None:
    sent = credential_11(partner)
    response = issue(vc_api, partner, sent, cryptosuite=suite)
    assert response.status_code == 201, response.text
    signed = response.json()
    assert signed["@context"] == [V1, ALUMNI, jsonld.DATA_INTEGRITY_V2]
    assert {k: v for k, v in signed.items() if k not in ("proof", "@context")} == {
        k: v for k, v in sent.items() if k != "@context"
    }
    assert signed["proof"]["cryptosuite"] == suite
    result = verify(vc_api, partner, signed)
    assert result.verdict is Verdict.VALID, result.to_json()


def test_vc_api_signs_the_eddsa_suites_minimal_vc_11_credential(
    vc_api: TestClient, partner: PartnerInfo
) -> None:
    """The vc-di-eddsa suite's validVc: only VC 1.1's context, an id, fractional seconds."""
    sent = {
        "@context": [V1],
        "id": "urn:uuid:86294362-4254-4f36-854f-3952fe42555d",
        "type": ["VerifiableCredential"],
        "issuer": partner.did,
        "issuanceDate": "2020-03-16T22:37:26.544Z",
        "credentialSubject": {"id": HOLDER.controller},
    }
    response = issue(vc_api, partner, sent, cryptosuite="eddsa-jcs-2022")
    assert response.status_code == 201, response.text
    signed = response.json()
    assert signed["@context"] == [V1, jsonld.DATA_INTEGRITY_V2]
    assert signed["issuanceDate"] == sent["issuanceDate"]
    assert "credentialStatus" not in signed
    assert verify(vc_api, partner, signed).verdict is Verdict.VALID


def test_vc_api_adds_only_proof_and_status_to_a_vc_20_credential(
    vc_api: TestClient, partner: PartnerInfo
) -> None:
    sent = alumni_20(partner)
    response = issue(vc_api, partner, sent)
    assert response.status_code == 201, response.text
    signed = response.json()
    assert {k: v for k, v in signed.items() if k not in ("proof", "credentialStatus")} == sent
    entries = signed["credentialStatus"]
    assert [e["type"] for e in entries] == ["BitstringStatusListEntry"] * 2
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert all(isinstance(e["statusListIndex"], str) for e in entries)
    assert all(e["statusListCredential"].startswith("https://") for e in entries)
    assert verify(vc_api, partner, signed).verdict is Verdict.VALID


def test_vc_api_keeps_a_well_formed_caller_status(vc_api: TestClient, partner: PartnerInfo) -> None:
    response = issue(vc_api, partner, alumni_20(partner, credentialStatus=CALLER_STATUS))
    assert response.status_code == 201, response.text
    assert response.json()["credentialStatus"] == CALLER_STATUS
    both = issue(
        vc_api, partner, alumni_20(partner, credentialStatus=CALLER_STATUS), statusPurposes=["revocation"]
    )
    assert "leave statusPurposes out" in problem(both, 400)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            {k: v for k, v in CALLER_STATUS.items() if k != "type"},
            "Each credentialStatus entry must be an object with a type.",
        ),
        ({**CALLER_STATUS, "id": "not a url"}, "Each credentialStatus entry must have an id that is a URL."),
        ("https://status.example/lists/1", "Each credentialStatus entry must be an object with a type."),
    ],
)
def test_vc_api_refuses_a_malformed_caller_status(
    vc_api: TestClient, partner: PartnerInfo, status: Any, message: str
) -> None:
    assert problem(issue(vc_api, partner, alumni_20(partner, credentialStatus=status)), 422) == message


def test_vc_api_issues_types_without_schema_and_types_written_as_urls(
    vc_api: TestClient, partner: PartnerInfo
) -> None:
    url_type = alumni_20(partner, type=["VerifiableCredential", "https://www.example.org/AlumniCredential"])
    for credential in (alumni_20(partner), url_type):
        response = issue(vc_api, partner, credential)
        assert response.status_code == 201, response.text
        assert verify(vc_api, partner, response.json()).verdict is Verdict.VALID


def test_vc_api_still_refuses_undefined_terms_and_bad_data_model(
    vc_api: TestClient, partner: PartnerInfo
) -> None:
    undefined = alumni_20(partner)
    undefined["credentialSubject"]["nickname"] = "x"
    assert "nickname" in problem(issue(vc_api, partner, undefined), 422)
    no_subject = alumni_20(partner)
    del no_subject["credentialSubject"]
    assert "credentialSubject" in problem(issue(vc_api, partner, no_subject), 422)
    mixed = alumni_20(partner, issuanceDate="2026-01-01T00:00:00Z")
    assert "uses issuanceDate" in problem(issue(vc_api, partner, mixed), 422)


def test_the_schema_bugs_the_suites_found_are_fixed(vc_api: TestClient, partner: PartnerInfo) -> None:
    """URL types (above), arrays of language value objects and a single relatedResource object are
    issued; a credentialSchema without an id is refused."""
    digest = hashlib.sha384(b"resource").digest()
    languages = alumni_20(
        partner,
        name=[
            {"@value": "Alumni", "@language": "en"},
            {"@value": "Anciens", "@language": "fr", "@direction": "ltr"},
        ],
        description={"@value": "Un diplôme", "@language": "fr"},
        relatedResource={
            "id": "https://www.example.org/resource",
            "digestMultibase": encode_base64url(b"\x20\x30" + digest),
        },
    )
    response = issue(vc_api, partner, languages)
    assert response.status_code == 201, response.text
    schema = alumni_20(partner, credentialSchema={"type": "JsonSchema"})
    detail = problem(issue(vc_api, partner, schema), 422)
    assert "credentialSchema" in detail
    assert "id" in detail


def test_a_relabelling_inline_context_is_refused_and_its_own_terms_show_no_fact(
    vc_api: TestClient, partner: PartnerInfo
) -> None:
    """End to end: issue, verify, read the facts a page would show."""
    relabel = identity_credential()
    relabel["@context"] = [*relabel["@context"], {"givenName": "https://attacker.example/givenName"}]
    assert "'givenName'" in problem(issue(vc_api, partner, relabel), 422)
    lookalike = copy.deepcopy(generic_credential())
    lookalike["@context"] = [
        V2,
        {
            "identityDocumentX": "https://attacker.example/doc",
            "givenNameX": "https://attacker.example/givenName",
        },
    ]
    lookalike["credentialSubject"]["identityDocumentX"] = {"givenNameX": "Amina"}
    response = issue(vc_api, partner, lookalike)
    assert response.status_code == 201, response.text
    signed = response.json()
    assert verify(vc_api, partner, signed).verdict is Verdict.VALID
    shown = facts.read_facts(signed)
    assert shown.facts == ()
    assert shown.document_type is None
