"""The web wallet answers the verifier's "Ask the person's wallet" (OpenID4VP), in Chromium against
real processes on loopback: the partner's `nansen issuer serve` (HTTPS), the shelter's verifier
(the app `nansen verifier serve --workers N` runs, under uvicorn with a certificate of the run's CA,
since a wallet fetches requests over HTTPS only), and `nansen wallet serve`.

- The shelter's scan page asks; the wallet's camera reads the page's QR code (Chromium's fake
  camera films it), the wallet shows who asks and which facts, sends nothing until Send is tapped,
  and the scan page turns to VALID by itself. The same link again is refused (answered already).
  The SD-JWT VC answers a second request pasted as a link, disclosing only the facts asked.
  Offline, the app says a request needs the network and offers the one-way QR code.
- Refusals, each sent as the attack: an expired request of the real verifier; from a verifier-like
  HTTPS server, a request object with a bad signature, one sending the answer to another origin,
  one asking for nothing and one for a credential the wallet does not hold. Nothing is posted.
"""

from __future__ import annotations

import contextlib
import json
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from nansen import qr, trust
from nansen.demo.cast import Cast
from nansen.demo.roles import Service, free_port, stop
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair, SigningKey
from nansen.openid4vc.presentation import (
    REQUEST_TYP,
    client_id_of,
    dcql_identity_query,
    request_uri_text,
    signed_request_object,
)
from nansen.sdjwt import ed25519_jwk, jose
from nansen.timeutil import now
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.httpsserver import Route, Server
from tests.webwallet.app_support import (
    Phone,
    WalletHost,
    axe_violations,
    camera_video,
    new_phone,
    shots_for,
    wallet_host,
)
from tests.webwallet.test_app_story import FACTS, PARTNER, REFUSED, SLOW, issue_offer
from verifier.openid4vp.models import PresentationRequest

#: Three services started, Argon2id in wasm, on a shared machine.
pytestmark = pytest.mark.timeout(600)
ASKED = ("givenName", "familyName", "birthDate")  # the verifier's default NANSEN_VERIFIER_OPENID4VP_CLAIMS


@dataclass
class World:
    cast: Cast
    host: WalletHost
    verifier: str
    #: A verifier-like HTTPS server that serves request objects tampered with.
    impostor: Server


@contextlib.contextmanager
def verifier_over_tls(cast: Cast, port: int, variables: dict[str, str]) -> Iterator[str]:
    """The verifier's app as `nansen verifier serve` makes it (`verifier.cli:worker_app`), served by
    uvicorn over HTTPS with the run's certificate; its https origin."""
    env = {**cast.verifier_env, **variables}
    url = f"https://localhost:{port}"
    log = cast.root / "verifier.log"
    tls = ["--ssl-certfile", str(cast.tls.cert_file), "--ssl-keyfile", str(cast.tls.key_file)]
    args = ["--factory", "verifier.cli:worker_app", "--host", "127.0.0.1", "--port", str(port), *tls]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", *args], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        context = ssl.create_default_context(cafile=cast.tls.ca_file)
        with httpx.Client(verify=context, trust_env=False) as client:
            Service("verifier service", url + "/", log, process).wait_until_answering(client)
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("openid4vp")
    host_port, verifier_port = free_port(), free_port()
    host_origin = f"http://127.0.0.1:{host_port}"
    with Cast(root) as cast:
        cast.issuer_env["NANSEN_ISSUER_CORS_ORIGINS"] = host_origin
        partner = cast.start_issuer(PARTNER)
        governance = did_key.signing_key(Ed25519KeyPair.generate())
        entry = trust.TrustedIssuer(partner, PARTNER, ("IdentityDocumentCredential",))
        signed = trust.sign(
            trust.build(governance.controller, [entry]), governance, valid_for=timedelta(days=30)
        )
        trust_list = root / "trust-list.json"
        trust_list.write_text(json.dumps(signed), encoding="utf-8")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cast.tls.cert_file, cast.tls.key_file)
        impostor = Server(context)
        settings = {
            "NANSEN_VERIFIER_TRUST_LIST": str(trust_list),
            "NANSEN_VERIFIER_GOVERNANCE_DID": governance.controller,
            "NANSEN_VERIFIER_CORS_ORIGINS": host_origin,
        }
        try:
            with verifier_over_tls(cast, verifier_port, settings) as verifier:
                origins = ",".join(
                    (f"https://localhost:{cast.issuer_port}", verifier, impostor.url("").rstrip("/"))
                )
                with wallet_host(
                    root / "host", port=host_port, NANSEN_WALLET_HOST_CONNECT_ORIGINS=origins
                ) as host:
                    yield World(cast, host, verifier, impostor)
        finally:
            impostor.stop()


def shelter_page(browser: Browser, world: World) -> Page:
    """The shelter's scan page in a browser of its own (CSP bypassed for axe only)."""
    context = browser.new_context(
        base_url=world.verifier,
        viewport={"width": 412, "height": 915},
        ignore_https_errors=True,
        bypass_csp=True,
    )
    return context.new_page()


def ask(shelter: Page, picture: Path) -> tuple[str, str]:
    """Press "Ask the person's wallet": the QR code's text (read from the screen) and the request's id."""
    shelter.goto("/?lang=en")
    with shelter.expect_navigation():
        shelter.click("#ask button[type=submit]")
    picture.write_bytes(shelter.locator("#ask-code img").screenshot())
    uri = qr.decode_image(picture)
    assert shelter.get_attribute("#ask-link", "href") == uri
    return uri, shelter.input_value("#ask-verdict input[name=id]")


def verdict(shelter: Page) -> str:
    """The verdict the scan page turns to by itself, once the wallet has answered."""
    shelter.wait_for_selector("#result [data-verdict]", timeout=SLOW)
    value = shelter.get_attribute("#result [data-verdict]", "data-verdict")
    assert value is not None
    return value


def filled_wallet(phone: Phone, world: World) -> None:
    """A wallet made in the app that takes both credentials (Data Integrity and SD-JWT VC) of an offer."""
    page = phone.page
    page.goto("/")
    page.click("#go-create")
    page.fill("#passphrase", "river stone lantern morning")
    page.fill("#passphrase-again", "river stone lantern morning")
    page.click("#create")
    page.wait_for_selector("#account-code", timeout=SLOW)
    page.click("#continue")
    page.click("#go-did")
    link, pin, _ = issue_offer(world.cast, page.inner_text("#holder-did"))
    page.click("#go-receive")
    page.fill("#offer", link)
    page.fill("#pin", pin)
    page.click("#receive")
    page.wait_for_selector(f"article.card, {REFUSED}", timeout=SLOW)
    assert page.locator("article.card").count() == 2, page.inner_text("main")


def open_request(page: Page, card: int, link: str) -> None:
    """On the present screen of card ``card`` (0: Data Integrity, 1: SD-JWT VC), the request link pasted."""
    page.click("#go-home")
    page.locator("article.card button.present").nth(card).click()
    page.fill("#challenge", link)
    page.click("#sign")
    page.wait_for_selector(f"#ask, {REFUSED}, #ask-one-way", timeout=SLOW)


def posts(phone: Phone, origin: str) -> list[str]:
    return [r.url for r in phone.requests if r.method == "POST" and r.url.startswith(origin)]


def test_the_scan_page_asks_and_the_web_wallet_answers(
    playwright: Playwright, browser: Browser, world: World, tmp_path: Path
) -> None:
    shoot = shots_for("openid4vp-answer")
    shelter = shelter_page(browser, world)
    uri, ident = ask(shelter, tmp_path / "ask.png")
    assert uri.startswith("openid4vp://")
    shoot(shelter, "shelter-asks")
    video = camera_video(uri, tmp_path / "camera.y4m")
    camera = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    filming = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=camera)
    try:
        phone = new_phone(filming, world.host, bypass_csp=True)  # for axe; the refusals keep the CSP
        phone.context.grant_permissions(["camera"], origin=world.host.url)
        page = phone.page
        filled_wallet(phone, world)

        page.locator("article.card button.present").first.click()
        page.click("#scan-challenge")
        expect(page.locator("#challenge")).to_have_value(uri, timeout=SLOW)
        assert page.inner_text("#sign") == "Read the verifier's request"  # reading signs nothing
        page.click("#sign")
        page.wait_for_selector(f"#ask, {REFUSED}", timeout=SLOW)
        assert page.locator(REFUSED).count() == 0, page.inner_text(REFUSED)
        panel = page.inner_text("#ask")
        verifier_did = uri.split("client_id=")[1].split("&")[0]
        assert quote(page.inner_text("#ask bdi.did >> nth=0"), safe="") in verifier_did
        assert world.verifier in panel
        for label in ("Given name", "Family name", "Date of birth"):
            assert label in panel, panel
        assert FACTS["givenName"] in panel
        assert page.is_visible("#ask-whole")  # a Data Integrity credential goes whole: said before Send
        assert posts(phone, world.verifier) == []  # nothing sent before the person taps Send
        assert shelter.is_visible("#ask-waiting")
        shoot(page, "consent")
        assert axe_violations(page) == []

        page.click("#ask-send")
        expect(page.locator("#ask-result")).to_contain_text("Sent", timeout=SLOW)
        assert posts(phone, world.verifier) == [f"{world.verifier}/openid4vp/responses/{ident}"]
        shoot(page, "sent")
        assert verdict(shelter) == "VALID"
        shoot(shelter, "shelter-valid")

        # The same request again (a replay, or a second tap from history): the verifier's request is spent.
        page.click("#sign")
        page.wait_for_selector(REFUSED, timeout=SLOW)
        assert "no longer open" in page.inner_text(REFUSED)
        assert page.locator("#ask").count() == 0
        assert len(posts(phone, world.verifier)) == 1

        # The SD-JWT VC answers a second request, pasted as a link: only the facts asked are disclosed.
        uri, ident = ask(shelter, tmp_path / "ask-sd-jwt.png")
        open_request(page, 1, uri)
        assert page.locator(REFUSED).count() == 0, page.inner_text(REFUSED)
        assert page.locator("#ask-whole").count() == 0
        assert page.is_hidden("fieldset")  # the request says what is disclosed, not the check boxes
        page.click("#ask-send")
        expect(page.locator("#ask-result")).to_contain_text("Sent", timeout=SLOW)
        assert verdict(shelter) == "VALID"
        result = shelter.inner_text("#result")
        assert "SD-JWT VC" in result
        assert FACTS["givenName"] in result
        assert FACTS["birthPlace"] not in result  # not asked, not disclosed
        assert FACTS["documentNumber"] not in result
        (answer,) = [
            r.body for r in phone.requests if r.url == f"{world.verifier}/openid4vp/responses/{ident}"
        ]
        assert FACTS["birthPlace"].encode() not in answer
        shoot(shelter, "shelter-valid-sd-jwt")

        # In Arabic, right to left; declining sends nothing.
        uri, ident = ask(shelter, tmp_path / "ask-declined.png")
        page.select_option("#language", "ar")
        open_request(page, 0, uri)
        assert page.get_attribute("html", "dir") == "rtl"
        assert "جهة تحقق تطلب معلومات" in page.inner_text("#ask")
        shoot(page, "consent-ar")
        assert axe_violations(page) == []
        page.click("#ask-decline")
        expect(page.locator("#ask-result")).to_contain_text("لم يُرسل شيء")
        assert f"{world.verifier}/openid4vp/responses/{ident}" not in posts(phone, world.verifier)
        page.select_option("#language", "en")

        # Offline: a request needs the network; the one-way QR code is offered instead.
        phone.context.set_offline(True)
        open_request(page, 0, uri)
        assert "needs the network" in page.inner_text(REFUSED)
        shoot(page, "offline")
        page.click("#ask-one-way")
        page.wait_for_selector("#presentation-qr", timeout=SLOW)
        picture = tmp_path / "one-way.png"
        picture.write_bytes(page.locator("#presentation-qr").screenshot())
        assert qr.decode_image(picture).startswith("NV1:")
        phone.context.set_offline(False)

        issuer = f"https://localhost:{world.cast.issuer_port}"
        assert phone.origins() == {world.host.url, issuer, world.verifier}, phone.origins()
    finally:
        shelter.context.close()
        filming.close()


def expire(world: World, ident: str) -> None:
    """Time passes for one request: its row in the shelter's database expires (as after the TTL)."""
    engine = create_engine(f"sqlite:///{world.cast.data / 'verifier.sqlite3'}")
    try:
        with Session(engine) as session:
            ended = update(PresentationRequest).where(PresentationRequest.id == ident)
            assert session.execute(ended.values(expires_at=now() - timedelta(seconds=1))).rowcount == 1  # type: ignore[attr-defined]
            session.commit()
    finally:
        engine.dispose()


def impostor_link(world: World, name: str, claims: dict[str, Any], token: str) -> str:
    """The verifier-like server serves ``token`` at /openid4vp/requests/NAME; the link to it."""
    path = f"/openid4vp/requests/{name}"
    headers = {
        "Content-Type": f"application/{REQUEST_TYP}",
        "Access-Control-Allow-Origin": world.host.url,
    }
    world.impostor.routes[path] = Route(200, token.encode("ascii"), headers)
    return request_uri_text(str(claims["client_id"]), world.impostor.url(path))


def request_claims(world: World, signer: SigningKey, **changes: Any) -> dict[str, Any]:
    """A request object as the verifier makes it, from the verifier-like server, with ``changes``."""
    return {
        "client_id": client_id_of(signer),
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": world.impostor.url("/openid4vp/responses/x"),
        "nonce": "n-0123456789abcdefghijklmnopqrstuvwxyz",
        "state": "s-1",
        "dcql_query": dcql_identity_query(ASKED),
        **changes,
    }


def test_the_web_wallet_refuses_each_attack_and_sends_nothing(
    browser: Browser, world: World, tmp_path: Path
) -> None:
    shoot = shots_for("openid4vp-refusals")
    phone = new_phone(browser, world.host)
    page = phone.page
    shelter = shelter_page(browser, world)
    try:
        filled_wallet(phone, world)

        uri, ident = ask(shelter, tmp_path / "late.png")
        expire(world, ident)
        open_request(page, 0, uri)
        assert "no longer open" in page.inner_text(REFUSED)
        shoot(page, "expired")

        signer = did_key.signing_key(Ed25519KeyPair.generate())
        other = did_key.signing_key(Ed25519KeyPair.generate())
        claims = request_claims(world, signer)
        # A control: the untampered request from the same server is read and shown.
        open_request(page, 0, impostor_link(world, "control", claims, signed_request_object(claims, signer)))
        assert page.locator(REFUSED).count() == 0, page.inner_text(REFUSED)
        assert page.is_visible("#ask-send")

        forged = jose.sign(
            {"typ": REQUEST_TYP, "kid": signer.verification_method}, claims, ed25519_jwk(other.key_pair)
        )
        elsewhere = request_claims(world, signer, response_uri=f"{world.verifier}/openid4vp/responses/x")
        empty = request_claims(world, signer, dcql_query={"credentials": []})
        mdoc = {
            "credentials": [
                {"id": "mdl", "format": "mso_mdoc", "meta": {"doctype_value": "org.iso.18013.5.1.mDL"}}
            ]
        }
        not_held = request_claims(world, signer, dcql_query=mdoc)
        attacks = [
            ("bad-signature", claims, forged, "not signed by the verifier it names"),
            (
                "elsewhere",
                elsewhere,
                signed_request_object(elsewhere, signer),
                "another site than the verifier",
            ),
            ("empty", empty, signed_request_object(empty, signer), "asks for no fact"),
            ("not-held", not_held, signed_request_object(not_held, signer), "does not hold"),
        ]
        for name, body, token, words in attacks:
            open_request(page, 0, impostor_link(world, name, body, token))
            assert words in page.inner_text(REFUSED), (name, page.inner_text(REFUSED))
            assert page.locator("#ask").count() == 0, name
            shoot(page, name)
        assert world.impostor.requests == [
            f"/openid4vp/requests/{name}" for name in ("control", *(a[0] for a in attacks))
        ]
        assert posts(phone, world.impostor.url("").rstrip("/")) == []
        assert posts(phone, world.verifier) == []
        # Under the host's own Content-Security-Policy: the verifiers' origins are allowed to connect.
        assert not [line for line in phone.console if "Content Security Policy" in line], phone.console
    finally:
        shelter.context.close()
        phone.context.close()
