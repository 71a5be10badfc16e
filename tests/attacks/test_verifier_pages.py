"""Attacks on the verifier's pages in a real headless Chromium (issue 9): a bare credential pasted into
the scan page, and a forged credential naming a trusted partner, are never shown as VALID, and show
neither the partner nor the person's facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from nansen.proofs import ProofOptions, add_proof
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import ISSUED, STRANGER, identity_credential, signed_credential
from tests.verifier.issuing import PARTNER_NAME, trust_settings
from tests.verifier.support import one_way, service, sqlite_url
from verifier import Mode


def pasted(playwright: Playwright, url: str, text: str, lang: str) -> tuple[str, str]:
    """Paste ``text`` into the scan page's box and submit it; the verdict and the result's text."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        page.goto(f"{url}/?lang={lang}")
        page.fill("#text", text)
        page.locator("#text ~ button[type=submit]").click()
        page.wait_for_selector("[data-verdict]")
        verdict = page.get_attribute("[data-verdict]", "data-verdict") or ""
        return verdict, page.inner_text("#result")
    finally:
        browser.close()


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "not presented by its holder"), ("fr", "pas été présentée")]
)
def test_a_pasted_credential_is_shown_as_not_presented_by_its_holder(
    playwright: Playwright, tmp_path: Path, lang: str, words: str
) -> None:
    with service(sqlite_url(tmp_path), tmp_path, mode=Mode.CHALLENGE, **trust_settings(tmp_path)) as running:
        verdict, shown = pasted(playwright, running.url, json.dumps(signed_credential()), lang)
    assert verdict == "NOT VALID"
    assert words in shown
    for hidden in ("Amina", "Haddad", "N0123456", "Every check passed", "Tous les contrôles sont réussis"):
        assert hidden not in shown


def test_a_forged_credential_shows_neither_the_partner_nor_the_facts(
    playwright: Playwright, tmp_path: Path
) -> None:
    forged = add_proof(identity_credential(), STRANGER, ProofOptions(created=ISSUED))
    with service(sqlite_url(tmp_path), tmp_path, **trust_settings(tmp_path)) as running:
        verdict, shown = pasted(playwright, running.url, json.dumps(one_way(forged)), "en")
    assert verdict == "NOT VALID"
    for hidden in (PARTNER_NAME, "Amina", "Haddad", "N0123456"):
        assert hidden not in shown
