"""Every page of the verifier and the console in every language, with and without a theme, in a real
headless Chromium: ``lang`` and ``dir`` set, the theme's stylesheet and name applied, DIDs kept left to
right inside Arabic, and axe-core (npm, tests/interop/node_modules, injected into the page) finding
no serious or critical violation (the browser context bypasses the pages' CSP only so that axe can be
injected; tests/verifier/test_pages.py checks the CSP itself). Every page also works by keyboard
(Tab reaches each of its controls, in the order they are read) and takes text at 200% (WCAG 2.2
success criteria 2.1.1 and 1.4.4) without its main content overflowing sideways on a phone's
screen. Screenshots of every page in Arabic and in French go to ``$NANSEN_TEST_ARTIFACTS`` (or
``<tmp>/nansen-test-artifacts``), with the Arabic ones at 200% text too.

The pages visited, against the routes that render HTML (`ROUTES` names them; a test compares it
with the services' routers, so a new page cannot be left out unnoticed):

- verifier: the scan page; its error; the verdict on a pasted lone credential and on a photo of a
  valid presentation sharing its original; the original document; the original refused (its
  ticket already spent); the request to the person's wallet (OpenID4VP), again before an answer,
  and refused for a wrong read key;
- console: sign-in and its refusal; the credentials list (empty, with one, after revoking it);
  onboarding and its refusal; the upload form; the issued credential; the confirmation before
  revoking; the error page.
"""

from __future__ import annotations

import json
import re
import ssl
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, Page, Playwright

from issuer.console.i18n import CATALOGUES as CONSOLE
from issuer.console.pages import router as console_router
from issuer.settings import Settings as IssuerSettings
from nansen.ipfs import EmbeddedStore
from nansen.qr import encode_presentation
from nansen.timeutil import now
from service.theme import Theme, load
from tests.attacks.test_theme import GOOD_SVG, make_theme
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import HOLDER, signed_credential
from tests.httpsserver import Server
from tests.issuer.conftest import LiveServer, add_partner
from tests.issuer.payloads import png
from tests.test_i18n import LANGUAGES as SHIPPED
from tests.verifier.issuing import (
    credential,
    presentation_at,
    serve_status_lists,
    status_lists_of,
    store_document,
    trust_settings,
)
from tests.verifier.pictures import artifacts, camera_jpeg
from tests.verifier.support import FakeClock, service, sqlite_url
from verifier.api.scan import router as scan_router
from verifier.dependencies import get_store
from verifier.pages.ask import router as ask_router
from verifier.pages.challenge import router as challenge_router
from verifier.pages.routes import router as verifier_router

pytest_plugins = ["tests.httpsserver"]

#: The shipped languages (tests/test_i18n.py holds the list a new language is added to), English first.
LANGUAGES = sorted(SHIPPED, key=lambda tag: (tag != "en", tag))
SHOT_LANGUAGES = {"ar", "fr"}
#: Every route of the two services that answers with a page, as ``METHOD path``, and the pages
#: (the ``name`` given to `check_page`) that show what it renders.
ROUTES = {
    "verifier": {
        "GET /": {"verifier-scan"},
        "POST /verify-page": {"verifier-error", "verifier-verdict"},
        "POST /scan": {"verifier-valid"},
        "POST /document": {"verifier-original", "verifier-original-refused"},
        "POST /ask": {"verifier-ask"},
        "POST /ask/verdict": {"verifier-ask-waiting", "verifier-ask-gone"},
        "POST /challenge": {"verifier-challenge"},
    },
    "console": {
        "GET /console/sign-in": {"console-sign-in"},
        "POST /console/sign-in": {"console-sign-in-refused"},
        "GET /console/credentials": {
            "console-credentials",
            "console-listed",
            "console-revoked",
            "console-error",
        },
        "GET /console/onboard": {"console-onboard"},
        "POST /console/onboard": {"console-upload", "console-onboard-refused"},
        "POST /console/documents": {"console-issued"},
        "POST /console/credentials/status": {"console-confirm"},
    },
}
#: Routes that answer with no page of their own (a redirect, a file), and why.
NOT_PAGES = {
    "GET /console": "redirects to the credentials",
    "POST /console/sign-out": "redirects to sign-in",
    "GET /static/{name}": "the verifier's stylesheet and script",
}
#: The default text size of Chromium (standard and fixed fonts), and twice it: a person's
#: "text size 200%" (WCAG 2.2, 1.4.4 Resize Text).
TEXT_SIZE = {"standard": 16, "fixed": 13}
LARGE_TEXT = {name: size * 2 for name, size in TEXT_SIZE.items()}
#: Every control a person operates: Tab must reach each (radios: one stop per group, as browsers do).
CONTROLS = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])"
)
AXE = Path(__file__).resolve().parents[1] / "interop" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 412, "height": 915}
THEME_BODY = (
    '[colours]\nbackground = "#fffdf7"\ntext = "#202020"\naccent = "#6b1d89"\naccent_text = "#ffffff"\n'
)


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(params=[False, True], ids=["plain", "themed"])
def theme(request: pytest.FixtureRequest, tmp_path: Path) -> Theme | None:
    if not request.param:
        return None
    return load(make_theme(tmp_path / "theme", THEME_BODY, ("logo.svg", GOOD_SVG.encode())))


def check_keyboard(page: Page, name: str) -> None:
    """Tab, from the top of the page, reaches every control in the order the page is read, and no
    control takes a place of its own in that order (a positive ``tabindex``)."""
    controls: list[str] = page.evaluate(
        """selector => {
            const shown = [...document.querySelectorAll(selector)].filter(e =>
                !e.disabled && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden");
            return shown.map((e, i) => {
                e.dataset.stop = e.type === "radio" ? `radio:${e.name}` : `${i}`;
                return e.dataset.stop;
            });
        }""",
        CONTROLS,
    )
    assert controls, name
    jumping = page.evaluate("[...document.querySelectorAll('[tabindex]')].filter(e => e.tabIndex > 0).length")
    assert jumping == 0, name
    wanted = list(dict.fromkeys(controls))
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    reached: list[str] = []
    for _ in range(4 * len(controls) + 3):  # a date field takes one stop per part (day, month, year)
        page.keyboard.press("Tab")
        stop = page.evaluate("document.activeElement && document.activeElement.dataset.stop || null")
        if stop is not None and (not reached or reached[-1] != stop):
            reached.append(stop)
        if len(reached) >= len(wanted):
            break
    assert reached == wanted, f"{name}: Tab reached {reached}, the controls are {wanted}"


def wider(page: Page) -> list[str]:
    """The text and elements that stick out of the main content, sideways (to say what to fix)."""
    found: list[str] = page.evaluate(
        """() => {
            const main = document.querySelector("main").getBoundingClientRect();
            const out = r => r.width > 0 && (r.right > main.right + 0.5 || r.left < main.left - 0.5);
            const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
            const found = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const range = document.createRange();
                range.selectNodeContents(node);
                if ([...range.getClientRects()].some(out)) found.push(node.textContent.trim().slice(0, 40));
            }
            return found.concat([...document.querySelectorAll("main *")]
                .filter(e => out(e.getBoundingClientRect())).map(e => `<${e.tagName.toLowerCase()} class="${e.className}">`));
        }"""
    )
    return found


def check_large_text(page: Page, lang: str, theme: Theme | None, name: str) -> None:
    """With text at twice the browser's size (Chromium's own setting, through the DevTools protocol:
    what a person with low vision sets), the main content of a phone-sized page still fits its width
    (WCAG 2.2 1.4.4 and 1.4.10): nothing to scroll sideways to read."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("Page.setFontSizes", {"fontSizes": LARGE_TEXT})
    try:
        root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert root == LARGE_TEXT["standard"], (name, root)  # the setting took effect
        widths = page.evaluate(
            """() => {
                const main = document.querySelector("main");
                const page = document.documentElement;
                return [main.scrollWidth, main.clientWidth, page.scrollWidth, page.clientWidth];
            }"""
        )
        main_scroll, main_width, page_scroll, page_width = widths
        assert main_scroll <= main_width, (name, lang, widths, wider(page))
        assert page_scroll <= page_width, (name, lang, widths, wider(page))
        if lang == "ar":
            path = artifacts() / f"pages-{name}-{lang}-{'themed' if theme else 'plain'}-text200.png"
            # The screen's height only: Playwright's full-page capture resets Chromium's text size.
            page.screenshot(path=str(path))
    finally:
        devtools.send("Page.setFontSizes", {"fontSizes": TEXT_SIZE})
        devtools.detach()


def check_page(page: Page, lang: str, theme: Theme | None, name: str, visited: set[str]) -> None:
    """``lang`` and ``dir``, the theme, the language switch, no serious accessibility violation, the
    keyboard, and text at 200%."""
    visited.add(name)
    assert page.get_attribute("html", "lang") == lang
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    switch = page.locator("nav a[hreflang]")
    assert switch.count() == len(LANGUAGES) - 1
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    if theme is not None:
        assert background == "rgb(255, 253, 247)"
        assert "Harbour Legal Aid" in page.inner_text("header")
        # Loaded (complete), then drawn: a broken logo completes with no width.
        page.wait_for_function("document.querySelector('header img').complete", timeout=30_000)
        assert page.evaluate("document.querySelector('header img').naturalWidth") > 0
    else:
        assert background == "rgb(255, 255, 255)"
    assert AXE.exists(), "axe-core is missing: run ./dev setup (tests/interop/package.json)"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations.map(v => [v.id, v.impact])")
    serious = [v for v in found if v[1] in ("serious", "critical")]
    assert serious == [], (name, lang, serious)
    if lang in SHOT_LANGUAGES:
        path = artifacts() / f"pages-{name}-{lang}-{'themed' if theme else 'plain'}.png"
        page.screenshot(path=str(path), full_page=True)
    check_keyboard(page, name)
    check_large_text(page, lang, theme, name)


def shown(role: str) -> set[str]:
    return {name for names in ROUTES[role].values() for name in names}


def routes_of(*routers: APIRouter) -> set[str]:
    return {
        f"{method} {route.path}"
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }


def test_the_matrix_knows_every_route_that_renders_a_page() -> None:
    """Each route of the verifier's pages and scan, and of the console, is a page the tests below
    visit or is named as no page; a new route fails here until it is added to one or the other."""
    routers = {
        "verifier": routes_of(verifier_router, scan_router, ask_router, challenge_router),
        "console": routes_of(console_router),
    }
    for role, routes in routers.items():
        assert routes - set(NOT_PAGES) == set(ROUTES[role]), role
    assert set(NOT_PAGES) <= routers["verifier"] | routers["console"]


@pytest.fixture
def trusting(tmp_path: Path, https: Server, client_tls: ssl.SSLContext) -> dict[str, Any]:
    """A verifier's settings trusting PARTNER, its status lists served over HTTPS on loopback."""
    clock = FakeClock(now())
    return {
        "status_base": serve_status_lists(https),
        "status_lists": status_lists_of(tmp_path / "status-lists", client_tls, clock),
        "clock": clock,
        **trust_settings(tmp_path),
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_verifier_pages(
    browser: Browser, tmp_path: Path, theme: Theme | None, lang: str, trusting: dict[str, Any]
) -> None:
    overrides: dict[str, Any] = {"theme": theme} if theme else {}
    base, clock = trusting.pop("status_base"), trusting["clock"]
    store = EmbeddedStore(tmp_path / "ipfs")
    document = store_document(store)
    signed = credential(base, related_resource=[document.resource])
    presentation = presentation_at(signed, clock.moment, access=document.access(signed["id"]))
    photo = tmp_path / "qr.jpg"
    photo.write_bytes(camera_jpeg(encode_presentation(presentation)))
    visited: set[str] = set()
    with service(sqlite_url(tmp_path), tmp_path, **trusting, **overrides) as running:
        running.app.dependency_overrides[get_store] = lambda: store
        page = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
        page.goto(f"{running.url}/?lang={lang}")
        check_page(page, lang, theme, "verifier-scan", visited)
        page.fill("#text", json.dumps(signed_credential()))
        with page.expect_navigation():
            page.click("form[action^='/verify-page'] button[type=submit]")
        page.wait_for_selector("[data-verdict]")
        check_page(page, lang, theme, "verifier-verdict", visited)
        if lang != "en":  # the pipeline's reasons are translated, the English detail kept beside them
            assert page.locator("td small.detail[lang=en][dir=ltr]").count() > 0
        page.goto(f"{running.url}/?lang={lang}")
        with page.expect_navigation():
            page.click("form[action^='/verify-page'] button[type=submit]")  # nothing pasted
        page.wait_for_selector("p.error[role=alert]")
        check_page(page, lang, theme, "verifier-error", visited)
        page.goto(f"{running.url}/?lang={lang}")
        page.set_input_files("#image", str(photo))
        with page.expect_navigation():
            page.click("form[action^='/scan'] button[type=submit]")
        assert page.get_attribute("[data-verdict]", "data-verdict") == "VALID"
        check_page(page, lang, theme, "verifier-valid", visited)
        ticket = page.input_value("form.original input[name=ticket]")
        with page.expect_navigation():
            page.click("form.original button[type=submit]")
        page.wait_for_selector(".original img")
        check_page(page, lang, theme, "verifier-original", visited)
        with page.expect_navigation():  # the same ticket again: spent
            page.evaluate(
                """([ticket, text, lang]) => {
                    const form = Object.assign(document.createElement("form"),
                        {method: "post", action: `/document?lang=${lang}`});
                    for (const [name, value] of Object.entries({ticket, text})) {
                        form.append(Object.assign(document.createElement("input"), {type: "hidden", name, value}));
                    }
                    document.body.append(form);
                    form.submit();
                }""",
                [ticket, json.dumps(presentation), lang],
            )
        assert page.get_attribute("p.error[role=alert]", "data-problem") == "used"
        check_page(page, lang, theme, "verifier-original-refused", visited)
        page.goto(f"{running.url}/?lang={lang}")
        with page.expect_navigation():
            page.click("#ask button[type=submit]")
        page.wait_for_selector("#ask-code img")
        check_page(page, lang, theme, "verifier-ask", visited)
        with page.expect_navigation():  # before the wallet answers: the request again
            page.click("#ask-verdict button[type=submit]")
        page.wait_for_selector("#ask-code img")
        check_page(page, lang, theme, "verifier-ask-waiting", visited)
        with page.expect_navigation():  # another key: as if there were no such request
            page.evaluate(
                """() => {
                    const form = document.getElementById("ask-verdict").cloneNode(true);
                    form.elements.namedItem("key").value = "guessed";
                    document.body.append(form);
                    form.submit();
                }"""
            )
        page.wait_for_selector("p.error[role=alert]")
        check_page(page, lang, theme, "verifier-ask-gone", visited)
        page.goto(f"{running.url}/?lang={lang}")
        with page.expect_navigation():
            page.click("#give-challenge-button")
        page.wait_for_selector("#challenge-qr")
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page.inner_text("#challenge-code"))
        check_page(page, lang, theme, "verifier-challenge", visited)
        page.context.close()
    assert visited == shown("verifier")


@pytest.fixture
def settings(settings: IssuerSettings, theme: Theme | None) -> IssuerSettings:
    """The issuer's test settings (tests/issuer/conftest.py), with the theme when there is one."""
    return replace(settings, theme=theme) if theme else settings


@pytest.mark.parametrize("lang", LANGUAGES)
def test_console_pages(browser: Browser, live_server: LiveServer, theme: Theme | None, lang: str) -> None:
    partner = add_partner(live_server.settings, "Harbour Shelter")
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    visited: set[str] = set()
    page.goto(f"/console/sign-in?lang={lang}")
    check_page(page, lang, theme, "console-sign-in", visited)
    page.fill("#api_key", "not-a-key")
    page.click("main button[type=submit]")
    page.wait_for_selector("main .error")
    check_page(page, lang, theme, "console-sign-in-refused", visited)
    page.fill("#api_key", partner.api_key)
    page.click("main button[type=submit]")
    page.wait_for_url("**/console/credentials")
    check_page(page, lang, theme, "console-credentials", visited)
    page.goto("/console/onboard")
    check_page(page, lang, theme, "console-onboard", visited)
    page.fill("#holder", "did:example:not-a-holder")
    page.click("main button[type=submit]")
    page.wait_for_selector("main .error")
    refusal = page.inner_text("main .error")
    assert "did:key:z6Mk" in refusal
    assert (refusal.startswith("This is not a DID")) == (lang == "en")  # in the page's language
    check_page(page, lang, theme, "console-onboard-refused", visited)
    page.fill("#holder", HOLDER.controller)
    page.click("main button[type=submit]")
    page.wait_for_selector("input[name=holder]", state="attached")
    check_page(page, lang, theme, "console-upload", visited)
    holder = page.locator("bdi.did")
    assert holder.get_attribute("dir") == "ltr"  # a DID stays left to right inside Arabic
    page.set_input_files("#scan", {"name": "passport.png", "mimeType": "image/png", "buffer": png(120, 80)})
    page.select_option("#documentType", "Passport")
    page.fill("#givenName", "Amina")
    page.fill("#familyName", "Haddad")
    page.fill("#birthDate", "1990-04-01")
    page.fill("#documentNumber", "N0123456")
    page.fill("#issuingCountry", "SY")
    page.fill("#checkMethod", "Original inspected under UV light")
    page.click("main button[type=submit]")
    page.wait_for_selector("#credential-id")
    check_page(page, lang, theme, "console-issued", visited)
    page.goto("/console/credentials")
    assert page.locator("tr[data-credential]").count() == 1
    check_page(page, lang, theme, "console-listed", visited)
    page.locator("tr[data-credential] button.danger").click()  # Revoke: asks first
    page.wait_for_selector("input[name=confirm][value=yes]", state="attached")
    assert page.inner_text("h1") == CONSOLE.translator(lang)("confirm.title")
    shown_kind = page.inner_text("main")
    kind = CONSOLE.translator(lang)("credential_type.IdentityDocumentCredential")
    assert kind in shown_kind  # the kind and the date in the page's language, not the record's words
    assert "IdentityDocumentCredential" not in shown_kind
    check_page(page, lang, theme, "console-confirm", visited)
    page.click("main button.danger")
    page.wait_for_url("**/console/credentials?done=revoke")
    assert page.locator("p.notice[role=status]").count() == 1
    assert page.locator("tr[data-credential] .status-set").count() == 1  # revoked, nothing left to do
    check_page(page, lang, theme, "console-revoked", visited)
    answer = page.goto("/console/credentials?page=first")  # not a number: the error page
    assert answer is not None
    assert answer.status == 400
    check_page(page, lang, theme, "console-error", visited)
    context.close()
    assert visited == shown("console")
