"""The host's headers as a real Chromium enforces them, with a stand-in for the app's build: the
service worker controls the whole origin, WebAssembly compiles (libsodium's wasm) while ``eval``
and inline script are refused, and the app reaches its host and the configured origins only."""

from __future__ import annotations

import json
import socket
from contextlib import AbstractContextManager
from pathlib import Path

from playwright.sync_api import Playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.servers import loopback_socket, serving
from tests.webwallet.host_support import running_host
from verifier import Settings as VerifierSettings
from verifier import create_app as verifier_app

#: The smallest WebAssembly module: the magic and version 1.
EMPTY_WASM = "[0, 97, 115, 109, 1, 0, 0, 0]"
APP = """
const results = {};
async function run() {
  results.wasm = await WebAssembly.compile(new Uint8Array(%(wasm)s)).then(() => "compiled", (e) => e.name);
  try { eval("1 + 1"); results.eval = "ran"; } catch (e) { results.eval = e.name; }
  results.inline = window.inlineRan ? "ran" : "refused";
  results.config = (await (await fetch("/config.json")).json()).name;
  // no-cors: an opaque answer (type "opaque") once the policy lets the request go; CORS is not tested here.
  const away = (url) => fetch(url, { mode: "no-cors" }).then((r) => r.type, (e) => e.name);
  results.allowed = await away("%(allowed)s/healthz");
  results.other = await away("%(other)s/healthz");
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  results.scope = new URL(registration.scope).pathname;
  document.getElementById("results").textContent = JSON.stringify(results);
}
run();
"""
INDEX = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>stand-in</title>
<script>window.inlineRan = true;</script><script src="/js/app.js" defer></script></head>
<body><main><pre id="results"></pre></main></body></html>"""


def test_chromium_enforces_the_hosts_policy(playwright: Playwright, tmp_path: Path) -> None:
    allowed_sock, allowed_port = loopback_socket()
    other_sock, other_port = loopback_socket()
    allowed, other = f"http://127.0.0.1:{allowed_port}", f"http://127.0.0.1:{other_port}"
    dist = tmp_path / "dist"
    (dist / "js").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "js" / "app.js").write_text(APP % {"wasm": EMPTY_WASM, "allowed": allowed, "other": other})
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {});")

    def verifier(directory: Path, sock: socket.socket) -> AbstractContextManager[None]:
        """A real service on another origin (the verifier: any would do)."""
        settings = VerifierSettings(database_url=f"sqlite:///{directory / 'v.sqlite3'}", data_dir=directory)
        return serving(verifier_app(settings), sock)

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        verifier(tmp_path / "a", allowed_sock),
        verifier(tmp_path / "b", other_sock),
        running_host(
            f"sqlite:///{tmp_path / 'h.sqlite3'}", tmp_path, connect_origins=(allowed,), app_name="Recipes"
        ) as host,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            violations: list[str] = []
            page.on(
                "console",
                lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
            )
            page.goto(host.url + "/")
            page.wait_for_selector("#results:not(:empty)", timeout=30_000)  # no eval: the policy forbids it
            results = json.loads(page.locator("#results").text_content() or "{}")
        finally:
            browser.close()
    assert results == {
        "wasm": "compiled",
        "eval": "EvalError",
        "inline": "refused",
        "config": "Recipes",
        "allowed": "opaque",
        "other": "TypeError",
        "scope": "/",
    }
    assert any("connect-src" in text for text in violations)
    assert any("script-src" in text for text in violations)
