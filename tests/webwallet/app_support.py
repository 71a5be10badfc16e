"""The web wallet app under test: its build (made if missing or older than its sources), the real
`nansen wallet serve` in a process of its own, Chromium contexts on a phone's screen that record
every request the page makes, screenshots of each step, and axe-core.

Screenshots go to ``$NANSEN_TEST_ARTIFACTS`` (or ``<tmp>/nansen-test-artifacts``) under
``webwallet/<test>/``.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import segno
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Request

from nansen.demo.roles import answering, environment, free_port
from tests.verifier.pictures import artifacts

REPO: Final = Path(__file__).resolve().parents[2]
WEB: Final = REPO / "wallet" / "web"
DIST: Final = WEB / "dist"
#: axe-core from npm (tests/interop/package.json), as tests/pages/test_languages.py injects it.
AXE: Final = REPO / "tests" / "interop" / "node_modules" / "axe-core" / "axe.min.js"
PHONE: Final = {"width": 390, "height": 844}
#: Where quick exit goes in these tests: an https page answered by the test itself (never the network).
NEUTRAL: Final = "https://neutral.invalid/"
NEUTRAL_PAGE: Final = "<!doctype html><title>Weather</title><h1>Weather</h1>"
PASSPHRASE: Final = "river stone lantern morning"
DURESS: Final = "quiet decoy garden path"
#: The Argon2id cost of the wallets made here by the command line (the app makes `interactive` ones).
SOURCES: Final = ("src", "static", "messages", "build.mjs", "package-lock.json")
#: What the build reads from the Python side: the identity document's facts in their order.
PYTHON_SOURCES: Final = (REPO / "nansen" / "facts.py",)


def build_if_needed() -> None:
    """`node wallet/web/build.mjs` unless dist/ is newer than every source (``./dev setup`` builds it too)."""
    stamp = DIST / "shell.json"
    if stamp.exists():
        built = stamp.stat().st_mtime
        newest = max(
            path.stat().st_mtime
            for name in SOURCES
            for path in ([WEB / name] if (WEB / name).is_file() else (WEB / name).rglob("*"))
        )
        newest = max(newest, *(path.stat().st_mtime for path in PYTHON_SOURCES))
        if newest <= built:
            return
    subprocess.run(["node", str(WEB / "build.mjs")], check=True, cwd=WEB, capture_output=True, timeout=300)


@dataclass
class WalletHost:
    """A running `nansen wallet serve`."""

    url: str
    data: Path


@contextlib.contextmanager
def wallet_host(root: Path, port: int | None = None, **variables: str) -> Iterator[WalletHost]:
    """`nansen wallet serve` on a loopback port (a free one unless given), its data (SQLite, embedded
    IPFS) under ``root``; ``variables`` are its ``NANSEN_*`` settings."""
    build_if_needed()
    root.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    env = environment(
        root,
        {
            "NANSEN_WALLET_HOST_QUICK_EXIT_URL": NEUTRAL,
            "NANSEN_WALLET_HOST_IDLE_LOCK_SECONDS": "600",
            **variables,
        },
    )
    url = f"http://127.0.0.1:{port}"
    args = ["wallet", "serve", "--port", str(port)]
    with answering("wallet host", args, env, url + "/config.json", root / "host.log"):
        yield WalletHost(url, root)


@dataclass
class Recorded:
    """A request the page (or its service worker) made: method, URL and body."""

    method: str
    url: str
    body: bytes


@dataclass
class Phone:
    """A browser context standing for one phone, recording every request and console message."""

    context: BrowserContext
    page: Page
    requests: list[Recorded] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def origins(self) -> set[str]:
        return {re.match(r"^[a-z-]+://[^/]+|^[a-z-]+:", r.url).group(0) for r in self.requests}  # type: ignore[union-attr]


def new_phone(
    browser: Browser, host: WalletHost, *, bypass_csp: bool = False, locale: str = "en-GB"
) -> Phone:
    context = browser.new_context(
        base_url=host.url,
        viewport=PHONE,
        locale=locale,
        bypass_csp=bypass_csp,
        ignore_https_errors=True,
        service_workers="allow",
        device_scale_factor=2,
    )
    context.route(
        NEUTRAL + "**", lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)
    )
    page = context.new_page()
    phone = Phone(context, page)

    def record(request: Request) -> None:
        phone.requests.append(Recorded(request.method, request.url, request.post_data_buffer or b""))

    context.on("request", record)
    page.on("console", lambda message: phone.console.append(f"{message.type}: {message.text}"))
    return phone


def keyboard_type(page: Page, text: str) -> None:
    page.keyboard.type(text)


def tab_to(page: Page, selector: str, limit: int = 30) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def unlock(page: Page, passphrase: str) -> None:
    """Unlock with the keyboard only: Tab to the passphrase, type it, Enter."""
    page.wait_for_selector("#unlock-passphrase")
    tab_to(page, "#unlock-passphrase")
    keyboard_type(page, passphrase)
    page.keyboard.press("Enter")


def shots_for(name: str) -> Callable[[Page, str], None]:
    directory = artifacts() / "webwallet" / re.sub(r"[^\w.-]+", "_", name)
    directory.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {directory}")
    count = 0

    def shoot(page: Page, step: str) -> None:
        nonlocal count
        count += 1
        page.screenshot(path=directory / f"{count:02d}-{step}.png", full_page=True)

    return shoot


def axe_violations(page: Page) -> list[Any]:
    """axe-core's serious and critical violations on the page as it is (the context must bypass CSP)."""
    assert AXE.exists(), "axe-core is missing: run ./dev setup (tests/interop/package.json)"
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document)).violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' ')).join(', ')])"
    )
    return [v for v in found if v[1] in ("serious", "critical")]


def camera_video(text: str, path: Path) -> Path:
    """A Y4M video (what Chromium's fake camera plays) of a white frame showing ``text`` as a QR code."""
    drawn = io.BytesIO()
    segno.make_qr(text, error="m", mode="byte").save(drawn, kind="png", scale=6, border=4)
    symbol = Image.open(drawn).convert("L")
    frame = Image.new("L", (640, 480), 255)
    frame.paste(symbol, ((640 - symbol.width) // 2, (480 - symbol.height) // 2))
    ycbcr = frame.convert("YCbCr")
    luma = ycbcr.getchannel("Y").tobytes()
    chroma = bytes([128]) * (320 * 240)
    with path.open("wb") as video:
        video.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            video.write(b"FRAME\n" + luma + chroma + chroma)
    return path
