"""Values on every screen of the web wallet keep their own order in Arabic (right to left), in real
Chromium against the real `nansen wallet serve`: a wallet made by the command line's code, holding an
identity credential, is imported on an Arabic phone; the card's facts (a date, a document number, a
Latin name), the issuer's and the holder's DIDs, the account code and the backup's code are isolated
(<bdi>, or `unicode-bidi: isolate`), and the fields where a link, a code or a PIN is typed or pasted
are written left to right. Screenshots of each screen in the artefacts."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from nansen.proofs import ProofOptions, add_proof
from tests.helpers import ISSUED, PARTNER, identity_credential
from tests.webwallet.app_support import PASSPHRASE, WalletHost, new_phone, shots_for
from tests.webwallet.host_support import made_wallet
from wallet import Wallet
from wallet.state import HeldCredential

SLOW = 60_000
pytestmark = pytest.mark.timeout(300)

#: What an element showing a value is, in the page: a <bdi> or isolated by style, and its direction.
ISOLATION = """(selector) => [...document.querySelectorAll(selector)].map((element) => ({
  text: element.textContent,
  isolated: element.localName === "bdi" || getComputedStyle(element).unicodeBidi === "isolate",
  direction: getComputedStyle(element).direction,
}))"""
#: The direction a field is written in.
DIRECTION = "(selector) => getComputedStyle(document.querySelector(selector)).direction"


def values(page: Page, selector: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = page.evaluate(ISOLATION, selector)
    assert found, selector  # the screen shows the value at all
    return found


def isolated_ltr(page: Page, selector: str) -> None:
    """Every element ``selector`` finds is isolated and reads left to right (DIDs, codes)."""
    for value in values(page, selector):
        assert value["isolated"], (selector, value)
        assert value["direction"] == "ltr", (selector, value)


def test_values_are_isolated_on_every_screen_in_arabic(
    browser: Browser, app_host: WalletHost, tmp_path: Path
) -> None:
    shoot = shots_for("arabic-values")
    made = made_wallet(tmp_path / "cli", PASSPHRASE)
    with Wallet.open(made.directory, PASSPHRASE) as held:
        unsigned = identity_credential(PARTNER, held.identities.holder)
        credential = add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))
        held.state.credentials.append(HeldCredential(credential, "2026-12-07T00:00:00Z"))
        held.save()
    facts = credential["credentialSubject"]["identityDocument"]
    phone = new_phone(browser, app_host, locale="ar-SY")
    page = phone.page
    try:
        page.goto("/")
        page.wait_for_selector("#go-import")
        assert page.get_attribute("html", "dir") == "rtl"
        page.click("#go-import")
        page.set_input_files("#wallet-file", made.directory / "wallet")
        page.fill("#import-passphrase", PASSPHRASE)
        page.click("#import")
        page.wait_for_selector("#account-code", timeout=SLOW)
        isolated_ltr(page, "#account-code bdi")
        shoot(page, "account-code")
        page.click("#continue")

        # The card: every fact's value isolated, each in its own order (a date stays 1990-04-01).
        page.wait_for_selector("article.card", timeout=SLOW)
        shown = values(page, "article.card dd > *")
        assert all(value["isolated"] for value in shown), shown
        texts = [value["text"] for value in shown]
        for name in ("birthDate", "documentNumber", "givenName"):
            assert str(facts[name]) in texts, (name, texts)
        birth = next(value for value in shown if value["text"] == str(facts["birthDate"]))
        assert birth["direction"] == "ltr", birth
        assert page.locator("article.card dd").count() == len(shown)  # no value left bare
        isolated_ltr(page, "article.card .did")
        shoot(page, "card")

        page.click("article.card .present")
        page.wait_for_selector("#challenge")
        assert page.evaluate(DIRECTION, "#challenge") == "ltr"
        assert page.evaluate(DIRECTION, "#challenge-domain") == "ltr"
        shoot(page, "present")

        page.click("#go-did")
        page.wait_for_selector("#holder-did")
        isolated_ltr(page, "#holder-did bdi")
        shoot(page, "did")

        page.click("#go-receive")
        page.wait_for_selector("#offer")
        page.fill(
            "#offer", "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fpartner.example%2Fo%2F1"
        )
        assert page.evaluate(DIRECTION, "#offer") == "ltr"
        assert page.evaluate(DIRECTION, "#pin") == "ltr"
        shoot(page, "receive")

        page.click("#go-backup")
        page.fill("#backup-passphrase", PASSPHRASE)
        page.click("#backup")
        page.wait_for_selector("#backup-cid", timeout=SLOW)
        isolated_ltr(page, "#backup-cid bdi")
        shoot(page, "backup")
    finally:
        phone.context.close()

    # Before a wallet is open: the fields for an account code and a backup's code.
    phone = new_phone(browser, app_host, locale="ar-SY")
    page = phone.page
    try:
        page.goto("/")
        page.click("#go-sign-in")
        page.wait_for_selector("#account")
        assert page.evaluate(DIRECTION, "#account") == "ltr"
        shoot(page, "sign-in")
        page.goto("/")
        page.click("#go-recover")
        page.wait_for_selector("#backup-cid")
        assert page.evaluate(DIRECTION, "#backup-cid") == "ltr"
        page.click("#go-guardians")
        page.wait_for_selector("#share-1")
        assert page.evaluate(DIRECTION, "#backup-cid") == "ltr"
        assert page.evaluate(DIRECTION, "#share-1") == "ltr"
        shoot(page, "guardians")
    finally:
        phone.context.close()
