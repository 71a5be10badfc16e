"""The scan page asks the person's wallet (OpenID4VP, cross-device), in a real headless Chromium on a
real uvicorn server, under the pages' own Content-Security-Policy: the page shows the request as a
QR code and a link; the test plays the wallet with the core's OpenID4VP and SD-JWT code (it reads
the code from the page's picture, checks the signed request object, answers by ``direct_post``);
the page turns to the verdict by itself, once. Whoever saw the QR code can answer but learns
nothing by polling; a second answer is refused; an expired request says so and offers to ask again.
The facts, trust list and Token Status List are the SD-JWT scan tests' (tests/verifier/sdjwt_issuing).
Screenshots go to ``$NANSEN_TEST_ARTIFACTS`` (or ``<tmp>/nansen-test-artifacts``).
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Playwright

from nansen.did import key as did_key
from nansen.openid4vc.presentation import SD_JWT_QUERY, parse_request_uri
from nansen.qr import decode_image
from nansen.sdjwt import jose
from nansen.timeutil import now
from tests.httpsserver import Server
from tests.verifier.issuing import PARTNER_NAME, trust_settings
from tests.verifier.sdjwt_issuing import (
    FACTS,
    HIDDEN,
    SHOWN,
    presented,
    sd_jwt,
    serve_status_token,
    status_tokens_of,
)
from tests.verifier.support import FakeClock, Service, service, sqlite_url
from tests.verifier.test_browser import VERDICT_TIMEOUT_MS, chromium, screenshot, verdict_of
from verifier.openid4vp.api import get_status_tokens

pytest_plugins = ["tests.httpsserver"]


@pytest.fixture
def running(tmp_path: Path, client_tls: ssl.SSLContext) -> Iterator[Service]:
    """A verifier trusting PARTNER, reading Token Status Lists from the loopback HTTPS server."""
    with service(
        sqlite_url(tmp_path), tmp_path, clock=FakeClock(now()), **trust_settings(tmp_path)
    ) as running:
        tokens = status_tokens_of(client_tls, running.clock)
        running.app.dependency_overrides[get_status_tokens] = lambda: tokens
        yield running


def asked(page: Page, running: Service, lang: str = "en") -> tuple[str, str, str]:
    """Press "Ask the person's wallet" on the scan page; the QR code's URI (read from its picture),
    the request's id and the read key the page holds."""
    page.goto(f"{running.url}/?lang={lang}")
    with page.expect_navigation() as made:
        page.click("#ask button[type=submit]")
    response = made.value
    assert response is not None
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["cache-control"] == "no-store"
    picture = page.locator("#ask-code img").screenshot()
    uri = decode_image(picture)
    assert uri.startswith("openid4vp://")
    assert page.get_attribute("#ask-link", "href") == uri
    ident = page.input_value("#ask-verdict input[name=id]")
    return uri, ident, page.input_value("#ask-verdict input[name=key]")


def request_of(running: Service, uri: str) -> dict[str, Any]:
    """What a wallet does first: fetch the request object by reference and check its signature."""
    # This service is plain http on loopback, which the wallet's code refuses (tests/wallet answers
    # over https): the checks read_request_object makes are made here by hand.
    reference = parse_request_uri(uri.replace("request_uri=http%3A", "request_uri=https%3A"))
    fetched = running.client.get(reference.request_uri.replace("https:", "http:", 1))
    assert fetched.status_code == 200, fetched.text
    jwt = jose.read(fetched.text, "request object")
    did = reference.client_id.removeprefix("decentralized_identifier:")
    assert jwt.header["kid"] == did_key.signing_method(did)
    jose.verify(jwt, jose.ed25519_public_jwk(did_key.public_key_from_did(did)), "request object")
    assert jwt.claims["client_id"] == reference.client_id
    assert jwt.claims["response_mode"] == "direct_post"
    claims: dict[str, Any] = jwt.claims
    return claims


def answer(running: Service, request: dict[str, Any], https: Server) -> httpx.Response:
    """The wallet's answer: HOLDER's SD-JWT VC disclosing what the DCQL query asks, bound by KB-JWT."""
    moment = running.clock.moment
    asked_for = tuple(
        c["path"][0]
        for q in request["dcql_query"]["credentials"]
        if q["id"] == SD_JWT_QUERY
        for c in q["claims"]
    )
    assert asked_for == SHOWN  # the verifier's configured claims (NANSEN_VERIFIER_OPENID4VP_CLAIMS's default)
    shown = presented(
        sd_jwt(moment, serve_status_token(https, moment)),
        moment,
        nonce=request["nonce"],
        audience=request["client_id"],
        disclose=asked_for,
    )
    return running.client.post(
        request["response_uri"],
        data={"vp_token": json.dumps({SD_JWT_QUERY: [shown]}), "state": request["state"]},
    )


def progress(running: Service, ident: str, key: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return running.client.get(f"{running.url}/openid4vp/requests/{ident}/progress", headers=headers)


def blocked(page: Page) -> list[str]:
    """What the Content-Security-Policy refused on this page (the browser reports it on the console)."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: found.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return found


def test_the_wallet_answers_the_page_and_the_page_shows_the_verdict_once(
    playwright: Playwright, running: Service, https: Server
) -> None:
    with chromium(playwright, None) as page:
        refused = blocked(page)
        uri, ident, key = asked(page, running)
        assert page.is_visible("#ask-waiting")
        screenshot(page, "ask-waiting")
        request = request_of(running, uri)
        assert request["response_uri"] == f"{running.url}/openid4vp/responses/{ident}"

        # Someone who saw the QR code polls: without the read key the request does not exist.
        unknown = progress(running, "A" * 32, key)
        for stranger in (progress(running, ident, None), progress(running, ident, "not-the-key")):
            assert (
                (stranger.status_code, stranger.json())
                == (unknown.status_code, unknown.json())
                == (404, unknown.json())
            )
        verdict = running.client.get(f"{running.url}/openid4vp/requests/{ident}/verdict")
        assert verdict.status_code == 404
        assert progress(running, ident, key).json() == {"status": "waiting"}

        assert answer(running, request, https).status_code == 200
        second = answer(running, request, https)  # a second wallet, or the same answer replayed
        assert second.status_code == 400
        assert "not open" in second.json()["error_description"]
        stranger = progress(running, ident, "not-the-key")
        assert (stranger.status_code, stranger.json()) == (404, unknown.json())

        page.wait_for_selector("#result [data-verdict]", timeout=VERDICT_TIMEOUT_MS)
        assert verdict_of(page) == "VALID"
        shown = page.inner_text("#result")
        for words in (
            "Valid",
            PARTNER_NAME,
            "Amina",
            "Haddad",
            "1994-03-12",
            "Not disclosed by the holder",
            "SD-JWT VC",
        ):
            assert words in shown
        for name in HIDDEN:
            assert FACTS[name] not in shown
        screenshot(page, "ask-valid")
        assert refused == []

    # Shown once, then forgotten: the read key opens nothing any more.
    assert progress(running, ident, key).status_code == 404
    again = running.client.post(f"{running.url}/ask/verdict", data={"id": ident, "key": key})
    assert again.status_code == 410
    assert "Amina" not in again.text
    assert (
        running.client.get(
            f"{running.url}/openid4vp/requests/{ident}/verdict", headers={"Authorization": f"Bearer {key}"}
        ).status_code
        == 404
    )


def test_an_expired_request_says_so_and_takes_no_answer(
    playwright: Playwright, running: Service, https: Server
) -> None:
    with chromium(playwright, None) as page:
        uri, ident, key = asked(page, running, lang="ar")
        request = request_of(running, uri)
        running.clock.advance(running.settings.challenge_ttl_seconds + 1)
        page.wait_for_selector("#ask-expired", state="visible", timeout=VERDICT_TIMEOUT_MS)
        assert page.is_hidden("#ask-code")
        assert page.is_visible("#ask-again button")
        screenshot(page, "ask-expired-ar")
        late = answer(running, request, https)
        assert late.status_code == 400
        assert "expired" in late.json()["error_description"]
        assert progress(running, ident, key).json() == {"status": "expired"}
        with page.expect_navigation():
            page.click("#ask-again button")  # a new request, a new code
        assert page.input_value("#ask-verdict input[name=id]") != ident


def test_the_verdict_form_before_the_answer_shows_the_request_again(running: Service) -> None:
    """Without the script (or pressed too early), "Show the verdict" keeps the request open."""
    made = running.client.post(f"{running.url}/ask", data={})
    assert made.status_code == 200
    fields = dict(
        (name, value)
        for name, value in (
            (line.split('name="')[1].split('"')[0], line.split('value="')[1].split('"')[0])
            for line in made.text.splitlines()
            if 'type="hidden"' in line
        )
    )
    waiting = running.client.post(f"{running.url}/ask/verdict", data=fields)
    assert waiting.status_code == 200
    assert fields["id"] in waiting.text
    wrong = running.client.post(f"{running.url}/ask/verdict", data={**fields, "key": "guessed"})
    assert wrong.status_code == 410
    assert fields["id"] not in wrong.text
    assert progress(running, fields["id"], fields["key"]).json() == {"status": "waiting"}
