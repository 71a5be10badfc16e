"""Unlock with a passkey (issue #14: WebAuthn PRF, a second slot key, never the only one), in real
Chromium with its virtual authenticator (DevTools' WebAuthn domain: a platform authenticator with
user verification and the PRF extension), against the real `nansen wallet serve`.

The page is opened at ``localhost`` rather than ``127.0.0.1``: WebAuthn refuses an IP address as the
relying party's id. The only stand-in is the authenticator itself, which cannot run here otherwise."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, CDPSession, Page

from nansen.verify import Verifier
from tests.wallet.issuing import credential
from tests.webwallet.app_support import (
    DURESS,
    PASSPHRASE,
    WEB,
    Phone,
    WalletHost,
    axe_violations,
    new_phone,
    shots_for,
)
from tests.webwallet.host_support import made_wallet
from wallet.receive import Issuance
from wallet.wallet import Wallet

SLOW = 60_000
ENGLISH: dict[str, str] = json.loads((WEB / "messages" / "en.json").read_text(encoding="utf-8"))
pytestmark = pytest.mark.timeout(300)

#: A platform passkey with the PRF extension (hmac-secret), as a phone's screen lock offers.
AUTHENTICATOR = {
    "protocol": "ctap2",
    "ctap2Version": "ctap2_1",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "hasPrf": True,
    "automaticPresenceSimulation": True,
}

#: Copies every PRF output the page receives (before the app wipes its own copy), so the test can
#: look for it in what the host received. Observes only: the page gets the same answers.
KEEP_PRF_OUTPUTS = """
(() => {
  window.prfSeen = [];
  const keep = (credential) => {
    const first = credential?.getClientExtensionResults?.().prf?.results?.first;
    if (first) window.prfSeen.push(Array.from(new Uint8Array(first.slice(0))));
    return credential;
  };
  const create = navigator.credentials.create.bind(navigator.credentials);
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.create = (options) => create(options).then(keep);
  navigator.credentials.get = (options) => get(options).then(keep);
})();
"""

#: This device's passkey record in IndexedDB (src/ui/device.js), bytes as lists, or null.
PASSKEY_RECORD = """
() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("nansen-wallet", 1);
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const request = opening.result.transaction("wallet").objectStore("wallet").get("passkey");
    request.onsuccess = () => {
      const r = request.result;
      opening.result.close();
      resolve(r ? {credentialId: Array.from(r.credentialId), salt: Array.from(r.salt), wrapped: Array.from(r.wrapped)} : null);
    };
  };
})
"""


@pytest.fixture(scope="module")
def app_host(app_host: WalletHost) -> WalletHost:
    """The module's host (conftest.py) at ``localhost``: WebAuthn refuses an IP address as the relying
    party's id."""
    return WalletHost(app_host.url.replace("127.0.0.1", "localhost"), app_host.data)


def authenticator(page: Page) -> tuple[CDPSession, str]:
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable", {"enableUI": False})
    added = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return devtools, added["authenticatorId"]


def wallet_with_a_passport(directory: Path) -> str:
    """A wallet made by the command line holding one passport credential; its holder DID."""
    made_wallet(directory, PASSPHRASE)
    with Wallet.open(directory, PASSPHRASE) as held:
        held.receive(Issuance.from_json({"credential": credential(held.did), "sealedKeys": []}), Verifier())
        return held.did


def import_wallet(page: Page, directory: Path) -> str:
    """Imports the command line's wallet file; the account code the host gave."""
    page.goto("/")
    page.click("#go-import")
    page.set_input_files("#wallet-file", directory / "wallet")
    page.fill("#import-passphrase", PASSPHRASE)
    page.click("#import")
    page.wait_for_selector("#account-code", timeout=SLOW)
    code = page.inner_text("#account-code")
    page.click("#continue")
    page.wait_for_selector("article.card", timeout=SLOW)
    return code


def set_up_passkey(page: Page) -> None:
    page.click("#go-settings")
    page.click("#passkey-set-up", timeout=SLOW)
    page.wait_for_selector("text=The passkey is set up.", timeout=SLOW)


def record(page: Page) -> dict[str, list[int]] | None:
    found: dict[str, list[int]] | None = page.evaluate(PASSKEY_RECORD)
    return found


def forms_of(secret: bytes) -> list[bytes]:
    """The ways a request could carry these bytes: raw, hex, base64 and base64url."""
    return [
        secret,
        secret.hex().encode(),
        base64.b64encode(secret).rstrip(b"="),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ]


def carried(phone: Phone, secrets: list[bytes]) -> list[str]:
    return [
        r.url
        for r in phone.requests
        for secret in secrets
        for form in forms_of(secret)
        if form in r.body or form.decode("latin-1") in r.url
    ]


def unlock_with_passkey(page: Page) -> None:
    page.click("#use-passkey", timeout=SLOW)


def test_a_passkey_unlocks_the_slot_it_was_set_up_from_and_never_reaches_the_host(
    browser: Browser, app_host: WalletHost, tmp_path: Path
) -> None:
    shoot = shots_for("passkey")
    wallet_with_a_passport(tmp_path / "cli-wallet")
    phone = new_phone(browser, app_host)
    page = phone.page
    page.add_init_script(KEEP_PRF_OUTPUTS)
    devtools, first = authenticator(page)
    try:
        import_wallet(page, tmp_path / "cli-wallet")
        assert record(page) is None
        set_up_passkey(page)
        shoot(page, "settings-passkey-set-up")
        kept = record(page)
        assert kept is not None
        assert len(kept["salt"]) == 32
        assert len(kept["wrapped"]) == 24 + 32 + 16

        # Locked, the passkey opens the wallet: no passphrase typed, the card is there.
        page.click("#lock")
        page.wait_for_selector("#use-passkey")
        shoot(page, "unlock-use-passkey")
        # The slot key it unwraps is the passphrase's: it also signs in to the host (login key).
        with page.expect_request("**/api/session", timeout=SLOW):
            unlock_with_passkey(page)
        page.wait_for_selector("article.card", timeout=SLOW)
        assert "N0123456" in page.inner_text("article.card")
        shoot(page, "unlocked-by-passkey")

        # Nothing of the passkey ever reached the host: no wrapped key, salt, credential id or PRF output.
        outputs: list[list[int]] = page.evaluate("window.prfSeen")
        assert outputs, "the page never received a PRF output"
        secrets = [bytes(kept[name]) for name in ("wrapped", "salt", "credentialId")] + [
            bytes(o) for o in outputs
        ]
        assert carried(phone, secrets) == []
        assert phone.origins() == {app_host.url}
        assert not [line for line in phone.console if "Content Security Policy" in line], phone.console

        # Without the authenticator, the stored record opens nothing, cleanly; the passphrase still does.
        page.click("#lock")
        devtools.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
        devtools.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
        assert record(page) == kept
        unlock_with_passkey(page)
        page.wait_for_selector("p.error[role=alert]:not([hidden])", timeout=SLOW)
        message = page.inner_text("p.error[role=alert]")
        assert message == ENGLISH["passkey.refused"], message
        assert page.locator("article.card").count() == 0
        shoot(page, "passkey-fails-without-authenticator")
        page.fill("#unlock-passphrase", PASSPHRASE)
        page.click("#unlock")
        page.wait_for_selector("article.card", timeout=SLOW)

        # A duress passphrase changes what the passphrases open: the record goes.
        page.click("#go-settings")
        page.fill("#new-duress", DURESS)
        page.click("#add-duress")
        page.wait_for_selector("text=The duress passphrase is set.", timeout=SLOW)
        assert record(page) is None

        # Set up from the decoy, the passkey opens the decoy (what a coercer gets), never the real wallet.
        page.click("#lock")
        page.wait_for_selector("#unlock-passphrase")
        page.fill("#unlock-passphrase", DURESS)
        page.click("#unlock")
        page.wait_for_selector("#no-credentials", timeout=SLOW)
        set_up_passkey(page)
        page.click("#lock")
        unlock_with_passkey(page)
        page.wait_for_selector("#no-credentials", timeout=SLOW)
        assert page.locator("article.card").count() == 0

        # Settings removes it; set up again, forgetting everything removes it with the wallet.
        page.click("#go-settings")
        page.click("#passkey-remove", timeout=SLOW)
        page.wait_for_selector("text=The passkey no longer opens the wallet.")
        assert record(page) is None
        # A passphrase changed in Settings changes the slot key the record wraps: the record goes.
        set_up_passkey(page)
        assert record(page) is not None
        page.click("#go-settings")
        page.fill("#old-passphrase", DURESS)
        page.fill("#changed-passphrase", "another passphrase for the decoy")
        page.fill("#changed-passphrase-again", "another passphrase for the decoy")
        page.click("#change-passphrase")
        page.wait_for_selector("text=The passphrase is changed. Use the new one from now on.", timeout=SLOW)
        assert record(page) is None
        set_up_passkey(page)
        assert record(page) is not None
        page.click("#go-settings")
        page.click("#forget-all")
        page.click("#forget-all")
        page.wait_for_selector("#go-create", timeout=SLOW)
        assert record(page) is None
    finally:
        phone.context.close()


def test_the_passkey_parts_of_the_screens_have_no_serious_axe_violation(
    browser: Browser, app_host: WalletHost, tmp_path: Path
) -> None:
    """axe-core on Settings' passkey section and the unlock screen's button (the context bypasses the
    CSP only so that axe-core can be injected), in English and in Arabic (right to left)."""
    shoot = shots_for("passkey-axe")
    wallet_with_a_passport(tmp_path / "cli-wallet")
    for locale in ("en-GB", "ar"):
        phone = new_phone(browser, app_host, bypass_csp=True, locale=locale)
        page = phone.page
        authenticator(page)
        try:
            import_wallet(page, tmp_path / "cli-wallet")
            page.click("#go-settings")
            page.wait_for_selector("#passkey-set-up", timeout=SLOW)
            found: list[Any] = axe_violations(page)
            assert found == [], (locale, "settings", found)
            page.click("#passkey-set-up")
            page.wait_for_selector("#passkey-settings p.notice", timeout=SLOW)
            page.wait_for_function("() => document.querySelector('#passkey-set-up').hidden", timeout=SLOW)
            shoot(page, f"{locale}-settings")
            page.click("#lock")
            page.wait_for_selector("#use-passkey")
            assert axe_violations(page) == [], (locale, "unlock")
            shoot(page, f"{locale}-unlock")
        finally:
            phone.context.close()


def test_a_passkey_unlock_takes_the_newer_copy_another_phone_made(
    browser: Browser, app_host: WalletHost, tmp_path: Path
) -> None:
    """Phone B unlocks with its passkey after phone A changed the wallet (a duress passphrase): the
    unwrapped slot key signs in and opens the host's newer copy, as the passphrase would."""
    wallet_with_a_passport(tmp_path / "cli-wallet")
    first = new_phone(browser, app_host)
    second = new_phone(browser, app_host)
    authenticator(second.page)
    try:
        code = import_wallet(first.page, tmp_path / "cli-wallet")
        second.page.goto("/")
        second.page.click("#go-sign-in")
        second.page.fill("#account", code)
        second.page.fill("#sign-in-passphrase", PASSPHRASE)
        second.page.click("#sign-in")
        second.page.wait_for_selector("article.card", timeout=SLOW)
        set_up_passkey(second.page)
        second.page.click("#lock")

        first.page.click("#go-settings")
        first.page.fill("#new-duress", DURESS)
        first.page.click("#add-duress")
        first.page.wait_for_selector("text=The duress passphrase is set.", timeout=SLOW)

        unlock_with_passkey(second.page)
        second.page.wait_for_selector(f"text={ENGLISH['unlock.updated']}", timeout=SLOW)
        assert "N0123456" in second.page.inner_text("article.card")
        second.page.click("#lock")
        second.page.fill("#unlock-passphrase", DURESS)
        second.page.click("#unlock")
        second.page.wait_for_selector("#no-credentials", timeout=SLOW)
    finally:
        first.context.close()
        second.context.close()
