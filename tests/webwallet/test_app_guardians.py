"""Recovery from guardian shares in the web wallet (issue #14), in real Chromium against the real
`nansen wallet serve`: a wallet made and backed up by the command line's code (`wallet.Wallet`,
`wallet.backup`), its backup pinned in the host's IPFS store through the API, split 2 of 3 as
`nansen wallet guardians split` does; a new phone types the backup's code and two shares and chooses
a new passphrase → the same DID and the same card, and the new account opens with the new passphrase. A word not in SLIP-39's list is named as it is
typed; one share only, and a share with a valid but wrong word, open nothing. axe-core on the screen.
The SLIP-39 library runs in a Web Worker of its own, under the host's CSP: after a recovery the page's
built-in prototypes are those of a page that never ran it."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from nansen.proofs import ProofOptions, add_proof
from tests.helpers import ISSUED, PARTNER, identity_credential
from tests.webwallet.app_support import (
    PASSPHRASE,
    WalletHost,
    axe_violations,
    new_phone,
    shots_for,
)
from tests.webwallet.host_support import made_wallet
from wallet import Wallet, backup, identity
from wallet.kdf import LEVELS
from wallet.state import HeldCredential

SLOW = 60_000
#: Every native constructor's prototype and statics in a page: their own property names.
BUILT_INS = """() => {
  const native = (value) =>
    typeof value === "function" && /\\{\\s*\\[native code\\]\\s*\\}$/.test(Function.prototype.toString.call(value));
  const found = {};
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const value = globalThis[name];
    if (!native(value)) continue;
    found[name] = Object.getOwnPropertyNames(value).sort();
    if (value.prototype) found[`${name}.prototype`] = Object.getOwnPropertyNames(value.prototype).sort();
  }
  const typedArray = Object.getPrototypeOf(Uint8Array);
  found["%TypedArray%.prototype"] = Object.getOwnPropertyNames(typedArray.prototype).sort();
  for (const name of ["JSON", "Math", "Reflect", "Atomics", "Intl"]) {
    found[name] = Object.getOwnPropertyNames(globalThis[name]).sort();
  }
  return found;
}"""
#: A worker the page starts from another place than its own files (a blob: URL): the CSP's answer.
BLOB_WORKER = """() => new Promise((resolve) => {
  document.addEventListener("securitypolicyviolation", (event) => resolve(event.effectiveDirective), { once: true });
  try {
    const worker = new Worker(URL.createObjectURL(new Blob(["postMessage('ran')"], { type: "text/javascript" })));
    worker.onmessage = () => resolve("ran");
  } catch (error) {
    resolve(error.name);
  }
  setTimeout(() => resolve("nothing"), 5000);
})"""
NEW_PASSPHRASE = "harbour violet seven kites"
OCTETS = {"Content-Type": "application/octet-stream"}
pytestmark = pytest.mark.timeout(300)


def backed_up_cli_wallet(host: WalletHost, directory: Path) -> tuple[str, str, list[str]]:
    """A CLI wallet holding a credential, its backup pinned by the host: (DID, CID, 3 shares of 2)."""
    made = made_wallet(directory, PASSPHRASE)
    with Wallet.open(made.directory, PASSPHRASE) as held:
        unsigned = identity_credential(PARTNER, held.identities.holder)
        credential = add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))
        held.state.credentials.append(HeldCredential(credential, "2026-12-07T00:00:00Z"))
        held.save()
        sealed = backup.seal(
            held.state.portable(), PASSPHRASE, identity.backup_key(held.state.master), LEVELS["minimum"]
        )
        did, shares = held.did, held.guardian_shares(2, 3)
    with httpx.Client(base_url=host.url, trust_env=False) as http:
        created = http.post("/api/accounts", json={"verifiers": made.verifiers()})
        assert created.status_code == 201, created.text
        auth = {"Authorization": f"Bearer {created.json()['token']}"}
        uploaded = http.put(
            "/api/container", content=made.file, headers={**auth, **OCTETS, "If-None-Match": "*"}
        )
        assert uploaded.status_code == 204, uploaded.text
        pinned = http.post("/api/backups", content=sealed, headers={**auth, **OCTETS})
        assert pinned.status_code == 201, pinned.text
        return did, str(pinned.json()["cid"]), shares


def type_share(page: Page, number: int, share: str) -> None:
    field = page.locator(f"#share-{number}")
    field.fill("")
    field.press_sequentially(share + " ")


def recover_with(page: Page, shares: list[str]) -> None:
    for number, share in enumerate(shares, start=1):
        if number > page.locator("#shares textarea").count():
            page.click("#add-share")
        type_share(page, number, share)
    page.click("#recover-guardians")


def test_two_of_three_cli_shares_recover_the_cli_backup_on_a_new_phone(
    browser: Browser, app_host: WalletHost, tmp_path: Path
) -> None:
    shoot = shots_for("guardians")
    did, cid, shares = backed_up_cli_wallet(app_host, tmp_path / "cli")
    phone = new_phone(browser, app_host, bypass_csp=True)
    page = phone.page
    try:
        page.goto("/")
        page.click("#go-recover")
        page.click("#go-guardians")
        page.wait_for_selector("#share-1")
        page.fill("#backup-cid", cid)
        page.fill("#new-passphrase", NEW_PASSPHRASE)
        page.fill("#new-passphrase-again", NEW_PASSPHRASE)

        # A word not in the list, named as soon as it is finished; the count otherwise.
        words = shares[0].split()
        page.locator("#share-1").press_sequentially(" ".join([*words[:2], "zebrra", words[3]]))
        # The word list is a chunk of its own, loaded at the first word typed: wait for the line.
        status = page.locator("#share-1-status")
        expect(status).to_have_text(
            "Word 3 (“zebrra”) is not a guardian word: check its spelling.", timeout=SLOW
        )
        expect(page.locator("#share-1")).to_have_attribute("aria-invalid", "true")
        shoot(page, "wrong-word")
        type_share(page, 1, " ".join(words[:12]))
        expect(status).to_have_text("Words typed: 12 of 20", timeout=SLOW)
        found = axe_violations(page)
        assert found == [], found

        # One share of two: nothing opens, and the message names no share.
        type_share(page, 1, shares[0])
        page.click("#recover-guardians")
        page.wait_for_selector("text=These shares do not recover the wallet", timeout=SLOW)
        shoot(page, "too-few")
        # A valid SLIP-39 word in place of the right one (the share's checksum catches it).
        wrong = [*words[:5], "academic" if words[5] != "academic" else "acid", *words[6:]]
        type_share(page, 2, " ".join(wrong))
        page.click("#recover-guardians")
        page.wait_for_selector("text=These shares do not recover the wallet", timeout=SLOW)
        assert page.locator("#account-code").count() == 0

        # Shares 3 and 1 (any two of three) and a new passphrase.
        type_share(page, 2, shares[2])
        page.click("#recover-guardians")
        page.wait_for_selector("#account-code", timeout=SLOW)
        shoot(page, "recovered")
        code = page.inner_text("#account-code")
        page.click("#continue")
        page.wait_for_selector("article.card", timeout=SLOW)
        assert "Amina" in page.inner_text("article.card")
        page.click("#go-did")
        assert page.inner_text("#holder-did") == did
        assert phone.origins() == {app_host.url}
    finally:
        phone.context.close()

    # The recovered wallet's account opens on another phone with the new passphrase, not the old one.
    again = new_phone(browser, app_host)
    page = again.page
    try:
        page.goto("/")
        page.click("#go-sign-in")
        page.fill("#account", code)
        page.fill("#sign-in-passphrase", PASSPHRASE)
        page.click("#sign-in")
        page.wait_for_selector("text=The account code or the passphrase is not right.", timeout=SLOW)
        page.fill("#sign-in-passphrase", NEW_PASSPHRASE)
        page.click("#sign-in")
        page.wait_for_selector("#go-did", timeout=SLOW)
        page.click("#go-did")
        assert page.inner_text("#holder-did") == did
    finally:
        again.context.close()


def test_the_slip39_library_changes_no_prototype_of_the_page(
    browser: Browser, app_host: WalletHost, tmp_path: Path
) -> None:
    """Under the host's own CSP: the guardian screen checks words and recovers a wallet, the library
    running in its dedicated worker (a file of the host's); the page's native constructors and their
    prototypes (Array, String, Uint8Array, …) then have exactly the own properties they have in a
    page of the same origin that never loaded the app. A worker from a blob: URL is refused."""
    _did, cid, shares = backed_up_cli_wallet(app_host, tmp_path / "cli")
    phone = new_phone(browser, app_host)
    page = phone.page
    workers: list[str] = []
    page.on("worker", lambda worker: workers.append(worker.url))
    try:
        page.goto("/manifest.webmanifest")
        fresh = page.evaluate(BUILT_INS)
        assert "slip39DecodeHex" not in fresh["Array.prototype"]  # the comparison is of a clean page
        page.goto("/")
        page.click("#go-recover")
        page.click("#go-guardians")
        page.wait_for_selector("#share-1")
        page.fill("#backup-cid", cid)
        page.fill("#new-passphrase", NEW_PASSPHRASE)
        page.fill("#new-passphrase-again", NEW_PASSPHRASE)
        page.locator("#share-1").press_sequentially("academic zebrra ")
        expect(page.locator("#share-1")).to_have_attribute("aria-invalid", "true", timeout=SLOW)
        recover_with(page, [shares[1], shares[2]])
        page.wait_for_selector("#account-code", timeout=SLOW)
        after = page.evaluate(BUILT_INS)
        changed = {name: sorted(set(after.get(name, [])) ^ set(names)) for name, names in fresh.items()}
        assert {name: diff for name, diff in changed.items() if diff} == {}
        assert after.keys() == fresh.keys()
        assert workers, "the library ran in no worker"
        assert all(re.search(r"/slip39-worker-\w+\.js$", url) for url in workers), workers
        assert page.evaluate(BLOB_WORKER) == "worker-src"
        assert phone.origins() == {app_host.url}
    finally:
        phone.context.close()
