"""Every page of the verifier and the console in every language, with and without a theme, in a real
headless Chromium: ``lang`` and ``dir`` set, the theme's stylesheet and name applied, DIDs kept left to
right inside Arabic, and axe-core (npm, tests/interop/node_modules, injected into the page) finding
no serious or critical violation (the browser context bypasses the pages' CSP only so that axe can be
injected; tests/verifier/test_pages.py checks the CSP itself). Screenshots of every page in Arabic and in French go to
``$NANSEN_TEST_ARTIFACTS`` (or ``<tmp>/nansen-test-artifacts``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright

from issuer.settings import Settings as IssuerSettings
from service.theme import Theme, load
from tests.attacks.test_theme import GOOD_SVG, make_theme
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import HOLDER
from tests.issuer.conftest import LiveServer, add_partner
from tests.issuer.payloads import png
from tests.verifier.issuing import signed_credential
from tests.verifier.pictures import artifacts
from tests.verifier.support import service, sqlite_url

LANGUAGES = ["en", "fr", "es", "ar", "uk"]
SHOT_LANGUAGES = {"ar", "fr"}
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


def check_page(page: Page, lang: str, theme: Theme | None, name: str) -> None:
    """``lang`` and ``dir``, the theme, the language switch, and no serious accessibility violation."""
    assert page.get_attribute("html", "lang") == lang
    assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
    switch = page.locator("nav a[hreflang]")
    assert switch.count() == len(LANGUAGES) - 1
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    if theme is not None:
        assert background == "rgb(255, 253, 247)"
        assert "Harbour Legal Aid" in page.inner_text("header")
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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_verifier_pages(browser: Browser, tmp_path: Path, theme: Theme | None, lang: str) -> None:
    overrides: dict[str, Any] = {"theme": theme} if theme else {}
    with service(sqlite_url(tmp_path), tmp_path, **overrides) as running:
        page = browser.new_context(viewport=PHONE, bypass_csp=True).new_page()
        page.goto(f"{running.url}/?lang={lang}")
        check_page(page, lang, theme, "verifier-scan")
        page.fill("#text", json.dumps(signed_credential()))
        with page.expect_navigation():
            page.click("form[action^='/verify-page'] button[type=submit]")
        page.wait_for_selector("[data-verdict]")
        check_page(page, lang, theme, "verifier-verdict")
        if lang != "en":  # the pipeline's reasons are translated, the English detail kept beside them
            assert page.locator("td small.detail[lang=en][dir=ltr]").count() > 0
        page.goto(f"{running.url}/?lang={lang}")
        with page.expect_navigation():
            page.click("form[action^='/verify-page'] button[type=submit]")  # nothing pasted
        page.wait_for_selector("p.error[role=alert]")
        check_page(page, lang, theme, "verifier-error")
        page.context.close()


@pytest.fixture
def settings(settings: IssuerSettings, theme: Theme | None) -> IssuerSettings:
    """The issuer's test settings (tests/issuer/conftest.py), with the theme when there is one."""
    return replace(settings, theme=theme) if theme else settings


@pytest.mark.parametrize("lang", LANGUAGES)
def test_console_pages(browser: Browser, live_server: LiveServer, theme: Theme | None, lang: str) -> None:
    partner = add_partner(live_server.settings, "Harbour Shelter")
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/console/sign-in?lang={lang}")
    check_page(page, lang, theme, "console-sign-in")
    page.fill("#api_key", partner.api_key)
    page.click("main button[type=submit]")
    page.wait_for_url("**/console/credentials")
    check_page(page, lang, theme, "console-credentials")
    page.goto("/console/onboard")
    check_page(page, lang, theme, "console-onboard")
    page.fill("#holder", HOLDER.controller)
    page.click("main button[type=submit]")
    page.wait_for_selector("input[name=holder]", state="attached")
    check_page(page, lang, theme, "console-upload")
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
    check_page(page, lang, theme, "console-issued")
    page.goto("/console/credentials")
    assert page.locator("tr[data-credential]").count() == 1
    check_page(page, lang, theme, "console-listed")
    page.locator("tr[data-credential] button").first.click()
    page.wait_for_selector("main button.danger, main form")
    check_page(page, lang, theme, "console-confirm")
    context.close()
