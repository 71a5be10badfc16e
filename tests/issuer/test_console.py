"""The partner console in a real headless Chromium (Playwright driving Debian's chromium) against a real
uvicorn server: sign in, onboard, upload, see, list, revoke; CSRF, wrong keys, isolation, languages.

Screenshots of each step are written under ``$NANSEN_SCREENSHOTS_DIR`` (default: the system's
temporary directory) in ``nansen-console-screenshots/``; each test prints where.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from issuer.console.i18n import CATALOGUES
from issuer.console.pages import FACTS
from issuer.console.pages import _wallet_qr as wallet_qr
from issuer.console.session import COOKIE
from nansen.openid4vc.names import PRE_AUTHORIZED_GRANT
from nansen.openid4vc.offer import parse_offer_uri
from nansen.qr import decode_image, decode_presentation
from nansen.status import StatusList
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import HOLDER
from tests.issuer.conftest import CountingStore, LiveServer, PartnerInfo, add_partner
from tests.issuer.payloads import document_fields, png
from tests.issuer.test_documents import opened

PHONE = {"width": 375, "height": 740}
TEMPLATES = Path(__file__).resolve().parents[2] / "issuer" / "console" / "templates"


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    opened_context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB")
    yield opened_context
    opened_context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    """``shots(page, name)`` saves a full-page screenshot of this test's step ``name``."""
    base = Path(os.environ.get("NANSEN_SCREENSHOTS_DIR", tempfile.gettempdir()))
    directory = base / "nansen-console-screenshots" / re.sub(r"[^\w.-]+", "_", request.node.name)
    directory.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {directory}")
    count = 0

    def shoot(page: Page, name: str) -> None:
        nonlocal count
        count += 1
        page.screenshot(path=directory / f"{count:02d}-{name}.png", full_page=True)

    return shoot


def fits_the_phone(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def sign_in(page: Page, partner: PartnerInfo) -> None:
    page.goto("/console")
    assert page.url.endswith("/console/sign-in")
    page.fill("#api_key", partner.api_key)
    page.click("main button[type=submit]")
    page.wait_for_url("**/console/credentials")


def csrf_of(page: Page) -> str:
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    assert token
    return token


def test_onboard_upload_list_and_revoke(
    page: Page, live_server: LiveServer, store: CountingStore, shots: Any
) -> None:
    partner = add_partner(live_server.settings, "Red Crescent Aleppo")
    scan = png(width=120, height=80, marker=b"console scan")

    page.goto("/console")
    shots(page, "sign-in")
    sign_in(page, partner)
    assert "No credential has been issued yet." in page.inner_text("main")
    assert "Red Crescent Aleppo" in page.inner_text("header")
    shots(page, "empty-list")

    page.click("main >> text=Onboard a person")
    page.fill("#holder", HOLDER.controller)
    shots(page, "onboard")
    page.click("main button[type=submit]")
    assert page.inner_text("h1") == "Preserve and attest a document"
    page.set_input_files("#scan", {"name": "passport.png", "mimeType": "image/png", "buffer": scan})
    page.select_option("#documentType", "Passport")
    page.fill("#givenName", "Amina")
    page.fill("#familyName", "Haddad")
    page.fill("#birthDate", "1990-04-01")
    page.fill("#documentNumber", "N0123456")
    page.fill("#issuingCountry", "SY")
    page.fill("#checkMethod", "Original inspected under UV light")
    assert fits_the_phone(page)
    shots(page, "upload")
    page.click("main button[type=submit]")

    assert page.inner_text("h1") == "Credential issued"
    credential_id = page.inner_text("#credential-id")
    assert "Amina" in page.inner_text("main")
    assert fits_the_phone(page)
    shots(page, "issued")
    with page.expect_download() as download:
        page.click("text=Download for the wallet")
    bundle = json.loads(Path(download.value.path()).read_text())
    assert bundle["credential"]["id"] == credential_id
    assert bundle["credential"]["credentialSubject"]["id"] == HOLDER.controller
    assert opened(store, bundle) == scan
    scanned = decode_image(page.locator("#wallet-qr").screenshot())
    assert decode_presentation(scanned) == bundle
    # The same credential for any OpenID4VC wallet: the offer's QR code, its link and the PIN.
    offer_text = decode_image(page.locator("#offer-qr").screenshot())
    assert offer_text == page.get_attribute("#offer-link", "href")
    offer = parse_offer_uri(offer_text)
    form = {
        "grant_type": PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": offer.pre_authorized_code,
        "tx_code": page.inner_text("#offer-pin"),
    }
    taken = httpx.post(live_server.local(offer.credential_issuer + "/token"), data=form)
    assert taken.status_code == 200, taken.text

    page.click("header >> text=Credentials")
    rows = page.locator("tr[data-credential]")
    assert rows.count() == 1
    row = page.locator(f'tr[data-credential="{credential_id}"]')
    assert "Active" in row.inner_text()
    assert fits_the_phone(page)
    shots(page, "listed")
    row.locator("button", has_text="Revoke").click()
    assert page.inner_text("h1") == "Revoke this credential?"
    shots(page, "confirm")
    page.click("main button.danger")
    page.wait_for_url("**/console/credentials?done=revoke")
    assert "The credential is revoked." in page.inner_text("main")
    assert "Revoked" in page.locator(f'tr[data-credential="{credential_id}"]').inner_text()
    shots(page, "revoked")

    entry = bundle["credential"]["credentialStatus"][0]
    assert entry["statusPurpose"] == "revocation"
    status_list = httpx.get(live_server.local(entry["statusListCredential"])).json()
    bits = StatusList.decode(status_list["credentialSubject"]["encodedList"])
    assert bits.get(int(entry["statusListIndex"]))


def test_suspend_and_reinstate(page: Page, live_server: LiveServer, shots: Any) -> None:
    partner = add_partner(live_server.settings)
    credential = issue_document(live_server, partner)
    sign_in(page, partner)
    row = page.locator(f'tr[data-credential="{credential["id"]}"]')
    row.locator("button", has_text="Suspend").click()
    assert "Suspended" in row.inner_text()
    shots(page, "suspended")
    row.locator("button", has_text="Reinstate").click()
    assert "Active" in row.inner_text()
    assert "The credential is reinstated." in page.inner_text("main")


def issue_document(server: LiveServer, partner: PartnerInfo) -> dict[str, Any]:
    response = httpx.post(
        f"{server.url}/documents",
        data=document_fields(),
        files={"scan": ("scan.png", png(), "image/png")},
        headers=partner.headers,
        timeout=60,
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


def test_forms_without_the_sessions_csrf_token_are_refused(
    page: Page, live_server: LiveServer, shots: Any
) -> None:
    partner = add_partner(live_server.settings)
    credential = issue_document(live_server, partner)
    anonymous = page.request.post("/console/sign-in", form={"api_key": partner.api_key})
    assert anonymous.status == 403
    sign_in(page, partner)
    change = {"credential": credential["id"], "action": "suspend"}
    for form in (change, {**change, "csrf": "not-the-token"}, {**change, "csrf": ""}):
        refused = page.request.post("/console/credentials/status", form=form)
        assert refused.status == 403
        assert "text/html" in refused.headers["content-type"]
    assert page.request.post("/console/sign-out", form={}).status == 403
    page.reload()
    assert "Active" in page.locator(f'tr[data-credential="{credential["id"]}"]').inner_text()
    accepted = page.request.post("/console/credentials/status", form={**change, "csrf": csrf_of(page)})
    assert accepted.ok
    page.reload()
    assert "Suspended" in page.locator(f'tr[data-credential="{credential["id"]}"]').inner_text()
    shots(page, "after-csrf")


def test_wrong_api_key_is_refused(page: Page, live_server: LiveServer, shots: Any) -> None:
    partner = add_partner(live_server.settings)
    page.goto("/console/sign-in")
    for wrong in ("nansen_nobody_secret", partner.api_key + "x", "x" * 300):
        page.fill("#api_key", wrong)
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click("main button[type=submit]")
        assert answer.value.status == 401
        assert "This API key is not valid." in page.inner_text("main")
    shots(page, "wrong-key")
    page.goto("/console/credentials")
    assert page.url.endswith("/console/sign-in")


def test_another_partners_credentials_are_not_visible(
    browser: Browser, page: Page, live_server: LiveServer, shots: Any
) -> None:
    mine, theirs = add_partner(live_server.settings, "Mine"), add_partner(live_server.settings, "Theirs")
    their_credential = issue_document(live_server, theirs)
    my_credential = issue_document(live_server, mine)
    sign_in(page, mine)
    listed = [row.get_attribute("data-credential") for row in page.locator("tr[data-credential]").all()]
    assert listed == [my_credential["id"]]
    shots(page, "only-mine")
    for action in ("revoke", "suspend"):
        form = {
            "credential": their_credential["id"],
            "action": action,
            "confirm": "yes",
            "csrf": csrf_of(page),
        }
        refused = page.request.post("/console/credentials/status", form=form)
        assert refused.status == 404
    with browser.new_context(base_url=live_server.url) as other:
        their_page = other.new_page()
        sign_in(their_page, theirs)
        row = their_page.locator(f'tr[data-credential="{their_credential["id"]}"]')
        assert "Active" in row.inner_text()


def test_sign_out_ends_the_session(page: Page, live_server: LiveServer) -> None:
    partner = add_partner(live_server.settings)
    sign_in(page, partner)
    page.click("header >> text=Sign out")
    page.wait_for_url("**/console/sign-in")
    page.goto("/console/credentials")
    assert page.url.endswith("/console/sign-in")


def test_session_cookie_is_httponly_strict_and_signed(
    page: Page, context: BrowserContext, live_server: LiveServer
) -> None:
    partner = add_partner(live_server.settings)
    sign_in(page, partner)
    [cookie] = [c for c in context.cookies() if c["name"] == COOKIE]
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/console"
    assert partner.secret not in cookie["value"]
    context.add_cookies([{**cookie, "value": cookie["value"][:-2] + "xx"}])  # type: ignore[list-item]
    page.goto("/console/credentials")
    assert page.url.endswith("/console/sign-in")


def test_french(browser: Browser, live_server: LiveServer, shots: Any) -> None:
    partner = add_partner(live_server.settings)
    with browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-FR") as french:
        page = french.new_page()
        page.goto("/console/sign-in")
        assert page.inner_text("h1") == "Connexion"
        sign_in(page, partner)
        assert "Aucune attestation n'a encore été délivrée." in page.inner_text("main")
        shots(page, "fr")
        page.click("header >> text=English")
        assert page.inner_text("h1") == "Credentials issued"
        page.goto("/console/onboard")
        assert page.inner_text("h1") == "Onboard a person"


def test_catalogues_have_the_same_keys_and_every_key_the_pages_use() -> None:
    english = CATALOGUES.entries["en"]
    for lang in CATALOGUES.entries:
        assert CATALOGUES.gaps(lang) == [], lang
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\(["']([\w.]+)["']\)""", template.read_text()))
    assert used <= set(english), used - set(english)


def test_an_answer_too_large_for_one_qr_code_is_offered_as_a_file_only() -> None:
    facts = {name: secrets.token_urlsafe(375) for name in FACTS}  # 500 characters that do not compress
    assert wallet_qr({"credential": {"credentialSubject": {"identityDocument": facts}}}) is None
    assert wallet_qr({"credential": {"id": "urn:uuid:1"}}) is not None


def test_bad_did_and_bad_facts_are_shown_with_the_form(
    page: Page, live_server: LiveServer, store: CountingStore, shots: Any
) -> None:
    partner = add_partner(live_server.settings)
    sign_in(page, partner)
    page.goto("/console/onboard")
    page.fill("#holder", "did:web:someone.example")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("main button[type=submit]")
    assert answer.value.status == 422
    assert "did:key" in page.inner_text(".error")
    assert page.input_value("#holder") == "did:web:someone.example"
    shots(page, "bad-did")

    page.fill("#holder", HOLDER.controller)
    page.click("main button[type=submit]")
    page.set_input_files("#scan", {"name": "scan.png", "mimeType": "image/png", "buffer": png()})
    page.select_option("#documentType", "Passport")
    page.fill("#givenName", "Amina")
    page.fill("#checkMethod", "Original inspected")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("main button[type=submit]")
    assert answer.value.status == 422
    assert page.inner_text(".error") == "Something in the form is not valid; check it and send it again."
    assert "'documentNumber' is a required property" in page.inner_text(".detail")
    assert page.get_attribute(".detail", "lang") == "en"
    assert page.input_value("#givenName") == "Amina"
    shots(page, "bad-facts")
    assert store.puts == 0
