"""The cards tell the truth about validity, and the passphrase changes in the app. Chromium on a
phone's screen against `nansen wallet serve` and the partner's `nansen issuer serve` (HTTPS, its
status lists answering CORS for the host's origin), as `nansen demo` starts them:

- a credential received through the partner's offer, in both formats, is checked on the phone,
  status lists included: "Valid" with the time;
- offline after a reload, the result kept on the phone is shown with its date and as not fresh,
  never as "Valid"; the record in IndexedDB holds no result or identifier in clear;
- the partner revokes the credential through its API; online again, the reloaded app says revoked;
- the passphrase changed in Settings: the old one refused, the new one opens, the command line
  opens the host's copy with the new passphrase, the duress passphrase still signs in; a change
  made elsewhere meanwhile is shown as a conflict, nothing overwritten;
- axe-core finds nothing serious on the cards or the settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from nansen.demo.cast import Cast
from nansen.demo.roles import free_port
from nansen.demo.sample_scan import sample_scan
from tests.issuer.test_isolation import status_change
from tests.wallet.cli import run
from tests.webwallet.app_support import WalletHost, axe_violations, new_phone, shots_for, wallet_host
from tests.webwallet.host_support import b64u, login_key, unb64u
from wallet.container import FILE_NAME

PARTNER = "Harbour Legal Aid"
FACTS = {
    "givenName": "Amina",
    "familyName": "Haddad",
    "birthDate": "2004-03-17",
    "documentNumber": "P-2004-118833",
    "issuingCountry": "SY",
}
PASSPHRASE = "river stones at dawn"
NEW = "lanterns over the harbour"
DURESS = "a decoy for the coercer"
SLOW = 90_000
pytestmark = pytest.mark.timeout(600)
REFUSED = "p[role=alert].error:not([hidden])"


@dataclass
class World:
    cast: Cast
    host: WalletHost


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("cards")
    host_port = free_port()
    with Cast(root) as cast:
        cast.issuer_env["NANSEN_ISSUER_CORS_ORIGINS"] = f"http://127.0.0.1:{host_port}"
        cast.start_issuer(PARTNER)
        origins = f"https://localhost:{cast.issuer_port}"
        with wallet_host(root / "host", port=host_port, NANSEN_WALLET_HOST_CONNECT_ORIGINS=origins) as host:
            yield World(cast, host)


def create(page: Page, duress: str | None = None) -> str:
    """A new wallet made in the app; the account code it shows."""
    page.goto("/")
    page.click("#go-create")
    page.fill("#passphrase", PASSPHRASE)
    page.fill("#passphrase-again", PASSPHRASE)
    if duress:
        page.click("summary")
        page.fill("#duress", duress)
    page.click("#create")
    page.wait_for_selector("#account-code", timeout=SLOW)
    code = page.inner_text("#account-code")
    page.click("#continue")
    return code


def unlock(page: Page, passphrase: str) -> None:
    page.wait_for_selector("#unlock-passphrase", timeout=SLOW)
    page.fill("#unlock-passphrase", passphrase)
    page.press("#unlock-passphrase", "Enter")


def receive(page: Page, world: World) -> str:
    """The partner issues to this wallet's DID and offers it; the app takes it. The credential's id."""
    page.click("#go-did")
    holder = page.inner_text("#holder-did")
    form = {
        "holder": holder,
        "documentType": "Passport",
        "facts": json.dumps(FACTS),
        "checkMethod": "Original inspected under UV light.",
        "documentPresence": "Physical",
        "subjectPresence": "Physical",
    }
    issued = world.cast.issue_document(form, ("passport.png", sample_scan("PASSPORT", FACTS), "image/png"))
    offer = world.cast.partner.post("/openid4vci/offers", json={"credential": issued["credential"]})
    assert offer.status_code == 201, offer.text
    page.click("#go-receive")
    page.fill("#offer", offer.json()["credentialOffer"])
    page.fill("#pin", offer.json()["txCode"])
    page.click("#receive")
    page.wait_for_selector(f"article.card, {REFUSED}", timeout=SLOW)
    assert page.locator(REFUSED).count() == 0, page.inner_text(REFUSED)
    credential_id: str = issued["credential"]["id"]
    return credential_id


def no_serious_violation(page: Page, screen: str) -> None:
    found = axe_violations(page)
    assert found == [], (screen, found)


def kept_records(page: Page) -> list[bytes]:
    """The sealed check records this phone keeps in IndexedDB, as bytes."""
    records: list[list[int]] = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const opening = indexedDB.open("nansen-wallet");
            opening.onsuccess = () => {
                const read = opening.result.transaction("wallet").objectStore("wallet").get("checks");
                read.onsuccess = () => resolve(read.result ? read.result.map((r) => Array.from(r)) : []);
                read.onerror = () => reject(read.error);
            };
        })"""
    )
    return [bytes(record) for record in records]


def test_a_card_says_valid_then_its_kept_result_offline_then_revoked(browser: Browser, world: World) -> None:
    shoot = shots_for("cards-validity")
    phone = new_phone(browser, world.host, bypass_csp=True)
    page = phone.page
    try:
        create(page)
        credential_id = receive(page, world)
        cards = page.locator("article.card")
        expect(cards).to_have_count(2)
        expect(cards.nth(0).locator(".validity-valid")).to_contain_text(
            "Valid: signature, issuer and status checked", timeout=SLOW
        )
        expect(cards.nth(1).locator(".validity-valid")).to_contain_text("Valid: signature, issuer and status")
        shoot(page, "checked")
        no_serious_violation(page, "cards")

        # The record kept on the phone: three records of one size, nothing in clear.
        records = kept_records(page)
        assert len(records) == 3
        assert len({len(record) for record in records}) == 1
        for record in records:
            for clear in (b"valid", credential_id.encode(), b"result"):
                assert clear not in record

        # Offline: the result kept is shown with its date, as not fresh, never as "Valid".
        phone.context.set_offline(True)
        page.reload()
        unlock(page, PASSPHRASE)
        first = cards.nth(0).locator("p[class^=validity-]")
        expect(first).to_contain_text("Could not be checked", timeout=SLOW)
        expect(first).to_contain_text(": valid. Not checked since.")
        expect(first).to_have_class("validity-unknown")
        assert page.locator(".validity-valid").count() == 0
        shoot(page, "offline-kept")

        # The partner revokes it; online again, the reloaded app checks and says so, for both formats
        # (the SD-JWT VC's Token Status List is the same revocation bit).
        revoked = world.cast.partner.post("/credentials/status", json=status_change(credential_id))
        assert revoked.status_code == 200, revoked.text
        phone.context.set_offline(False)
        page.reload()
        unlock(page, PASSPHRASE)
        expect(first).to_contain_text("Revoked by the issuer", timeout=SLOW)
        expect(first).to_have_class("validity-invalid")
        expect(cards.nth(1).locator("p[class^=validity-]")).to_contain_text("Revoked by the issuer")
        shoot(page, "revoked")
        no_serious_violation(page, "cards-revoked")

        # Offline again: still revoked as last checked, never valid.
        phone.context.set_offline(True)
        page.reload()
        unlock(page, PASSPHRASE)
        expect(first).to_contain_text(": revoked. Not checked since.", timeout=SLOW)
        assert page.locator(".validity-valid").count() == 0
        phone.context.set_offline(False)

        # Forget everything: no record is left on the phone.
        page.click("#go-settings")
        page.click("#forget-all")
        page.click("#forget-all")
        page.wait_for_selector("#go-create", timeout=SLOW)
        assert kept_records(page) == []
    finally:
        phone.context.close()


def host_copy(world: World, code: str, passphrase: str) -> tuple[httpx.Response, bytes]:
    """Signs in to the host as a new device would (header, login key) and reads the wallet file."""
    with httpx.Client(base_url=world.host.url, trust_env=False, timeout=60) as http:
        header = unb64u(http.post("/api/header", json={"account": code}).json()["header"])
        signed = http.post(
            "/api/session", json={"account": code, "login": b64u(login_key(header, passphrase))}
        )
        if signed.status_code != 200:
            return signed, b""
        token = signed.json()["token"]
        return signed, http.get("/api/container", headers={"Authorization": f"Bearer {token}"}).content


def change(page: Page, current: str, new: str, again: str) -> None:
    page.fill("#old-passphrase", current)
    page.fill("#changed-passphrase", new)
    page.fill("#changed-passphrase-again", again)
    page.click("#change-passphrase")


def test_the_passphrase_changes_in_the_app(browser: Browser, world: World, tmp_path: Path) -> None:
    shoot = shots_for("change-passphrase")
    phone = new_phone(browser, world.host, bypass_csp=True)
    page = phone.page
    try:
        code = create(page, duress=DURESS)
        page.click("#go-settings")
        page.wait_for_selector("#change-passphrase")
        no_serious_violation(page, "settings")
        change(page, "not my passphrase", NEW, NEW)
        expect(page.locator(REFUSED)).to_have_text("This passphrase does not open the wallet.", timeout=SLOW)
        change(page, PASSPHRASE, NEW, NEW + " typo")
        expect(page.locator(REFUSED)).to_have_text("The two passphrases are not the same.")
        change(page, PASSPHRASE, DURESS, DURESS)  # it would open the decoy's slot
        expect(page.locator(REFUSED)).to_contain_text("Choose another passphrase", timeout=SLOW)
        shoot(page, "refused")
        change(page, PASSPHRASE, NEW, NEW)
        expect(page.locator("p[role=alert].notice")).to_have_text(
            "The passphrase is changed. Use the new one from now on.", timeout=SLOW
        )
        shoot(page, "changed")

        # The host: the new passphrase signs in, the old one no more, the duress one still.
        assert host_copy(world, code, PASSPHRASE)[0].status_code == 401
        assert host_copy(world, code, DURESS)[0].status_code == 200
        signed, data = host_copy(world, code, NEW)
        assert signed.status_code == 200
        directory = tmp_path / "cli"
        directory.mkdir(mode=0o700)
        (directory / FILE_NAME).write_bytes(data)
        assert run("did", "--wallet", str(directory), passphrase=NEW).exit_code == 0
        assert run("did", "--wallet", str(directory), passphrase=PASSPHRASE).exit_code != 0

        # On the phone: the old passphrase refused, the new one opens.
        page.click("#lock")
        unlock(page, PASSPHRASE)
        page.wait_for_selector("text=This passphrase does not open the wallet.", timeout=SLOW)
        page.fill("#unlock-passphrase", "")
        unlock(page, NEW)
        page.wait_for_selector("#go-settings", timeout=SLOW)

        # Changed elsewhere meanwhile (another device saved the file): a conflict, nothing overwritten.
        with httpx.Client(base_url=world.host.url, trust_env=False, timeout=60) as http:
            header = unb64u(http.post("/api/header", json={"account": code}).json()["header"])
            login = b64u(login_key(header, NEW))
            token = http.post("/api/session", json={"account": code, "login": login}).json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            stored = http.get("/api/container", headers=auth)
            saved = http.put(
                "/api/container",
                content=stored.content,
                headers={
                    **auth,
                    "Content-Type": "application/octet-stream",
                    "If-Match": stored.headers["ETag"],
                },
            )
            assert saved.status_code == 204
        page.click("#go-settings")
        change(page, NEW, "yet another passphrase", "yet another passphrase")
        expect(page.locator(REFUSED)).to_contain_text("changed on another device", timeout=SLOW)
        shoot(page, "conflict")
        assert host_copy(world, code, NEW)[0].status_code == 200
        assert host_copy(world, code, "yet another passphrase")[0].status_code == 401
    finally:
        phone.context.close()
