"""Every attack on an SD-JWT VC presentation (SD-JWT+KB) sent to a live verifier service: the
pages, ``POST /scan`` and the VC-API keep the promises of docs/threat-model.md as for Data
Integrity. Real uvicorn on loopback, SQLite, the partner's Token Status List on an HTTPS server."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from jwcrypto import jwk

from nansen.qr.sdjwt import encode_sd_jwt
from nansen.sdjwt import VCT, issue, present, serialization
from nansen.sdjwt.encoding import b64decode, b64encode, json_bytes
from nansen.sdjwt.presentation import ONE_WAY_AUDIENCE
from nansen.verify import Verifier
from tests.helpers import STRANGER
from tests.httpsserver import Server
from tests.verifier.issuing import PARTNER_NAME, trust_settings
from tests.verifier.pictures import camera_jpeg
from tests.verifier.sdjwt_issuing import (
    FACTS,
    HIDDEN,
    PARTNER_KEY,
    SHOWN,
    STRANGER_KEY,
    presented,
    sd_jwt,
    serve_status_token,
    status_tokens_of,
)
from tests.verifier.support import DOMAIN, Service, service, sqlite_url
from verifier.dependencies import get_status_tokens
from verifier.sdjwt_checks import ENVELOPED_TYPE, SD_JWT_DATA_URL
from verifier.settings import Presentations

pytest_plugins = ["tests.httpsserver"]

HTML = {"Accept": "text/html"}


@dataclass
class Scanning:
    running: Service
    server: Server
    status_uri: str

    def token(self, **kwargs: Any) -> str:
        return sd_jwt(self.running.clock.moment, self.status_uri, **kwargs)

    def scan(self, text: str, html: bool = False, **fields: str) -> httpx.Response:
        image = camera_jpeg(encode_sd_jwt(text))
        return self.running.client.post(
            f"{self.running.url}/scan",
            files={"image": ("qr.jpg", image, "image/jpeg")},
            data=fields,
            headers=HTML if html else {},
        )

    def paste(self, text: str) -> httpx.Response:
        return self.running.client.post(f"{self.running.url}/verify-page", data={"text": text}, headers=HTML)


@pytest.fixture
def scanning(tmp_path: Path, https: Server, client_tls: ssl.SSLContext) -> Iterator[Scanning]:
    with service(sqlite_url(tmp_path), tmp_path, **trust_settings(tmp_path)) as running:
        tokens = status_tokens_of(client_tls, running.clock)
        running.app.dependency_overrides[get_status_tokens] = lambda: tokens
        uri = serve_status_token(https, running.clock.moment)
        yield Scanning(running, https, uri)


def check(response: httpx.Response, name: str) -> dict[str, Any]:
    body = response.json()
    reports = [body, *body.get("credentials", [])]
    found = [r for report in reports for r in report["results"] if r["check"] == name]
    assert found, f"no {name} check in {body}"
    result: dict[str, Any] = found[0]
    return result


def verdict_of(page: httpx.Response) -> str:
    for verdict in ("CANNOT CONFIRM", "NOT VALID", "VALID"):
        if f'data-verdict="{verdict}"' in page.text:
            return verdict
    raise AssertionError(f"no verdict on the page: {page.status_code}")


def test_a_presented_sd_jwt_is_valid_with_only_its_disclosed_facts(scanning: Scanning) -> None:
    page = scanning.scan(presented(scanning.token(), scanning.running.clock.moment), html=True)
    assert page.status_code == 200, page.text
    assert verdict_of(page) == "VALID"
    for words in (PARTNER_NAME, "Passport", "Given name", "Amina", "Haddad", "1994-03-12"):
        assert words in page.text
    assert "Not disclosed by the holder" in page.text
    assert '<bdi dir="ltr" data-model>SD-JWT VC</bdi>' in page.text  # the report's dataModel
    for label in ("Place of birth", "Document number"):
        assert label in page.text
    for name in HIDDEN:
        assert FACTS[name] not in page.text  # a hidden fact's value never reaches the verifier


def test_the_api_report_says_what_was_disclosed_and_checks_status_and_trust(scanning: Scanning) -> None:
    response = scanning.scan(presented(scanning.token(), scanning.running.clock.moment))
    assert response.status_code == 200, response.text
    assert response.json()["verdict"] == "VALID"
    assert check(response, "trust")["reason"] == f"Issued by {PARTNER_NAME}, a trusted partner."
    assert check(response, "status")["outcome"] == "passed"
    assert check(response, "holder binding")["outcome"] == "passed"
    assert check(response, "facts")["outcome"] == "passed"
    assert check(response, "replay")["outcome"] == "passed"
    disclosure = check(response, "disclosure")["reason"]
    assert all(name in disclosure for name in SHOWN + HIDDEN)
    assert scanning.server.requests == ["/status/token"]
    assert response.json()["dataModel"] == response.json()["credentials"][0]["dataModel"] == "SD-JWT VC"


def test_the_vc_api_names_an_enveloped_sd_jwt_vc_s_data_model(scanning: Scanning) -> None:
    """``POST /presentations/verify`` says what the CLI and the page say: ``dataModel`` ``SD-JWT VC``."""
    shown = presented(scanning.token(), scanning.running.clock.moment)
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ENVELOPED_TYPE,
        "id": SD_JWT_DATA_URL + shown,
    }
    response = scanning.running.post("/presentations/verify", {"verifiablePresentation": enveloped})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["verdict"], report["dataModel"]) == ("VALID", "SD-JWT VC")
    assert report["credentials"][0]["dataModel"] == "SD-JWT VC"


def test_a_one_way_presentation_is_accepted_once_whatever_carries_it(scanning: Scanning) -> None:
    shown = presented(scanning.token(), scanning.running.clock.moment)
    assert scanning.scan(shown).json()["verdict"] == "VALID"
    again = scanning.scan(shown)
    assert again.status_code == 400
    assert check(again, "replay")["outcome"] == "failed"
    assert "already been accepted once" in check(again, "replay")["reason"]
    pasted = scanning.paste(shown)  # the same KB-JWT pasted as text on the page
    assert verdict_of(pasted) == "NOT VALID"
    assert "already been accepted once" in pasted.text
    assert "These facts are not confirmed" in pasted.text
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiablePresentation",
        "id": "data:application/dc+sd-jwt," + shown,
    }
    api = scanning.running.verify_presentation(enveloped)
    assert api.status_code == 400
    assert check(api, "replay")["outcome"] == "failed"


def test_a_re_spelt_key_binding_signature_is_not_a_new_presentation(scanning: Scanning) -> None:
    shown = presented(scanning.token(), scanning.running.clock.moment)
    assert scanning.scan(shown).json()["verdict"] == "VALID"
    head, signature = shown.rsplit(".", 1)
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # The last character of a 64-byte signature carries 4 unused bits: set one.
    respelt = signature[:-1] + last[last.index(signature[-1]) ^ 1]
    response = scanning.running.verify_presentation(
        {
            "type": "EnvelopedVerifiablePresentation",
            "id": "data:application/dc+sd-jwt," + head + "." + respelt,
        }
    )
    assert response.status_code == 400
    assert response.json()["verdict"] == "NOT VALID"
    assert "canonical" in " ".join(response.json()["errors"])


def test_a_challenged_presentation_spends_its_challenge_once(scanning: Scanning) -> None:
    nonce = scanning.running.challenge()
    shown = presented(scanning.token(), scanning.running.clock.moment, nonce=nonce, audience=DOMAIN)
    first = scanning.scan(shown)
    assert first.status_code == 200, first.text
    assert check(first, "challenge")["outcome"] == "passed"
    again = scanning.scan(shown)
    assert again.status_code == 400
    assert check(again, "challenge")["reason"] == "The challenge has already been used; ask for a new one."


def test_another_verifiers_nonce_or_audience_is_refused_and_spends_nothing(scanning: Scanning) -> None:
    token, moment = scanning.token(), scanning.running.clock.moment
    foreign_nonce = scanning.scan(
        presented(token, moment, nonce="a-nonce-another-verifier-issued", audience=DOMAIN)
    )
    assert foreign_nonce.status_code == 400
    assert check(foreign_nonce, "challenge")["reason"] == (
        "The challenge was not issued by this verifier; ask for a new one."
    )
    nonce = scanning.running.challenge()
    foreign_audience = scanning.scan(presented(token, moment, nonce=nonce, audience="other-shelter.example"))
    assert foreign_audience.status_code == 400
    assert "made for another verifier (aud)" in check(foreign_audience, "holder binding")["reason"]
    assert check(foreign_audience, "challenge")["outcome"] == "not checked"
    # The refused presentation did not use up the holder's challenge.
    assert scanning.scan(presented(token, moment, nonce=nonce, audience=DOMAIN)).status_code == 200


def test_a_key_binding_by_another_key_is_not_valid_and_shows_no_facts(scanning: Scanning) -> None:
    shown = presented(scanning.token(), scanning.running.clock.moment, holder=STRANGER)
    page = scanning.scan(shown, html=True)
    assert verdict_of(page) == "NOT VALID"
    assert "The Key Binding JWT is not signed by the holder&#39;s key (cnf)." in page.text
    assert "Amina" not in page.text
    assert "No facts are shown" in page.text


def test_a_pasted_copy_without_key_binding_is_not_valid_and_shows_no_facts(scanning: Scanning) -> None:
    copy = serialization.join(
        *_issuer_and_disclosures(presented(scanning.token(), scanning.running.clock.moment))
    )
    for page in (scanning.paste(copy), scanning.scan(copy, html=True)):
        assert verdict_of(page) == "NOT VALID"
        assert "presented without key binding" in page.text
        assert "Amina" not in page.text
        assert "No facts are shown" in page.text


def _issuer_and_disclosures(text: str) -> tuple[str, tuple[str, ...]]:
    parts = serialization.split(text)
    return parts.issuer_jwt, parts.disclosures


def test_a_tampered_disclosure_is_not_valid_and_its_value_never_shown(scanning: Scanning) -> None:
    shown = presented(scanning.token(), scanning.running.clock.moment)
    parts = serialization.split(shown)
    forged = b64encode(json_bytes(["c2FsdHNhbHRzYWx0c2FsdA", "givenName", "Mallory"]))
    tampered = serialization.join(parts.issuer_jwt, (forged, *parts.disclosures[1:]), parts.key_binding_jwt)
    page = scanning.scan(tampered, html=True)
    assert verdict_of(page) == "NOT VALID"
    assert "Mallory" not in page.text
    api = scanning.scan(tampered)
    assert check(api, "format")["outcome"] == "failed"


def test_an_untrusted_issuer_makes_the_verifier_fetch_nothing(scanning: Scanning) -> None:
    stranger = sd_jwt(scanning.running.clock.moment, scanning.status_uri, signer=STRANGER_KEY)
    response = scanning.scan(presented(stranger, scanning.running.clock.moment))
    assert response.status_code == 400, response.text
    assert check(response, "trust")["outcome"] == "failed"
    assert check(response, "status")["outcome"] == "not checked"
    assert scanning.server.requests == []  # no status list fetched for an issuer no one trusts


def test_a_revoked_credential_is_not_valid(scanning: Scanning) -> None:
    response = scanning.scan(presented(scanning.token(revoked=True), scanning.running.clock.moment))
    assert response.status_code == 400
    assert check(response, "status")["reason"] == "The credential has been revoked."


def test_a_status_list_past_its_ttl_and_grace_cannot_confirm(scanning: Scanning) -> None:
    token = scanning.token()
    assert scanning.scan(presented(token, scanning.running.clock.moment)).json()["verdict"] == "VALID"
    scanning.server.stop()
    scanning.running.clock.advance(240)  # within the TTL: the copy answers
    assert scanning.scan(presented(token, scanning.running.clock.moment)).json()["verdict"] == "VALID"
    scanning.running.clock.advance(2 * 86_400)  # past the TTL and the grace: no copy answers
    stale = scanning.scan(presented(token, scanning.running.clock.moment), html=True)
    assert verdict_of(stale) == "CANNOT CONFIRM"
    assert "The status list could not be obtained" in stale.text
    assert "2 days ago" in stale.text  # how old the copy that can no longer be used is


def test_an_enveloped_presentation_must_carry_an_sd_jwt(scanning: Scanning) -> None:
    response = scanning.running.verify_presentation(
        {"type": "EnvelopedVerifiablePresentation", "id": "data:application/vp+jwt,eyJ"}
    )
    assert response.status_code == 400
    assert response.json()["type"].endswith("#not-sd-jwt")
    shown = presented(scanning.token(), scanning.running.clock.moment)
    valid = scanning.running.verify_presentation(
        {"type": "EnvelopedVerifiablePresentation", "id": "data:application/dc+sd-jwt," + shown}
    )
    assert valid.status_code == 200, valid.text
    assert valid.json()["verdict"] == "VALID"


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def test_the_other_form_of_an_es256_key_binding_signature_is_the_same_presentation(
    scanning: Scanning,
) -> None:
    """ECDSA's ``(r, n - s)`` verifies wherever ``(r, s)`` does: a copier must not make a one-way
    presentation new with it."""
    moment = scanning.running.clock.moment
    holder = jwk.JWK.generate(kty="EC", crv="P-256")
    token = issue(
        {"documentType": "Passport", **FACTS},
        vct=VCT,
        signer=PARTNER_KEY,
        holder_key=jwk.JWK.from_json(holder.export_public()),
        disclosable=[(name,) for name in FACTS],
        issued_at=moment - timedelta(days=1),
        expires_at=moment + timedelta(days=30),
    )
    shown = present(token, [("givenName",)], holder, nonce="n", audience=ONE_WAY_AUDIENCE, issued_at=moment)
    head, signature = shown.rsplit(".", 1)
    raw = b64decode(signature)
    high = (P256_ORDER - int.from_bytes(raw[32:], "big")).to_bytes(32, "big")
    other = head + "." + b64encode(raw[:32] + high)
    fresh = Verifier(clock=lambda: moment).verify_sd_jwt(other, audience=ONE_WAY_AUDIENCE)
    binding = fresh.check("holder binding")
    assert binding is not None
    assert binding.outcome.value == "passed"  # the other form verifies
    assert scanning.scan(shown).json()["verdict"] == "VALID"
    again = scanning.scan(other)
    assert again.status_code == 400
    assert check(again, "replay")["outcome"] == "failed"


def enveloped(text: str) -> dict[str, Any]:
    return {"type": "EnvelopedVerifiablePresentation", "id": "data:application/dc+sd-jwt," + text}


def test_a_relying_party_gives_the_nonce_and_audience_and_pages_keep_their_own(
    tmp_path: Path, https: Server, client_tls: ssl.SSLContext
) -> None:
    settings = {**trust_settings(tmp_path), "presentations": Presentations.RELYING_PARTY}
    with service(sqlite_url(tmp_path), tmp_path, **settings) as running:
        tokens = status_tokens_of(client_tls, running.clock)
        running.app.dependency_overrides[get_status_tokens] = lambda: tokens
        moment = running.clock.moment
        token = sd_jwt(moment, serve_status_token(https, moment))
        mine = presented(token, moment, nonce="rp-nonce", audience="https://rp.example")
        valid = running.verify_presentation(
            enveloped(mine), challenge="rp-nonce", domain="https://rp.example"
        )
        assert valid.status_code == 200, valid.text
        assert check(valid, "challenge")["outcome"] == "passed"
        other_nonce = running.verify_presentation(
            enveloped(mine), challenge="another", domain="https://rp.example"
        )
        assert "nonce is not the one" in check(other_nonce, "holder binding")["reason"]
        no_domain = running.verify_presentation(enveloped(mine), challenge="rp-nonce")
        assert no_domain.status_code == 400
        assert check(no_domain, "domain")["outcome"] == "failed"
        no_challenge = running.verify_presentation(enveloped(mine))
        assert no_challenge.status_code == 400
        assert no_challenge.json()["type"].endswith("#challenge-required")
        # The scan flow never takes the relying party's path: that nonce is not one this verifier issued.
        scanned = running.client.post(
            f"{running.url}/scan",
            files={"image": ("qr.jpg", camera_jpeg(encode_sd_jwt(mine)), "image/jpeg")},
        )
        assert scanned.status_code == 400
        assert check(scanned, "holder binding")["outcome"] == "failed"  # aud is not this verifier's domain
