"""The web wallet app (wallet/web) in a real headless Chromium on a phone's screen, against the real
`nansen wallet serve` on loopback: create by keyboard only, the account code, the holder DID as a QR
code, lock and unlock, the duress passphrase opening the decoy, quick exit leaving no history entry
and no secret in the page, a wallet made by `nansen wallet init` imported, a "new phone" opening the
wallet from the account code, Arabic laid out right to left, axe-core on every screen, and no
request to any origin but the host's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno
from playwright.sync_api import Browser, Page, Playwright, expect

from nansen.qr import decode_image
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.webwallet.app_support import (
    DURESS,
    NEUTRAL,
    PASSPHRASE,
    Phone,
    WalletHost,
    axe_violations,
    camera_video,
    keyboard_type,
    new_phone,
    shots_for,
    tab_to,
    unlock,
    wallet_host,
)
from tests.webwallet.host_support import made_wallet
from wallet.wallet import Wallet

#: How long Argon2id (``interactive``, 64 MiB) in wasm may take on a busy shared machine.
SLOW = 60_000
pytestmark = pytest.mark.timeout(300)


def create_by_keyboard(page: Page, passphrase: str, duress: str | None = None) -> str:
    """Creates a wallet with the keyboard only; the account code it shows."""
    page.goto("/")
    page.wait_for_selector("#go-create")
    tab_to(page, "#go-create")
    page.keyboard.press("Enter")
    page.wait_for_selector("#passphrase")
    tab_to(page, "#passphrase")
    keyboard_type(page, passphrase)
    page.keyboard.press("Tab")
    keyboard_type(page, passphrase)
    if duress:
        tab_to(page, "summary")
        page.keyboard.press("Enter")
        tab_to(page, "#duress")
        keyboard_type(page, duress)
    page.keyboard.press("Enter")
    page.wait_for_selector("#account-code", timeout=SLOW)
    return page.inner_text("#account-code")


def test_create_by_keyboard_show_the_did_lock_and_unlock(browser: Browser, app_host: WalletHost) -> None:
    shoot = shots_for("create-unlock")
    phone = new_phone(browser, app_host)
    page = phone.page
    try:
        code = create_by_keyboard(page, PASSPHRASE)
        assert re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{1,4})+", code), code
        shoot(page, "account-code")
        page.click("#continue")
        page.wait_for_selector("#no-credentials")
        shoot(page, "home-empty")
        page.click("#go-did")
        page.wait_for_selector("#did-qr")
        holder = page.inner_text("#holder-did")
        assert holder.startswith("did:key:z6Mk")
        assert decode_image(page.locator("#did-qr").screenshot()) == holder
        # One pixel a module (the stylesheet enlarges it), at the version Python draws a DID at.
        drawn = segno.make_qr(holder, error="m", mode="byte").symbol_size(border=4)[0]
        assert page.eval_on_selector("#did-qr", "canvas => [canvas.width, canvas.height]") == [drawn, drawn]
        # No card, so nothing to present: the present code's warm-up did not run.
        assert page.evaluate("performance.getEntriesByName('nansen:warm-up').length") == 0
        shoot(page, "did")
        page.click("#lock")
        unlock(page, "not the passphrase at all")
        page.wait_for_selector("text=This passphrase does not open the wallet.", timeout=SLOW)
        shoot(page, "unlock-wrong")
        page.fill("#unlock-passphrase", "")
        unlock(page, PASSPHRASE)
        page.wait_for_selector("#no-credentials", timeout=SLOW)
        page.click("#go-did")
        page.wait_for_selector("#holder-did")
        assert page.inner_text("#holder-did") == holder
        assert phone.origins() == {app_host.url}
        assert not [line for line in phone.console if "Content Security Policy" in line], phone.console
    finally:
        phone.context.close()


def holder_did(page: Page) -> str:
    page.click("#go-did")
    page.wait_for_selector("#holder-did")
    return page.inner_text("#holder-did")


def test_the_duress_passphrase_opens_the_decoy(browser: Browser, app_host: WalletHost) -> None:
    shoot = shots_for("duress")
    phone = new_phone(browser, app_host)
    page = phone.page
    try:
        create_by_keyboard(page, PASSPHRASE, DURESS)
        page.click("#continue")
        real = holder_did(page)
        page.click("#lock")
        unlock(page, DURESS)
        page.wait_for_selector("#no-credentials", timeout=SLOW)
        shoot(page, "decoy-home")
        decoy = holder_did(page)
        assert decoy.startswith("did:key:z6Mk")
        assert decoy != real
        page.click("#lock")
        unlock(page, PASSPHRASE)
        page.wait_for_selector("#go-did", timeout=SLOW)
        assert holder_did(page) == real
        # A second phone signs in to the same account with the duress passphrase: the decoy again.
        other = new_phone(browser, app_host)
        try:
            code = account_code_of(phone)
            sign_in_here(other.page, code, DURESS)
            assert holder_did(other.page) == decoy
        finally:
            other.context.close()
    finally:
        phone.context.close()


def account_code_of(phone: Phone) -> str:
    """The account this phone keeps (IndexedDB), as the person wrote it down."""
    account: str = phone.page.evaluate(
        """() => new Promise((resolve, reject) => {
            const opening = indexedDB.open("nansen-wallet");
            opening.onsuccess = () => {
                const read = opening.result.transaction("wallet").objectStore("wallet").get("current");
                read.onsuccess = () => resolve(read.result.account);
                read.onerror = () => reject(read.error);
            };
        })"""
    )
    return account


def sign_in_here(page: Page, code: str, passphrase: str) -> None:
    page.goto("/")
    page.click("#go-sign-in")
    page.fill("#account", code.upper().replace("-", " "))
    page.fill("#sign-in-passphrase", passphrase)
    page.click("#sign-in")
    page.wait_for_selector("#go-did", timeout=SLOW)


def test_a_new_phone_opens_the_wallet_from_the_account_code(browser: Browser, app_host: WalletHost) -> None:
    shoot = shots_for("new-phone")
    first = new_phone(browser, app_host)
    second = new_phone(browser, app_host)
    try:
        code = create_by_keyboard(first.page, PASSPHRASE)
        first.page.click("#continue")
        holder = holder_did(first.page)
        second.page.goto("/")
        second.page.click("#go-sign-in")
        second.page.fill("#account", code)
        second.page.fill("#sign-in-passphrase", "a wrong passphrase here")
        second.page.click("#sign-in")
        second.page.wait_for_selector("text=The account code or the passphrase is not right.", timeout=SLOW)
        shoot(second.page, "wrong-passphrase")
        sign_in_here(second.page, code, PASSPHRASE)
        shoot(second.page, "opened")
        assert holder_did(second.page) == holder
        # It is kept on the new phone too: after a reload, the unlock screen, no network needed.
        second.context.set_offline(True)
        second.page.reload()
        unlock(second.page, PASSPHRASE)
        page = second.page
        page.wait_for_selector("text=No network: you see the copy kept on this phone.", timeout=SLOW)
        assert holder_did(page) == holder
        assert second.origins() == {app_host.url}
    finally:
        first.context.close()
        second.context.close()


def test_a_wallet_made_by_the_command_line_is_imported(
    browser: Browser, app_host: WalletHost, tmp_path: Path
) -> None:
    shoot = shots_for("import")
    made = made_wallet(tmp_path / "cli-wallet", PASSPHRASE)
    with Wallet.open(made.directory, PASSPHRASE) as held:
        expected = held.did
    phone = new_phone(browser, app_host)
    page = phone.page
    try:
        page.goto("/")
        page.click("#go-import")
        page.set_input_files("#wallet-file", made.directory / "wallet")
        page.fill("#import-passphrase", PASSPHRASE)
        shoot(page, "import")
        page.click("#import")
        page.wait_for_selector("#account-code", timeout=SLOW)
        page.click("#continue")
        assert holder_did(page) == expected
        shoot(page, "imported-did")
    finally:
        phone.context.close()


def test_quick_exit_leaves_no_history_entry_and_no_secret(browser: Browser, app_host: WalletHost) -> None:
    phone = new_phone(browser, app_host)
    page = phone.page
    try:
        create_by_keyboard(page, PASSPHRASE)
        page.click("#continue")
        holder = holder_did(page)
        for leave in ("Escape", "button"):
            page.goto("about:blank")
            page.goto("/")
            unlock(page, PASSPHRASE)
            page.wait_for_selector("#go-did", timeout=SLOW)
            before = page.evaluate("history.length")
            if leave == "Escape":
                page.keyboard.press("Escape")
            else:
                page.click("#quick-exit")
            page.wait_for_url(NEUTRAL)
            assert page.evaluate("history.length") == before
            content = page.content()
            assert holder not in content
            assert PASSPHRASE not in content
            page.go_back()
            assert page.url == "about:blank", page.url
    finally:
        phone.context.close()


#: Chromium's default text sizes, and twice them: a person's "text size 200%" (WCAG 2.2, 1.4.4).
TEXT_SIZE = {"standard": 16, "fixed": 13}
LARGE_TEXT = {name: size * 2 for name, size in TEXT_SIZE.items()}


def no_serious_violation(page: Page, screen: str) -> None:
    """axe-core finds nothing serious or critical, and with text at 200% nothing overflows sideways."""
    found = axe_violations(page)
    assert found == [], (screen, found)
    devtools = page.context.new_cdp_session(page)
    devtools.send("Page.setFontSizes", {"fontSizes": LARGE_TEXT})
    try:
        root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert root == LARGE_TEXT["standard"], screen
        widths = page.evaluate(
            "() => [document.querySelector('main').scrollWidth, document.querySelector('main').clientWidth,"
            " document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (screen, widths)
        assert widths[2] <= widths[3], (screen, widths)
    finally:
        devtools.send("Page.setFontSizes", {"fontSizes": TEXT_SIZE})
        devtools.detach()


def test_arabic_is_right_to_left_and_axe_finds_nothing_serious_on_any_screen(
    browser: Browser, app_host: WalletHost
) -> None:
    """Every screen in Arabic (chosen from the browser's language), then switched to French on the
    page; axe-core on each, and text at 200% (the context bypasses the CSP only so that axe-core can
    be injected)."""
    shoot = shots_for("arabic-axe")
    phone = new_phone(browser, app_host, bypass_csp=True, locale="ar-SY")
    page = phone.page
    try:
        page.goto("/")
        page.wait_for_selector("#go-create")
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.get_attribute("html", "lang") == "ar"
        assert page.inner_text("#quick-exit") == "خروج سريع"
        before_screens = [
            ("welcome", None),
            ("sign-in", "#go-sign-in"),
            ("recover", "#go-recover"),
            ("import", "#go-import"),
        ]
        for screen, button in before_screens:
            page.goto("/")
            page.wait_for_selector("#go-create")
            if button:
                page.click(button)
                page.wait_for_selector("form")
            shoot(page, screen)
            no_serious_violation(page, screen)
        page.goto("/")
        page.click("#go-recover")
        page.click("#go-guardians")
        page.wait_for_selector("#share-1")
        page.locator("#share-1").press_sequentially("academic zzz ")
        page.wait_for_selector("#share-1[aria-invalid=true]")
        shoot(page, "guardians")
        no_serious_violation(page, "guardians")
        page.goto("/")
        page.click("#go-create")
        page.wait_for_selector("#passphrase")
        shoot(page, "create")
        no_serious_violation(page, "create")
        page.fill("#passphrase", PASSPHRASE)
        page.fill("#passphrase-again", "something else entirely")
        page.click("#create")
        page.wait_for_selector("p[role=alert].error:not([hidden])")
        no_serious_violation(page, "create-refused")
        page.fill("#passphrase-again", PASSPHRASE)
        page.click("#create")
        page.wait_for_selector("#account-code", timeout=SLOW)
        assert (
            page.evaluate("getComputedStyle(document.querySelector('#account-code bdi')).direction") == "ltr"
        )
        shoot(page, "account-code")
        no_serious_violation(page, "account-code")
        page.click("#continue")
        for screen, button in [
            ("home", "#go-home"),
            ("did", "#go-did"),
            ("receive", "#go-receive"),
            ("backup", "#go-backup"),
            ("settings", "#go-settings"),
        ]:
            page.click(button)
            page.wait_for_selector("h1")
            page.wait_for_timeout(200)
            shoot(page, screen)
            no_serious_violation(page, screen)
        page.click("#lock")
        page.wait_for_selector("#unlock-passphrase")
        shoot(page, "unlock")
        no_serious_violation(page, "unlock")

        page.select_option("#language", "fr")
        page.wait_for_function("document.documentElement.lang === 'fr'")
        assert page.get_attribute("html", "dir") == "ltr"
        assert page.inner_text("h1") == "Déverrouiller votre portefeuille"
        assert page.inner_text("#quick-exit") == "Sortie rapide"
        no_serious_violation(page, "unlock-fr")
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits
    finally:
        phone.context.close()


def test_two_phones_changing_the_wallet_get_a_conflict_never_an_overwrite(
    browser: Browser, app_host: WalletHost
) -> None:
    """Phone A and phone B open the same account; A sets a duress passphrase (the file and the
    verifiers change, B's sign-in ends); B then changes its older copy: the host refuses it, B says
    so, and at its next unlock B says the wallet changed elsewhere instead of sending its copy. The
    host kept A's version: A's duress passphrase opens the decoy on a third phone, B's does not."""
    shoot = shots_for("conflict")
    first = new_phone(browser, app_host)
    second = new_phone(browser, app_host)
    third = new_phone(browser, app_host)
    try:
        code = create_by_keyboard(first.page, PASSPHRASE)
        first.page.click("#continue")
        sign_in_here(second.page, code, PASSPHRASE)

        first.page.click("#go-settings")
        first.page.fill("#new-duress", DURESS)
        first.page.click("#add-duress")
        first.page.wait_for_selector("text=The duress passphrase is set.", timeout=SLOW)

        second.page.click("#go-settings")
        second.page.fill("#new-duress", "another decoy passphrase")
        second.page.click("#add-duress")
        second.page.wait_for_selector("text=Your session ended: lock and unlock again.", timeout=SLOW)
        shoot(second.page, "session-ended")
        second.page.click("#lock")
        unlock(second.page, PASSPHRASE)
        second.page.wait_for_selector("text=The wallet was changed on another device.", timeout=SLOW)
        shoot(second.page, "conflict")
        uploads = [r for r in second.requests if r.method == "PUT" and r.url.endswith("/api/container")]
        assert len(uploads) == 1  # the refused one; none after the conflict was seen

        third.page.goto("/")
        third.page.click("#go-sign-in")
        third.page.fill("#account", code)
        third.page.fill("#sign-in-passphrase", "another decoy passphrase")
        third.page.click("#sign-in")
        third.page.wait_for_selector("text=The account code or the passphrase is not right.", timeout=SLOW)
        sign_in_here(third.page, code, DURESS)
        assert third.page.locator("#no-credentials").count() == 1
    finally:
        for phone in (first, second, third):
            phone.context.close()


def test_the_wallet_locks_after_the_idle_time_and_when_hidden(browser: Browser, tmp_path: Path) -> None:
    """The host's idle time (3 s here) locks the wallet: the unlock screen, nothing of the wallet
    left in the page. Hiding the page locks it too (Chromium headless keeps pages visible, so the
    test sets ``document.visibilityState`` and sends the event the browser would send)."""
    with wallet_host(tmp_path / "host", NANSEN_WALLET_HOST_IDLE_LOCK_SECONDS="3") as quick:
        phone = new_phone(browser, quick)
        page = phone.page
        try:
            create_by_keyboard(page, PASSPHRASE)
            page.click("#continue")
            holder = holder_did(page)
            page.wait_for_selector("#unlock-passphrase", timeout=20_000)
            assert holder not in page.content()
            unlock(page, PASSPHRASE)
            page.wait_for_selector("#go-did", timeout=SLOW)
            page.evaluate(
                """() => {
                    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
                    document.dispatchEvent(new Event("visibilitychange"));
                }"""
            )
            page.wait_for_selector("#unlock-passphrase", timeout=2_000)
        finally:
            phone.context.close()


def test_the_camera_reads_a_qr_code_in_the_page(
    playwright: Playwright, app_host: WalletHost, tmp_path: Path
) -> None:
    """Receive's "Scan with the camera": Chromium's fake camera shows an offer's QR code, the page
    decodes it (zxing-wasm, served by the host) and fills the offer in."""
    offer = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fpartner.example%2Foffers%2F42"
    video = camera_video(offer, tmp_path / "camera.y4m")
    camera = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=camera)
    try:
        phone = new_phone(launched, app_host)
        phone.context.grant_permissions(["camera"], origin=app_host.url)
        page = phone.page
        create_by_keyboard(page, PASSPHRASE)
        page.click("#continue")
        page.click("#go-receive")
        page.click("#scan-offer")
        expect(page.locator("#offer")).to_have_value(offer, timeout=SLOW)
        assert page.locator("video").is_hidden()  # the camera is off again
        assert phone.origins() == {app_host.url}
    finally:
        launched.close()
