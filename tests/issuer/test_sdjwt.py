"""``POST /documents`` with ``sdJwt=true``: the SD-JWT VC of the same facts beside the Data Integrity
credential, bound to the holder's key, whose Token Status List follows revocation and suspension."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from issuer.settings import Settings
from nansen.did.resolver import Resolver
from nansen.did.web import did_to_url
from nansen.sdjwt import ed25519_jwk, jose, present, read, serialization
from nansen.timeutil import now
from nansen.verify import Verdict, VerificationResult, Verifier
from nansen.verify_sdjwt import StaticStatusTokens
from tests.helpers import HOLDER
from tests.issuer.conftest import PartnerInfo, add_partner
from tests.issuer.payloads import document_fields
from tests.issuer.test_documents import post
from tests.issuer.test_isolation import status_change


def issue_both(client: TestClient, partner: PartnerInfo) -> dict[str, Any]:
    response = post(client, partner, fields={**document_fields(), "sdJwt": "true"})
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def verify(client: TestClient, token: str, presentation: bool = False) -> VerificationResult:
    """As a verifier that knows only what the service publishes: the DID document and the token list."""
    sd_jwt = read(token)
    document = client.get(urlsplit(did_to_url(sd_jwt.issuer or "")).path).json()
    uri = sd_jwt.payload["status"]["status_list"]["uri"]
    listed = client.get(urlsplit(uri).path)
    assert listed.status_code == 200
    assert listed.headers["content-type"].startswith("application/statuslist+jwt")
    verifier = Verifier(
        resolver=Resolver(documents=[document]), status_tokens=StaticStatusTokens({uri: listed.text})
    )
    if not presentation:
        return verifier.verify_sd_jwt(token, presentation=False)
    shown = present(
        token, [("givenName",)], ed25519_jwk(HOLDER.key_pair), nonce="n", audience="a", issued_at=now()
    )
    return verifier.verify_sd_jwt(shown, nonce="n", audience="a")


def test_both_formats_carry_the_same_facts_and_the_sd_jwt_is_the_holders(
    client: TestClient, settings: Settings
) -> None:
    partner = add_partner(settings, "Shelter")
    answer = issue_both(client, partner)
    credential, token = answer["credential"], answer["sdJwt"]
    facts = {k: v for k, v in credential["credentialSubject"]["identityDocument"].items() if k != "type"}
    sd_jwt = read(token)
    assert {k: sd_jwt.claims[k] for k in facts} == facts
    assert sd_jwt.issuer == credential["issuer"] == partner.did
    assert sd_jwt.payload["cnf"]["jwk"] == jose.public_members(ed25519_jwk(HOLDER.key_pair))
    assert len(serialization.split(token).disclosures) == len(facts)
    revocation = next(e for e in credential["credentialStatus"] if e["statusPurpose"] == "revocation")
    assert sd_jwt.payload["status"]["status_list"] == {
        "idx": int(revocation["statusListIndex"]),
        "uri": revocation["statusListCredential"] + "/token",
    }
    result = verify(client, token)
    assert result.verdict is Verdict.VALID, result.to_json()
    presented = verify(client, token, presentation=True)
    assert presented.verdict is Verdict.VALID, presented.to_json()


def test_revoking_the_credential_revokes_its_sd_jwt(client: TestClient, settings: Settings) -> None:
    partner = add_partner(settings, "Shelter")
    answer = issue_both(client, partner)
    changed = client.post(
        "/credentials/status", json=status_change(answer["credential"]["id"]), headers=partner.headers
    )
    assert changed.status_code == 200, changed.text
    result = verify(client, answer["sdJwt"])
    assert result.verdict is Verdict.NOT_VALID
    assert result.check("status") is not None
    assert result.check("status").reason == "The credential has been revoked."  # type: ignore[union-attr]


def test_suspending_then_reinstating_reaches_the_sd_jwt(client: TestClient, settings: Settings) -> None:
    partner = add_partner(settings, "Shelter")
    answer = issue_both(client, partner)
    other = issue_both(client, partner)
    identifier = answer["credential"]["id"]
    suspend = status_change(identifier, "suspension", True)
    assert client.post("/credentials/status", json=suspend, headers=partner.headers).status_code == 200
    suspended = verify(client, answer["sdJwt"])
    assert suspended.verdict is Verdict.NOT_VALID
    assert suspended.check("status").reason == "The credential has been suspended."  # type: ignore[union-attr]
    assert verify(client, other["sdJwt"]).verdict is Verdict.VALID
    reinstate = status_change(identifier, "suspension", False)
    assert client.post("/credentials/status", json=reinstate, headers=partner.headers).status_code == 200
    assert verify(client, answer["sdJwt"]).verdict is Verdict.VALID


def test_without_the_option_there_is_no_sd_jwt_and_bad_values_are_refused(
    client: TestClient, settings: Settings
) -> None:
    partner = add_partner(settings, "Shelter")
    plain = post(client, partner)
    assert plain.status_code == 201
    assert "sdJwt" not in plain.json()
    bad = post(client, partner, fields={**document_fields(), "sdJwt": "yes"})
    assert bad.status_code == 400
    assert "The sdJwt field must be 'true' or 'false'." in bad.text
    unknown = json.dumps({"givenName": "A", "favouriteColour": "blue"})
    refused = post(client, partner, fields={**document_fields(), "facts": unknown, "sdJwt": "true"})
    assert refused.status_code == 422


def test_a_suspension_list_has_no_token_and_an_unknown_list_is_404(
    client: TestClient, settings: Settings
) -> None:
    partner = add_partner(settings, "Shelter")
    credential = issue_both(client, partner)["credential"]
    suspension = next(e for e in credential["credentialStatus"] if e["statusPurpose"] == "suspension")
    assert client.get(urlsplit(suspension["statusListCredential"]).path + "/token").status_code == 404
    assert client.get("/status/0123456789abcdef0123456789abcdef/token").status_code == 404
