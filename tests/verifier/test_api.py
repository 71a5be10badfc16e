"""The VC-API endpoints: 200 when verified, 400 when not; challenges are single-use; one-way scanning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nansen import trust
from tests.conftest import did_key_signer
from tests.helpers import ISSUED, PARTNER, STRANGER, copy_of, presentation, signed_credential
from tests.verifier.support import (
    DOMAIN,
    Service,
    one_way,
    service,
    sqlite_url,
    status_entries,
    status_list_credential,
)
from verifier import Mode

GOVERNANCE = did_key_signer(0x47)


def errors(response: Any) -> str:
    return " ".join(response.json()["errors"])


def result_of(response: Any, check: str) -> dict[str, str]:
    return next(r for r in response.json()["results"] if r["check"] == check)


# -- credentials


def test_a_fresh_verifier_verifies_a_well_formed_signed_credential(verifier_service: Service) -> None:
    response = verifier_service.post("/credentials/verify", {"verifiableCredential": signed_credential()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True
    assert body["verdict"] == "VALID"
    assert body["errors"] == []
    assert "proof" in body["checks"]
    assert all(isinstance(name, str) for name in body["checks"])
    assert "trust" not in body["checks"]  # not checked: no trust list is configured
    assert result_of(response, "trust")["outcome"] == "not checked"
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_checks_option_is_accepted(verifier_service: Service, suite: str) -> None:
    body = {"verifiableCredential": signed_credential(suite), "options": {"checks": ["proof"]}}
    assert verifier_service.post("/credentials/verify", body).status_code == 200


def test_a_tampered_credential_is_refused(verifier_service: Service) -> None:
    credential = signed_credential()
    credential["credentialSubject"]["identityDocument"]["familyName"] = "Other"
    response = verifier_service.post("/credentials/verify", {"verifiableCredential": credential})
    assert response.status_code == 400
    assert response.json()["verified"] is False
    assert "does not match" in errors(response)


def test_revoked_is_refused_and_clear_is_verified(tmp_path: Path) -> None:
    credential = signed_credential(credential_status=status_entries())
    body = {"verifiableCredential": credential}
    revoked = [status_list_credential("revocation", revoked=True), status_list_credential("suspension")]
    with service(sqlite_url(tmp_path), tmp_path, status_lists=revoked) as running:
        response = running.post("/credentials/verify", body)
        assert response.status_code == 400
        assert "revoked" in errors(response)
    clear = [status_list_credential("revocation"), status_list_credential("suspension")]
    with service(sqlite_url(tmp_path), tmp_path, status_lists=clear) as running:
        assert running.post("/credentials/verify", body).status_code == 200


def test_a_status_that_cannot_be_obtained_is_never_valid(verifier_service: Service) -> None:
    credential = signed_credential(credential_status=status_entries())
    response = verifier_service.post("/credentials/verify", {"verifiableCredential": credential})
    assert response.status_code == 400
    assert response.json()["verdict"] == "CANNOT CONFIRM"
    assert response.json()["warnings"]


def test_a_revoked_credential_in_a_presentation_is_refused(tmp_path: Path) -> None:
    credential = signed_credential(credential_status=status_entries())
    revoked = [status_list_credential("revocation", revoked=True), status_list_credential("suspension")]
    with service(sqlite_url(tmp_path), tmp_path, status_lists=revoked) as running:
        nonce = running.challenge()
        response = running.verify_presentation(presentation(credential, challenge=nonce), challenge=nonce)
        assert response.status_code == 400
        assert "revoked" in errors(response)
        assert response.json()["credentials"][0]["verified"] is False


# -- presentations with a challenge


def test_a_challenge_is_accepted_once(verifier_service: Service) -> None:
    nonce = verifier_service.challenge()
    vp = presentation(signed_credential(), challenge=nonce)
    first = verifier_service.verify_presentation(vp, challenge=nonce, domain=DOMAIN)
    assert first.status_code == 200, first.text
    assert {"proof", "holder binding", "challenge"} <= set(first.json()["checks"])
    assert first.json()["credentials"][0]["verified"] is True
    again = verifier_service.verify_presentation(vp, challenge=nonce)
    assert again.status_code == 400
    assert "already been used" in errors(again)


def test_challenges_carry_the_domain_and_an_expiry(verifier_service: Service) -> None:
    response = verifier_service.client.post(verifier_service.url + "/challenges")
    body = response.json()
    assert body["domain"] == DOMAIN
    assert body["expires"] == "2026-01-05T09:36:00Z"  # the clock (09:31) plus five minutes
    assert len(body["challenge"]) >= 43
    assert verifier_service.challenge() != body["challenge"]


def test_a_presentation_for_another_challenge_is_refused_and_spends_nothing(
    verifier_service: Service,
) -> None:
    nonce = verifier_service.challenge()
    wrong = presentation(signed_credential(), challenge="another-challenge")
    response = verifier_service.verify_presentation(wrong, challenge=nonce)
    assert response.status_code == 400
    assert "challenge does not match" in errors(response)
    assert result_of(response, "challenge")["outcome"] == "not checked"
    right = presentation(signed_credential(), challenge=nonce)
    assert verifier_service.verify_presentation(right, challenge=nonce).status_code == 200


def test_an_unknown_challenge_is_refused(verifier_service: Service) -> None:
    vp = presentation(signed_credential(), challenge="made-up")
    response = verifier_service.verify_presentation(vp, challenge="made-up")
    assert response.status_code == 400
    assert "not issued by this verifier" in errors(response)


def test_an_expired_challenge_is_refused(verifier_service: Service) -> None:
    nonce = verifier_service.challenge()
    verifier_service.clock.advance(verifier_service.settings.challenge_ttl_seconds + 1)
    vp = presentation(signed_credential(), challenge=nonce)
    response = verifier_service.verify_presentation(vp, challenge=nonce)
    assert response.status_code == 400
    assert "expired" in errors(response)


def test_a_presentation_for_another_domain_is_refused(verifier_service: Service) -> None:
    nonce = verifier_service.challenge()
    vp = presentation(signed_credential(), challenge=nonce, domain="elsewhere.example")
    response = verifier_service.verify_presentation(vp, challenge=nonce)
    assert response.status_code == 400
    assert "domain is not this verifier's" in errors(response)
    problem = verifier_service.verify_presentation(vp, challenge=nonce, domain="elsewhere.example")
    assert problem.status_code == 400
    assert problem.headers["content-type"] == "application/problem+json"
    assert "not this verifier's domain" in problem.json()["detail"]


def test_a_tampered_presentation_is_refused(verifier_service: Service) -> None:
    nonce = verifier_service.challenge()
    vp = copy_of(presentation(signed_credential(), challenge=nonce))
    vp["holder"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    response = verifier_service.verify_presentation(vp, challenge=nonce)
    assert response.status_code == 400
    assert response.json()["verified"] is False


def test_challenge_mode_requires_a_challenge(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path, mode=Mode.CHALLENGE) as running:
        response = running.verify_presentation(one_way(signed_credential()))
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert "requires a challenge" in response.json()["detail"]


# -- one-way scanning


def test_one_way_a_fresh_presentation_is_accepted_once(verifier_service: Service) -> None:
    vp = one_way(signed_credential())
    first = verifier_service.verify_presentation(vp)
    assert first.status_code == 200, first.text
    assert {"freshness", "replay"} <= set(first.json()["checks"])
    replayed = verifier_service.verify_presentation(vp)
    assert replayed.status_code == 400
    assert "already been accepted" in errors(replayed)


def test_one_way_an_old_presentation_is_refused(verifier_service: Service) -> None:
    verifier_service.clock.advance(verifier_service.settings.one_way_window_seconds)
    response = verifier_service.verify_presentation(one_way(signed_credential()))
    assert response.status_code == 400
    assert "more than 5 minutes ago" in errors(response)
    assert result_of(response, "replay")["outcome"] == "not checked"


def test_one_way_the_window_is_configurable(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path, one_way_window_seconds=30) as running:
        response = running.verify_presentation(one_way(signed_credential()))
        assert response.status_code == 400
        assert "more than 30 seconds ago" in errors(response)


def test_one_way_mode_issues_no_challenges_and_accepts_no_challenged_presentation(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path, mode=Mode.ONE_WAY) as running:
        refused = running.client.post(running.url + "/challenges")
        assert refused.status_code == 404
        assert "issues no challenges" in refused.json()["detail"]
        vp = presentation(signed_credential(), challenge="the-callers-own")
        assert running.verify_presentation(vp, challenge="another").status_code == 400
        response = running.verify_presentation(vp, challenge="the-callers-own")
        assert response.status_code == 400
        assert result_of(response, "challenge")["outcome"] == "failed"
        assert running.verify_presentation(vp).status_code == 400
        assert running.verify_presentation(one_way(signed_credential())).status_code == 200


# -- requests that cannot be verified


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        ("/credentials/verify", [], "must be a JSON object"),
        ("/credentials/verify", {}, "verifiableCredential object"),
        ("/credentials/verify", {"verifiableCredential": "ey..."}, "verifiableCredential object"),
        ("/credentials/verify", {"verifiableCredential": {}, "options": []}, "options must be"),
        ("/credentials/verify", {"verifiableCredential": {}, "options": {"checks": "proof"}}, "checks"),
        ("/presentations/verify", {"verifiablePresentation": None}, "verifiablePresentation object"),
        ("/presentations/verify", {"verifiablePresentation": {}, "options": {"challenge": 7}}, "challenge"),
        ("/presentations/verify", {"verifiablePresentation": {}, "options": {"domain": []}}, "domain"),
    ],
)
def test_malformed_requests_are_problems(
    verifier_service: Service, path: str, body: Any, detail: str
) -> None:
    response = verifier_service.post(path, body)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]


def test_a_malformed_credential_is_a_failed_verification(verifier_service: Service) -> None:
    response = verifier_service.post("/credentials/verify", {"verifiableCredential": {"type": "x"}})
    assert response.status_code == 400
    assert response.json()["checks"] == ["format"]
    assert response.json()["verdict"] == "NOT VALID"


# -- where status lists and trust come from


def test_status_lists_are_fetched_by_the_default_source(tmp_path: Path) -> None:
    """The app's own source fetches over HTTPS and refuses private addresses: no network is used
    here, the status is unknown, and unknown is never valid."""
    credential = signed_credential(credential_status=status_entries("https://127.0.0.1:9/status"))
    with service(sqlite_url(tmp_path), tmp_path, status_lists=None) as running:
        response = running.post("/credentials/verify", {"verifiableCredential": credential})
    assert response.status_code == 400
    assert response.json()["verdict"] == "CANNOT CONFIRM"
    assert "could not be obtained" in " ".join(response.json()["warnings"])


def test_a_configured_trust_list_is_applied(tmp_path: Path) -> None:
    listed = trust.TrustedIssuer(PARTNER.controller, "Partner NGO", ("IdentityDocumentCredential",))
    signed_list = trust.sign(trust.build(GOVERNANCE.controller, [listed]), GOVERNANCE, moment=ISSUED)
    location = tmp_path / "trust-list.json"
    location.write_text(json.dumps(signed_list), encoding="utf-8")
    with service(
        sqlite_url(tmp_path), tmp_path, trust_list=str(location), governance_did=GOVERNANCE.controller
    ) as running:
        trusted = running.post("/credentials/verify", {"verifiableCredential": signed_credential()})
        assert trusted.status_code == 200, trusted.text
        assert result_of(trusted, "trust")["reason"] == "Issued by Partner NGO, a trusted partner."
        stranger = signed_credential(signer=STRANGER, issuer=STRANGER)
        refused = running.post("/credentials/verify", {"verifiableCredential": stranger})
        assert refused.status_code == 400
        assert "not on the trust list" in errors(refused)
