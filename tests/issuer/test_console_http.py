"""The console's refusals over plain HTTP (the browser tests drive the pages themselves)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from issuer.settings import Settings
from tests.helpers import HOLDER
from tests.issuer.conftest import CountingStore, PartnerInfo, add_partner, app_with_store
from tests.issuer.payloads import png


def signed_in(client: TestClient, partner: PartnerInfo) -> str:
    """Sign in; the session's CSRF token."""
    token = csrf(client.get("/console/sign-in").text)
    response = client.post("/console/sign-in", data={"csrf": token, "api_key": partner.api_key})
    assert response.status_code == 200, response.text
    return csrf(response.text)


def csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.fixture
def partner(settings: Settings) -> PartnerInfo:
    return add_partner(settings)


def test_cookie_is_secure_over_https(settings: Settings, store: CountingStore) -> None:
    with TestClient(app_with_store(settings, store), base_url="https://issuer.example") as client:
        cookie = client.get("/console/sign-in").headers["set-cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    headers = client.get("/console/sign-in").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    assert client.get("/console/static/console.css").status_code == 200


def test_a_form_that_is_not_a_form_is_refused(client: TestClient, partner: PartnerInfo) -> None:
    signed_in(client, partner)
    response = client.post("/console/credentials/status", json={"action": "revoke"})
    assert response.status_code == 415
    assert response.headers["content-type"].startswith("text/html")


def test_unknown_action_is_refused(client: TestClient, partner: PartnerInfo) -> None:
    token = signed_in(client, partner)
    response = client.post(
        "/console/credentials/status", data={"csrf": token, "action": "delete", "credential": "x"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")


def test_upload_refusals_show_the_form_again(
    client: TestClient, partner: PartnerInfo, store: CountingStore, settings: Settings
) -> None:
    token = signed_in(client, partner)
    fields = {
        "csrf": token,
        "holder": HOLDER.controller,
        "documentType": "BirthCertificate",
        "givenName": "Amina",
    }
    fields |= {"birthDate": "1990-04-01", "checkMethod": "Original inspected"}
    empty = client.post("/console/documents", data=fields, files={"scan": ("scan.png", b"", "image/png")})
    assert empty.status_code == 422
    assert "The scan is empty." in empty.text
    assert 'value="Amina"' in empty.text
    escrow = client.post(
        "/console/documents", data={**fields, "escrow": "yes"}, files={"scan": ("s.png", png(), "image/png")}
    )
    assert escrow.status_code == 409
    forged = client.post(
        "/console/documents", data={**fields, "csrf": "forged"}, files={"scan": ("s.png", png(), "image/png")}
    )
    assert forged.status_code == 403
    assert store.puts == 0
    issued = client.post("/console/documents", data=fields, files={"scan": ("s.png", png(), "image/png")})
    assert issued.status_code == 200
    assert store.puts == 1


def test_upload_needs_a_signed_in_partner(client: TestClient, store: CountingStore) -> None:
    token = csrf(client.get("/console/sign-in").text)
    response = client.post(
        "/console/documents",
        data={"csrf": token, "holder": HOLDER.controller},
        files={"scan": ("s.png", png(), "image/png")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/sign-in"
    assert store.puts == 0


def test_console_shares_the_partners_rate_limit(settings: Settings, store: CountingStore) -> None:
    limited = replace(settings, rate_per_second=0.001, rate_burst=3)
    partner = add_partner(limited)
    with TestClient(app_with_store(limited, store)) as client:
        signed_in(client, partner)
        assert client.get("/console/credentials").status_code == 200
        assert client.get("/console/credentials").status_code == 200
        refused = client.get("/console/credentials")
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert int(refused.headers["retry-after"]) > 0


def test_refusals_are_said_in_the_page_language_with_the_services_words_kept_in_english(
    client: TestClient, partner: PartnerInfo, store: CountingStore
) -> None:
    """A worker reading Arabic sees what a refusal means in Arabic; the service's own, more precise
    sentence stays beside it, marked as English (lang, dir) so a screen reader and the layout know."""
    token = signed_in(client, partner)
    arabic = {"accept-language": "ar"}
    fields = {"csrf": token, "holder": HOLDER.controller, "documentType": "BirthCertificate"}
    fields |= {"givenName": "Amina", "birthDate": "1990-04-01", "checkMethod": "Original inspected"}
    empty = client.post(
        "/console/documents", data=fields, files={"scan": ("scan.png", b"", "image/png")}, headers=arabic
    )
    assert empty.status_code == 422
    assert 'lang="ar" dir="rtl"' in empty.text
    assert "في النموذج شيء غير صالح؛ راجعه وأرسله مرة أخرى." in empty.text
    assert '<p class="detail" lang="en" dir="ltr">The scan is empty.</p>' in empty.text
    unknown = client.post(
        "/console/credentials/status",
        data={"csrf": token, "action": "delete", "credential": "x"},
        headers=arabic,
    )
    assert unknown.status_code == 400
    assert "ينقص الطلبَ شيءٌ أو فيه شيء غير صالح." in unknown.text
    assert re.search(r'<p class="detail" lang="en" dir="ltr">[^<]+</p>', unknown.text)
    assert store.puts == 0
    english = client.post(
        "/console/credentials/status", data={"csrf": token, "action": "delete", "credential": "x"}
    )
    assert "The request is missing something or has something that is not valid." in english.text
