"""Measure the web wallet (issue #14's budgets) in Chromium with its CPU throttled 4x and a slow-3G
network (Chrome DevTools Protocol: ``Emulation.setCPUThrottlingRate``, ``Network.emulateNetworkConditions``),
against the real `nansen wallet serve` on loopback.

    .venv/bin/python bench/webwallet.py [--runs N]

Printed, for N runs (median, and the slowest):

- **first load**: the bytes of JS, CSS and fonts the page itself fetched until its first screen was
  interactive, as sent (the host sends them uncompressed) and gzip-compressed (level 6, what a
  compressing proxy or host would send), and the time to that screen; the service worker then
  fetches the rest of the shell in the background (its bytes printed apart);
- **repeat load**: a reload once the service worker is active, to the same screen: time, and bytes
  fetched from the network;
- **unlock**: a wallet at the ``interactive`` Argon2id cost (64 MiB), with one credential, unlocked:
  from pressing Unlock to the cards shown;
- **present**: from pressing "Sign and show" to the QR code drawn (an eddsa-jcs-2022 presentation,
  NV1-encoded); and how long the app's warm-up of that code took, which it runs once on made-up data
  after the cards are first shown (the User Timing measure ``nansen:warm-up``).

The wallet is made by the command line (`wallet.Wallet`) with a credential signed by a did:key
issuer (bench/common.py), imported into the app once per run. Benchmarks print figures; tests never
assert them. The machine may be shared: run it alone for figures worth comparing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import HOLDER, ISSUER, identity_credential
from playwright.sync_api import BrowserContext, Page, sync_playwright

from nansen.demo.roles import answering, environment, free_port
from nansen.proofs import ProofOptions, add_proof
from nansen.verify import Verifier
from wallet.kdf import LEVELS
from wallet.receive import Issuance
from wallet.wallet import Wallet

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "wallet" / "web" / "dist"
PASSPHRASE = "river stone lantern morning"
CPU_SLOWDOWN = 4
#: Chrome DevTools' "Slow 3G" preset: 2 s round trips (400 ms x 5), 400 kbit/s x 0.8 each way.
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 50_000 * 0.8,
    "uploadThroughput": 50_000 * 0.8,
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SLOW = 300_000


def wallet_file(directory: Path) -> Path:
    """A command-line wallet at the interactive cost holding one credential (issued to its DID)."""
    with Wallet.create(directory, PASSPHRASE, LEVELS["interactive"]) as held:
        unsigned = identity_credential()
        unsigned["credentialSubject"]["id"] = held.did
        held.receive(Issuance(add_proof(unsigned, ISSUER, ProofOptions())), Verifier())
    assert HOLDER  # the sample holder is not this wallet's: its own DID is the subject
    return directory / "wallet"


@contextmanager
def host(root: Path) -> Iterator[str]:
    root.mkdir(parents=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = environment(root, {"NANSEN_WALLET_HOST_IDLE_LOCK_SECONDS": "3600"})
    with answering("wallet host", ["wallet", "serve", "--port", str(port)], env, url, root / "host.log"):
        yield url


def throttle(context: BrowserContext, page: Page) -> Any:
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return cdp


def shell_bytes(paths: list[str]) -> tuple[int, int]:
    """Raw and gzip sizes of the built files at these URL paths."""
    raw = packed = 0
    for path in paths:
        data = (DIST / ("index.html" if path == "/" else path.lstrip("/"))).read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, 6))
    return raw, packed


def one_run(playwright: Any, url: str, wallet: Path) -> dict[str, float]:
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
    )
    figures: dict[str, float] = {}
    try:
        context = browser.new_context(
            base_url=url, viewport={"width": 390, "height": 844}, service_workers="allow"
        )
        page = context.new_page()
        fetched: list[tuple[str, str, bool]] = []
        context.on(
            "requestfinished",
            lambda r: fetched.append((r.url, r.resource_type, r.service_worker is not None)),
        )
        throttle(context, page)
        started = time.perf_counter()
        page.goto("/")
        page.wait_for_selector("#go-create", timeout=SLOW)
        figures["first load s"] = time.perf_counter() - started
        code = [
            u.removeprefix(url)
            for u, kind, sw in fetched
            if kind in ("script", "stylesheet", "font") and not sw
        ]
        figures["first load JS+CSS+fonts bytes"], figures["first load gzip bytes"] = shell_bytes(code)
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("navigator.serviceWorker.controller !== null || true")
        # Import the wallet (not timed), so that a reload has something to unlock.
        page.click("#go-import")
        page.set_input_files("#wallet-file", wallet)
        page.fill("#import-passphrase", PASSPHRASE)
        page.click("#import")
        page.wait_for_selector("#continue", timeout=SLOW)
        page.wait_for_function(
            "navigator.serviceWorker.getRegistration().then(r => r && r.active && r.active.state === 'activated')",
            timeout=SLOW,
        )
        page.wait_for_timeout(1000)
        cached = sorted(
            {u.removeprefix(url) for u, _, sw in fetched if sw and u.startswith(url)} - {"/config.json"}
        )
        figures["service worker install bytes"], figures["service worker install gzip bytes"] = shell_bytes(
            [
                path
                for path in cached
                if (DIST / ("index.html" if path == "/" else path.lstrip("/"))).is_file()
            ]
        )

        network: list[str] = []
        page.on(
            "requestfinished",
            lambda r: (
                network.append(r.url) if r.response() and not r.response().from_service_worker else None
            ),
        )
        started = time.perf_counter()
        page.reload()
        page.wait_for_selector("#unlock-passphrase", timeout=SLOW)
        figures["repeat load s"] = time.perf_counter() - started
        figures["repeat load network requests"] = len(network)

        page.fill("#unlock-passphrase", PASSPHRASE)
        started = time.perf_counter()
        page.click("#unlock")
        page.wait_for_selector("article.card", timeout=SLOW)
        figures["unlock s"] = time.perf_counter() - started

        page.click("article.card button.present")
        page.wait_for_selector("#sign")
        started = time.perf_counter()
        page.click("#sign")
        page.wait_for_selector("#presentation-qr", timeout=SLOW)
        figures["present QR s"] = time.perf_counter() - started
        figures["present warm-up s"] = (
            page.evaluate("performance.getEntriesByName('nansen:warm-up', 'measure')[0].duration") / 1000
        )
        context.close()
    finally:
        browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (DIST / "index.html").exists():
        sys.exit("wallet/web/dist is missing: run ./dev setup first.")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        wallet = wallet_file(root / "cli-wallet")
        runs: list[dict[str, float]] = []
        with host(root / "host") as url, sync_playwright() as playwright:
            for _ in range(args.runs):
                runs.append(one_run(playwright, url, wallet))
    print(
        f"web wallet, Chromium, CPU /{CPU_SLOWDOWN}, slow 3G ({SLOW_3G['latency']} ms, "
        f"{SLOW_3G['downloadThroughput'] * 8 / 1000:.0f} kbit/s), {args.runs} runs: median (slowest)"
    )
    for name in runs[0]:
        values = [run[name] for run in runs]
        worst = max(values)
        print(f"  {name:34} {statistics.median(values):>12,.2f} ({worst:,.2f})")
    print(json.dumps({"runs": runs}))


if __name__ == "__main__":
    main()
