"""``nansen wallet present ID --openid4vp openid4vp://…``: the wallet answers the real verifier's
request (uvicorn over HTTPS with a test CA) with the credential it took from the real issuer by
OpenID4VCI; the verifier says VALID, having seen only the facts it asked for. A signed request
object whose response_uri is on another origin than its request_uri is refused, and nothing is sent."""

from __future__ import annotations

import contextlib
import json
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from playwright.sync_api import Playwright

from nansen.did import key as did_key
from nansen.errors import InvalidInput
from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.openid4vc.presentation import (
    REQUEST_TYP,
    RequestReference,
    client_id_of,
    dcql_identity_query,
    read_request_object,
    request_uri_text,
    signed_request_object,
)
from nansen.qr import decode_image
from nansen.status_token_source import FetchedStatusTokens
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.httpsserver import Route, Server
from tests.servers import loopback_socket
from tests.verifier.issuing import trust_settings
from tests.verifier.pictures import artifacts
from tests.verifier.test_browser import PHONE
from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.services import Issuer, Trust, client_context, serving_tls
from tests.wallet.test_openid4vci import ca, holder, offer_to, partner
from verifier import Settings as VerifierSettings
from verifier import create_app as create_verifier
from verifier.dependencies import get_resolver, get_status_lists
from verifier.openid4vp.api import get_status_tokens

__all__ = ["ca", "holder", "partner"]  # fixtures shared with the OpenID4VCI tests


@contextlib.contextmanager
def verifier_service(directory: Path, ca: trustme.CA, **settings: Any) -> Iterator[str]:
    """The verifier over HTTPS (a certificate of the test CA), trusting the CA for what it fetches."""
    directory.mkdir()
    app = create_verifier(
        VerifierSettings(database_url=f"sqlite:///{directory / 'v.db'}", data_dir=directory, **settings)
    )
    ca_file = directory.parent / "ca.pem"
    trust = Trust(ca_file, directory / "cache")
    resolver, lists = trust.resolver(), trust.status_lists()
    tokens = FetchedStatusTokens(verify=str(ca_file), allow_private_addresses=True)
    app.dependency_overrides[get_resolver] = lambda: resolver
    app.dependency_overrides[get_status_lists] = lambda: lists
    app.dependency_overrides[get_status_tokens] = lambda: tokens
    sock, port = loopback_socket()
    with serving_tls(app, sock, ca.issue_cert("localhost"), directory):
        yield f"https://localhost:{port}"


@pytest.fixture
def verifier(tmp_path: Path, ca: trustme.CA) -> Iterator[str]:
    with verifier_service(tmp_path / "verifier", ca) as url:
        yield url


def held_ids() -> dict[str, str]:
    listed = json.loads(run("list", "--json", passphrase=PASSPHRASE).output)
    return {("sd-jwt" if "SD-JWT" in c["summary"] else "ldp"): c["id"] for c in listed}


def ask(verifier: str, ca: trustme.CA, claims: list[str]) -> dict[str, str]:
    with httpx.Client(verify=client_context(ca), timeout=60) as http:
        made = http.post(f"{verifier}/openid4vp/requests", json={"claims": claims})
    assert made.status_code == 201, made.text
    answer: dict[str, str] = made.json()
    return answer


def verdict(verifier: str, ca: trustme.CA, made: dict[str, str]) -> dict[str, object]:
    with httpx.Client(verify=client_context(ca), timeout=60) as http:
        read = http.get(
            f"{verifier}/openid4vp/requests/{made['id']}/verdict",
            headers={"Authorization": f"Bearer {made['readKey']}"},
        )
    result: dict[str, object] = read.json()
    return result


def test_the_wallet_answers_with_each_format_and_the_verifier_says_valid(
    partner: Issuer, ca: trustme.CA, holder: str, verifier: str
) -> None:
    uri, pin = offer_to(partner, ca, holder)
    assert run("receive", uri, "--pin", pin, passphrase=PASSPHRASE).exit_code == 0
    ids = held_ids()

    made = ask(verifier, ca, ["givenName", "birthDate"])
    shown = run("present", ids["sd-jwt"], "--openid4vp", made["request"], passphrase=PASSPHRASE)
    assert shown.exit_code == 0, shown.output
    assert "disclosing: givenName, birthDate." in shown.output
    result = verdict(verifier, ca, made)
    assert result["status"] == "answered"
    assert json.dumps(result).count("N0123456") == 0
    assert result["result"]["verdict"] == "VALID", result  # type: ignore[index]

    made = ask(verifier, ca, ["givenName"])
    shown = run("present", ids["ldp"], "--openid4vp", made["request"], passphrase=PASSPHRASE)
    assert shown.exit_code == 0, shown.output
    assert verdict(verifier, ca, made)["result"]["verdict"] == "VALID"  # type: ignore[index]

    again = run("present", ids["sd-jwt"], "--openid4vp", made["request"], passphrase=PASSPHRASE)
    assert again.exit_code != 0
    assert "could not be fetched (HTTP 404)" in again.output  # answered: the request is closed


def test_a_request_not_signed_by_its_client_is_refused(holder: str, verifier: str, ca: trustme.CA) -> None:
    made = ask(verifier, ca, ["givenName"])
    forged = made["request"].replace("did%3Akey%3Az6Mk", "did%3Akey%3Az6MkX", 1)
    shown = run("present", "any", "--openid4vp", forged, passphrase=PASSPHRASE)
    assert shown.exit_code != 0
    assert "cannot be trusted" in shown.output


def test_the_wallet_answers_the_scan_pages_request_and_the_page_shows_valid(
    partner: Issuer, ca: trustme.CA, holder: str, tmp_path: Path, playwright: Playwright
) -> None:
    """The shelter's scan page, in a real Chromium, asks; the command line wallet answers the URI
    read from the page's QR code; the page turns to its verdict by itself: VALID (the page judges
    trust, and this verifier trusts the partner), with only the facts asked for, shown once."""
    uri, pin = offer_to(partner, ca, holder)
    assert run("receive", uri, "--pin", pin, passphrase=PASSPHRASE).exit_code == 0
    trust = trust_settings(tmp_path, partner.did)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        with verifier_service(tmp_path / "shelter", ca, **trust) as shelter:
            # The browser trusts no test CA: it is told to accept this server's certificate.
            page = browser.new_context(viewport=PHONE, ignore_https_errors=True).new_page()
            page.goto(f"{shelter}/?lang=en")
            with page.expect_navigation():
                page.click("#ask button[type=submit]")
            request = decode_image(page.locator("#ask-code img").screenshot())
            fields = {name: page.input_value(f"#ask-verdict input[name={name}]") for name in ("id", "key")}
            shown = run("present", held_ids()["sd-jwt"], "--openid4vp", request, passphrase=PASSPHRASE)
            assert shown.exit_code == 0, shown.output
            assert "disclosing: givenName, familyName, birthDate." in shown.output
            page.wait_for_selector("#result [data-verdict]", timeout=60_000)
            assert page.get_attribute("#result [data-verdict]", "data-verdict") == "VALID"
            text = page.inner_text("#result")
            assert "Amina" in text
            assert "N0123456" not in text  # the document number was not asked for
            page.screenshot(path=str(artifacts() / "wallet-cli-answers-the-page.png"), full_page=True)
            with httpx.Client(verify=client_context(ca), timeout=60) as http:
                assert http.post(f"{shelter}/ask/verdict", data=fields).status_code == 410  # once
    finally:
        browser.close()


def request_claims(signer: SigningKey, response_uri: str) -> dict[str, Any]:
    """A request object as Nansen's verifier makes one, from ``signer``, answered at ``response_uri``."""
    return {
        "client_id": client_id_of(signer),
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": response_uri,
        "nonce": "n-0123456789abcdefghijklmnopqrstuvwxyz",
        "state": "s-1",
        "dcql_query": dcql_identity_query(["givenName"]),
    }


@pytest.fixture
def sites(ca: trustme.CA) -> Iterator[tuple[Server, Server]]:
    """Two HTTPS sites on loopback (certificates of the test CA), each recording what is posted to it."""
    servers = []
    for _ in range(2):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(context)
        servers.append(Server(context))
    yield servers[0], servers[1]
    for server in servers:
        server.stop()


def served_request(site: Server, name: str, signer: SigningKey, response_uri: str) -> str:
    """``site`` serves a request object signed by ``signer``; the ``openid4vp://`` link to it."""
    path = f"/openid4vp/requests/{name}"
    token = signed_request_object(request_claims(signer, response_uri), signer)
    site.routes[path] = Route(200, token.encode("ascii"), {"Content-Type": f"application/{REQUEST_TYP}"})
    return request_uri_text(client_id_of(signer), site.url(path))


def test_a_request_that_sends_the_answer_to_another_site_is_refused_and_nothing_is_sent(
    partner: Issuer, ca: trustme.CA, holder: str, sites: tuple[Server, Server]
) -> None:
    """The attack: a site serves a request object, validly signed by a did:key of its maker, whose
    response_uri is another site's. The command line refuses it, as the web wallet does, and posts
    nothing anywhere; the same request answered on its own origin is posted (the control)."""
    uri, pin = offer_to(partner, ca, holder)
    assert run("receive", uri, "--pin", pin, passphrase=PASSPHRASE).exit_code == 0
    ident = held_ids()["sd-jwt"]
    serving, elsewhere = sites
    signer = did_key.signing_key(Ed25519KeyPair.generate())

    own = served_request(serving, "own", signer, serving.url("/openid4vp/responses/1"))
    answered = run("present", ident, "--openid4vp", own, passphrase=PASSPHRASE)
    assert "The verifier refused the presentation: HTTP 404" in answered.output  # it was sent
    assert [path for path, _body in serving.posts] == ["/openid4vp/responses/1"]
    assert b"vp_token" in serving.posts[0][1]

    for name, target in [
        ("other-port", elsewhere.url("/openid4vp/responses/1")),
        ("other-host", serving.url("/openid4vp/responses/1", host="127.0.0.1")),
    ]:
        attack = served_request(serving, name, signer, target)
        shown = run("present", ident, "--openid4vp", attack, passphrase=PASSPHRASE)
        assert shown.exit_code != 0, name
        assert "would send the answer to another site than the verifier's" in shown.output, name
        assert f"/openid4vp/requests/{name}" in serving.requests  # fetched and read, then refused
    assert elsewhere.posts == []
    assert len(serving.posts) == 1


@pytest.mark.parametrize(
    ("request_uri", "response_uri", "same"),
    [
        ("https://verifier.example/r/1", "https://verifier.example:443/answers/1", True),
        ("https://Verifier.Example:8443/r/1", "https://verifier.example:8443/a", True),
        ("https://verifier.example/r/1", "https://verifier.example:8443/a", False),
        ("https://verifier.example/r/1", "https://verifier.example.evil.example/a", False),
        ("https://verifier.example/r/1", "https://verifier.example@evil.example/a", False),
        ("https://verifier.example/r/1", "https://verifier.example:x/a", False),
    ],
)
def test_the_response_uri_must_share_the_request_uris_origin(
    request_uri: str, response_uri: str, same: bool
) -> None:
    signer = did_key.signing_key(Ed25519KeyPair.generate())
    token = signed_request_object(request_claims(signer, response_uri), signer)
    reference = RequestReference(client_id_of(signer), request_uri)
    if same:
        assert read_request_object(token, reference)["response_uri"] == response_uri
    else:
        with pytest.raises(InvalidInput, match="another site than the verifier's"):
            read_request_object(token, reference)
