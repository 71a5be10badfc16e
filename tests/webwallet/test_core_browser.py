"""The engine in real Chromium, bundled by esbuild as the app bundles it and served over loopback
under a strict CSP (``script-src 'self' 'wasm-unsafe-eval'``: libsodium is WebAssembly): a wallet the
command line made opens, its rdfc-signed credential verifies (jsonld.js, loaded lazily, with the
bundled contexts), and the presentation signed in the page is one the Python verifier accepts."""

from __future__ import annotations

import base64
import contextlib
import functools
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Playwright

from nansen.proofs import ProofOptions, add_proof
from nansen.qr import decode_presentation
from nansen.verify import Outcome, Verdict, Verifier
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import ISSUED, PARTNER, identity_credential
from wallet import Wallet
from wallet.container import FILE_NAME
from wallet.kdf import LEVELS
from wallet.state import HeldCredential

WEB = Path(__file__).resolve().parents[2] / "wallet" / "web"
PASSPHRASE = "correct horse battery staple"
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
PAGE = '<!doctype html><meta charset="utf-8"><title>engine</title><script type="module" src="./load.js"></script>'
LOAD = 'import * as core from "./index.js"; window.core = core; document.title = "loaded";'


class Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests print nothing per request."""


@contextlib.contextmanager
def served(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    built = subprocess.run(
        [
            str(WEB / "node_modules" / ".bin" / "esbuild"),
            str(WEB / "src" / "core" / "index.js"),
            "--bundle",
            "--splitting",
            "--format=esm",
            "--platform=browser",
            "--minify",
            f"--outdir={out}",
            "--log-level=warning",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (out / "index.html").write_text(PAGE)
    (out / "load.js").write_text(LOAD)
    (out / "favicon.ico").write_bytes(b"")  # the page asks for one
    return out


def test_the_engine_works_in_chromium(playwright: Playwright, bundle: Path, tmp_path: Path) -> None:
    with Wallet.create(tmp_path / "w", PASSPHRASE, LEVELS["minimum"]) as wallet:
        credential = add_proof(
            identity_credential(PARTNER, wallet.identities.holder), PARTNER, ProofOptions(created=ISSUED)
        )
        wallet.state.credentials.append(HeldCredential(credential, "2026-12-07T00:00:00Z"))
        wallet.save()
        did, ident = wallet.did, HeldCredential(credential, "").id
    data = base64.b64encode((tmp_path / "w" / FILE_NAME).read_bytes()).decode("ascii")

    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    errors: list[str] = []
    try:
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        with served(bundle) as url:
            page.goto(f"{url}/index.html")
            page.wait_for_function("document.title === 'loaded'")
            result = page.evaluate(
                """async ({data, passphrase, ident}) => {
                    const core = window.core;
                    await core.ready();
                    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                    const opened = await core.WalletFile.parse(bytes).open(passphrase);
                    const held = opened.state.credentials[0].credential;
                    const check = await core.verifyCredential(held, {fetch: window.fetch});
                    const vp = await core.present(opened.state, ident, {challenge: "c-1", domain: "shelter.example"});
                    return {did: core.holderDid(opened.state), check, nv1: core.nv1Encode(vp)};
                }""",
                {"data": data, "passphrase": PASSPHRASE, "ident": ident},
            )
    finally:
        browser.close()

    assert errors == []
    assert result["did"] == did
    assert result["check"] == {"verified": True, "problems": []}
    vp = decode_presentation(result["nv1"])
    verdict = Verifier().verify_presentation(vp, challenge="c-1", domain="shelter.example")
    for name in ("proof", "holder binding"):
        check = verdict.check(name)
        assert check is not None
        assert check.outcome is Outcome.PASSED, verdict.to_json()
    assert verdict.verdict is not Verdict.NOT_VALID, verdict.to_json()
