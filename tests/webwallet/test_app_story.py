"""The survivor's story in the web wallet, against the real services on loopback, each in a process
of its own as `nansen demo` starts them: the partner's `nansen issuer serve` (HTTPS, the run's own
CA), the shelter's `nansen verifier serve` (trusting the partner through a signed trust list), and
`nansen wallet serve`. Chromium on a phone's screen:

- a wallet made and filled by the command line (`nansen wallet init`, `receive`) is imported, its
  credential shown as a card with translated labels; presented against the shelter's challenge; the
  QR code read from the screen and scanned by the verifier: VALID; shown again: NOT VALID (spent);
- offline (Chromium's offline mode after the app was loaded once): the wallet unlocks from the
  device's copy and presents one way; the verifier says VALID;
- a wallet made in the app receives through the partner's OpenID4VCI offer and PIN (a wrong PIN
  refused; both formats kept, each verified in the browser), presents the Data Integrity credential
  (VALID) and the SD-JWT VC with only the given name disclosed (VALID; the other facts absent);
- a backup to the host, then recovery on a new phone from the backup's code and the passphrase;
- every request the pages made went to the host, or to the issuer (the cards' check: its DID
  document and status lists, and the offer while receiving), and no request body the host
  received holds the passphrase, the holder's DID, the credential's JSON or any of its facts.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from nansen import qr, trust
from nansen.demo.cast import Cast
from nansen.demo.roles import free_port
from nansen.demo.sample_scan import sample_scan
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair
from nansen.qr.challenge import new_code
from nansen.qr.sdjwt import decode_sd_jwt, is_sd_jwt
from nansen.timeutil import now
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.webwallet.app_support import (
    Phone,
    WalletHost,
    axe_violations,
    camera_video,
    new_phone,
    shots_for,
    tab_to,
    unlock,
    wallet_host,
)
from verifier import replay
from verifier.models import Challenge

PARTNER = "Harbour Legal Aid"
FACTS = {
    "givenName": "Amina",
    "familyName": "Haddad",
    "birthDate": "2004-03-17",
    "birthPlace": "Aleppo",
    "documentNumber": "BC-2004-118833",
    "issuingCountry": "SY",
}
SLOW = 90_000
#: Three services started, Argon2id in wasm a few times, on a shared machine.
pytestmark = pytest.mark.timeout(600)
#: A screen's refusal (its alert box once it shows a problem, not progress).
REFUSED = "p[role=alert].error:not([hidden])"


@dataclass
class World:
    cast: Cast
    host: WalletHost
    cli_wallet: Path
    passphrase: str
    holder: str
    credential: dict[str, Any]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("story")
    host_port = free_port()
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
        cast.start_verifier(trust_list, governance.controller)
        phone = root / "cli-wallet"
        cast.wallet(phone, ["init", "--no-recovery"])
        picture = root / "did.png"
        cast.wallet(phone, ["did", "--qr", str(picture)])
        holder = qr.decode_image(picture)
        form = {
            "holder": holder,
            "documentType": "BirthCertificate",
            "facts": json.dumps(FACTS),
            "checkMethod": "Original inspected under UV light.",
            "documentPresence": "Physical",
            "subjectPresence": "Physical",
        }
        issued = cast.issue_document(
            form, ("birth-certificate.png", sample_scan("BIRTH CERTIFICATE", FACTS), "image/png")
        )
        (root / "response.json").write_text(json.dumps(issued), encoding="utf-8")
        cast.wallet(phone, ["receive", str(root / "response.json")])
        origins = f"https://localhost:{cast.issuer_port}"
        with wallet_host(root / "host", port=host_port, NANSEN_WALLET_HOST_CONNECT_ORIGINS=origins) as host:
            yield World(
                cast, host, phone, cast.wallet_env["NANSEN_WALLET_PASSPHRASE"], holder, issued["credential"]
            )


def b64decode_url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def import_cli_wallet(page: Page, world: World) -> None:
    page.goto("/")
    page.click("#go-import")
    page.set_input_files("#wallet-file", world.cli_wallet / "wallet")
    page.fill("#import-passphrase", world.passphrase)
    page.click("#import")
    page.wait_for_selector("#account-code", timeout=SLOW)
    page.click("#continue")
    page.wait_for_selector("article.card", timeout=SLOW)


def shown_code(page: Page, picture: Path) -> str:
    """The text of the presentation's QR code on screen, its picture saved. The canvas holds one pixel
    a module (the stylesheet enlarges it), at the version Python draws the text at (alphanumeric,
    level M, never boosted), with a quiet zone of 4 modules."""
    picture.write_bytes(page.locator("#presentation-qr").screenshot())
    text = qr.decode_image(picture)
    drawn = 17 + 4 * qr.qr_version(text) + 2 * 4
    size = page.eval_on_selector("#presentation-qr", "canvas => [canvas.width, canvas.height]")
    assert size == [drawn, drawn]
    return text


def present(page: Page, challenge: dict[str, Any] | None, picture: Path) -> str:
    """Presents the first card (bound to ``challenge`` if given); the QR code's picture and text."""
    page.click("article.card button.present")
    page.wait_for_selector("#challenge")
    page.fill("#challenge", json.dumps(challenge) if challenge else "")
    page.click("#sign")
    page.wait_for_selector("#presentation-qr", timeout=SLOW)
    return shown_code(page, picture)


def verdict(world: World, picture: Path, challenge: dict[str, Any] | None) -> str:
    if challenge is None:
        answer = world.cast.shelter.post(
            "/scan", files={"image": (picture.name, picture.read_bytes(), "image/png")}
        )
    else:
        answer = world.cast.scan(picture, challenge)
    report = answer.json()
    assert "verdict" in report, report
    return str(report["verdict"])


def host_bodies(phone: Phone, world: World) -> bytes:
    return b"\n".join(r.body for r in phone.requests if r.url.startswith(world.host.url))


def assert_host_saw_nothing_in_clear(phone: Phone, world: World) -> None:
    """Every request body the host received (recorded in the browser): no secret, no DID, no fact."""
    seen = host_bodies(phone, world)
    assert seen, "the story sent nothing to the host"
    forbidden = [
        world.passphrase,
        world.holder,
        world.credential["id"],
        json.dumps(world.credential)[:60],
        *FACTS.values(),
    ]
    # Values of at least 6 bytes: a shorter one ("SY") turns up by chance in megabytes of ciphertext.
    for secret in (value for value in forbidden if len(value) >= 6):
        assert secret.encode() not in seen, secret
        assert secret.encode("utf-16-le") not in seen, secret


def test_present_to_the_verifier_online_then_offline(browser: Browser, world: World, tmp_path: Path) -> None:
    shoot = shots_for("story-present")
    phone = new_phone(browser, world.host)
    page = phone.page
    try:
        import_cli_wallet(page, world)
        card = page.inner_text("article.card")
        assert "Amina" in card
        assert "Date of birth" in card  # the fact's label, translated from its term
        assert "Birth certificate" in card or "Identity document" in card
        shoot(page, "card")
        # With a card shown, the present code has run once on made-up data (not on the card: the
        # verifier sees one presentation below), leaving nothing on the page and sending nothing.
        page.wait_for_function("performance.getEntriesByName('nansen:warm-up', 'measure').length === 1")
        assert page.locator("#warm-up").count() == 0
        # The host, and the issuer for the card's check (its DID document and status lists).
        issuer = f"https://localhost:{world.cast.issuer_port}"
        assert phone.origins() <= {world.host.url, issuer}, phone.origins()

        challenge = world.cast.challenge()
        text = present(page, challenge, tmp_path / "vp.png")
        assert text.startswith("NV1:")
        shoot(page, "presentation")
        assert verdict(world, tmp_path / "vp.png", challenge) == "VALID"
        assert verdict(world, tmp_path / "vp.png", challenge) == "NOT VALID"  # a challenge is spent once

        # Offline: the app and the wallet come from the phone (service worker, IndexedDB).
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        phone.context.set_offline(True)
        page.reload()
        page.wait_for_selector("#unlock-passphrase", timeout=SLOW)
        page.fill("#unlock-passphrase", world.passphrase)
        page.click("#unlock")
        page.wait_for_selector("article.card", timeout=SLOW)
        shoot(page, "offline-home")
        present(page, None, tmp_path / "one-way.png")
        shoot(page, "offline-presentation")
        assert verdict(world, tmp_path / "one-way.png", None) == "VALID"
        phone.context.set_offline(False)
        assert phone.origins() == {world.host.url, issuer}, phone.origins()
        assert_host_saw_nothing_in_clear(phone, world)
        assert not [line for line in phone.console if "Content Security Policy" in line], phone.console
    finally:
        phone.context.close()


def test_present_and_quick_exit_by_keyboard_only(browser: Browser, world: World, tmp_path: Path) -> None:
    """Unlock, open a card's present screen, sign one way and show the QR code the verifier reads,
    then the quick exit: Tab, typing, Enter and Escape only (the import before it needs a file
    chooser, by mouse)."""
    shoot = shots_for("story-keyboard")
    phone = new_phone(browser, world.host)
    page = phone.page
    try:
        import_cli_wallet(page, world)
        page.click("#lock")
        unlock(page, world.passphrase)
        page.wait_for_selector("article.card", timeout=SLOW)
        tab_to(page, "article.card button.present")
        page.keyboard.press("Enter")
        page.wait_for_selector("#challenge")
        tab_to(page, "#sign")
        page.keyboard.press("Enter")
        page.wait_for_selector("#presentation-qr", timeout=SLOW)
        shoot(page, "presentation")
        assert shown_code(page, tmp_path / "keyboard.png").startswith("NV1:")
        assert verdict(world, tmp_path / "keyboard.png", None) == "VALID"
        page.keyboard.press("Escape")  # the quick exit
        page.wait_for_function("!document.querySelector('article.card, #presentation-qr')")
        assert world.holder not in page.content()
    finally:
        phone.context.close()


def issue_offer(cast: Cast, holder: str) -> tuple[str, str, dict[str, Any]]:
    """The partner issues a credential to ``holder`` and offers it (OpenID4VCI): link, PIN, credential."""
    form = {
        "holder": holder,
        "documentType": "Passport",
        "facts": json.dumps(FACTS),
        "checkMethod": "Original inspected under UV light.",
        "documentPresence": "Physical",
        "subjectPresence": "Physical",
    }
    issued = cast.issue_document(form, ("passport.png", sample_scan("PASSPORT", FACTS), "image/png"))
    answer = cast.partner.post("/openid4vci/offers", json={"credential": issued["credential"]})
    assert answer.status_code == 201, answer.text
    return answer.json()["credentialOffer"], answer.json()["txCode"], issued["credential"]


def test_receive_through_the_offer_then_present_back_up_and_recover_on_a_new_phone(
    browser: Browser, world: World, tmp_path: Path
) -> None:
    shoot = shots_for("story-receive")
    phone = new_phone(browser, world.host)
    page = phone.page
    try:
        page.goto("/")
        page.click("#go-create")
        page.fill("#passphrase", world.passphrase)
        page.fill("#passphrase-again", world.passphrase)
        page.click("#create")
        page.wait_for_selector("#account-code", timeout=SLOW)
        page.click("#continue")
        page.click("#go-did")
        holder = page.inner_text("#holder-did")
        link, pin, credential = issue_offer(world.cast, holder)

        page.click("#go-receive")
        page.fill("#offer", link)
        page.fill("#pin", "000000" if pin != "000000" else "111111")
        page.click("#receive")
        page.wait_for_selector(REFUSED, timeout=SLOW)
        assert "PIN" in page.inner_text(REFUSED)
        shoot(page, "wrong-pin")
        assert page.locator("article.card").count() == 0

        link, pin, credential = issue_offer(world.cast, holder)
        page.fill("#offer", link)
        page.fill("#pin", pin)
        shoot(page, "receive")
        page.click("#receive")
        page.wait_for_selector(f"article.card, {REFUSED}", timeout=SLOW)
        assert page.locator(REFUSED).count() == 0, page.inner_text(REFUSED)
        expect(page.locator("article.card").first).to_contain_text(
            "Valid: signature, issuer and status checked", timeout=SLOW
        )
        shoot(page, "received")

        challenge = world.cast.challenge()
        present(page, challenge, tmp_path / "vp.png")
        assert verdict(world, tmp_path / "vp.png", challenge) == "VALID"

        # The offer gave the SD-JWT VC too: present only the given name (selective disclosure).
        page.click("#go-home")
        cards = page.locator("article.card")
        assert cards.count() == 2
        cards.nth(1).locator("button.present").click()
        page.wait_for_selector("fieldset input[name=disclose]")
        for box in page.locator("fieldset input[name=disclose]").all():
            if box.get_attribute("value") != "givenName":
                box.uncheck()
        challenge = world.cast.challenge()
        page.fill("#challenge", json.dumps(challenge))
        shoot(page, "disclose")
        page.click("#sign")
        page.wait_for_selector("#presentation-qr", timeout=SLOW)
        picture = tmp_path / "sd-jwt.png"
        picture.write_bytes(page.locator("#presentation-qr").screenshot())
        text = qr.decode_image(picture)
        assert is_sd_jwt(text)
        shown = decode_sd_jwt(text)
        disclosed = b"".join(b64decode_url(part) for part in shown.split("~")[1:-1])
        assert b"Amina" in disclosed
        assert b"Haddad" not in disclosed
        assert b"2004-03-17" not in disclosed
        assert verdict(world, picture, challenge) == "VALID"

        page.click("#go-backup")
        page.fill("#backup-passphrase", world.passphrase)
        page.click("#backup")
        page.wait_for_selector("#backup-cid", timeout=SLOW)
        cid = page.inner_text("#backup-cid")
        shoot(page, "backup")
        issuer = f"https://localhost:{world.cast.issuer_port}"
        assert phone.origins() == {world.host.url, issuer}, phone.origins()
        assert_host_saw_nothing_in_clear(
            phone, World(world.cast, world.host, world.cli_wallet, world.passphrase, holder, credential)
        )
    finally:
        phone.context.close()

    new = new_phone(browser, world.host)
    page = new.page
    try:
        page.goto("/")
        page.click("#go-recover")
        page.fill("#backup-cid", cid)
        page.fill("#recover-passphrase", world.passphrase)
        page.click("#recover")
        page.wait_for_selector("#account-code", timeout=SLOW)
        page.click("#continue")
        page.wait_for_selector("article.card", timeout=SLOW)
        assert "Amina" in page.inner_text("article.card")
        shoot(page, "recovered")
        page.click("#go-did")
        assert page.inner_text("#holder-did") == holder
        assert new.origins() == {world.host.url, issuer}  # the issuer: the card's check
    finally:
        new.context.close()


def shelter_page(browser: Browser, world: World) -> Page:
    """The shelter's scan page in a browser of its own (CSP bypassed for axe only)."""
    context = browser.new_context(
        base_url=str(world.cast.shelter.base_url), viewport={"width": 412, "height": 915}, bypass_csp=True
    )
    return context.new_page()


def give_challenge(shelter: Page, picture: Path) -> tuple[str, str, str]:
    """The shelter's page gives a challenge: its QR code's text (read from the screen), short code, domain."""
    shelter.goto("/?lang=en")
    with shelter.expect_navigation():
        shelter.click("#give-challenge-button")
    shelter.wait_for_selector("#challenge-qr")
    picture.write_bytes(shelter.locator("#challenge-qr").screenshot())
    return (
        qr.decode_image(picture),
        shelter.inner_text("#challenge-code"),
        shelter.inner_text("#challenge-domain"),
    )


def sign_for(page: Page, challenge: str, domain: str, picture: Path) -> str:
    """On the present screen of the first card: the challenge (and domain) typed in, the NV1 text shown."""
    page.click("#go-home")
    page.click("article.card button.present")
    page.fill("#challenge", challenge)
    page.fill("#challenge-domain", domain)
    page.click("#sign")
    page.wait_for_selector(f"#presentation-qr, {REFUSED}", timeout=SLOW)
    assert page.locator(REFUSED).count() == 0, page.inner_text(REFUSED)
    return shown_code(page, picture)


def page_verdict(shelter: Page, text: str) -> tuple[str, str]:
    """The NV1 text pasted into the shelter's scan page: its verdict and the concerns it names."""
    shelter.goto("/?lang=en")
    shelter.fill("#text", text)
    with shelter.expect_navigation():
        shelter.click("form[action^='/verify-page'] button[type=submit]")
    verdict = shelter.get_attribute("[data-verdict]", "data-verdict")
    assert verdict is not None
    concerns = shelter.locator("ul.concerns")
    return verdict, concerns.inner_text() if concerns.count() else ""


def expire(world: World, code: str) -> None:
    """Time passes for one challenge: its row in the shelter's database expires (as after the TTL)."""
    engine = create_engine(f"sqlite:///{world.cast.data / 'verifier.sqlite3'}")
    try:
        with Session(engine) as session:
            ended = update(Challenge).where(Challenge.digest == replay.digest(code))
            assert session.execute(ended.values(expires_at=now() - timedelta(seconds=1))).rowcount == 1  # type: ignore[attr-defined]
            session.commit()
    finally:
        engine.dispose()


def test_the_shelter_pages_challenge_scanned_or_typed_then_spent_expired_or_unknown(
    playwright: Playwright, browser: Browser, world: World, tmp_path: Path
) -> None:
    """The two-way flow from the pages: the shelter's page gives a challenge (QR code and short
    code); the wallet's camera reads the QR code (Chromium's fake camera films the code read from
    the shelter's page), or the person types the short code and domain; the shelter's page says
    VALID once, then NOT VALID for the same code, an expired code and a code it never gave, each
    with its reason."""
    shoot = shots_for("story-challenge")
    shelter = shelter_page(browser, world)
    scanned, code, domain = give_challenge(shelter, tmp_path / "challenge.png")
    shoot(shelter, "shelter-challenge")
    assert scanned == f"NC1:{code.replace('-', '')}:{domain}"
    assert axe_violations(shelter) == []
    video = camera_video(scanned, tmp_path / "camera.y4m")
    camera = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    filming = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=camera)
    try:
        phone = new_phone(filming, world.host, bypass_csp=True)  # for axe; the other stories keep the CSP
        phone.context.grant_permissions(["camera"], origin=world.host.url)
        page = phone.page
        import_cli_wallet(page, world)
        page.click("article.card button.present")
        page.click("#scan-challenge")
        expect(page.locator("#challenge")).to_have_value(scanned, timeout=SLOW)
        page.click("#sign")
        page.wait_for_selector(f"#presentation-qr, {REFUSED}", timeout=SLOW)
        assert page.locator(REFUSED).count() == 0, page.inner_text(REFUSED)
        shoot(page, "presentation")
        picture = tmp_path / "vp.png"
        picture.write_bytes(page.locator("#presentation-qr").screenshot())
        assert page_verdict(shelter, qr.decode_image(picture))[0] == "VALID"
        shoot(shelter, "shelter-valid")

        again = sign_for(page, code.lower(), domain, tmp_path / "again.png")  # the same code, typed
        verdict, concerns = page_verdict(shelter, again)
        assert (verdict, "already been used" in concerns) == ("NOT VALID", True), concerns

        _, typed, domain = give_challenge(shelter, tmp_path / "typed.png")
        text = sign_for(page, typed, domain, tmp_path / "typed-vp.png")
        assert page_verdict(shelter, text)[0] == "VALID"

        _, late, domain = give_challenge(shelter, tmp_path / "late.png")
        text = sign_for(page, late, domain, tmp_path / "late-vp.png")
        expire(world, late.replace("-", ""))
        verdict, concerns = page_verdict(shelter, text)
        assert (verdict, "has expired" in concerns) == ("NOT VALID", True), concerns

        text = sign_for(page, new_code(), domain, tmp_path / "unknown-vp.png")
        verdict, concerns = page_verdict(shelter, text)
        assert (verdict, "not issued by this verifier" in concerns) == ("NOT VALID", True), concerns
        shoot(shelter, "shelter-unknown")

        page.fill("#challenge", "7KQ2-M9XD-4RTB")  # a typed code without the domain: refused, nothing signed
        page.fill("#challenge-domain", "")
        page.click("#sign")
        page.wait_for_selector(REFUSED)
        assert "domain" in page.inner_text(REFUSED)
        assert page.locator("#presentation-qr").count() == 0  # the earlier code is not left on screen
        shoot(page, "typed-without-domain")
        assert axe_violations(page) == []
        issuer = f"https://localhost:{world.cast.issuer_port}"  # the card's check
        assert phone.origins() == {world.host.url, issuer}, phone.origins()
    finally:
        shelter.context.close()
        filming.close()
