"""The services' languages (service/i18n.py): complete catalogues, fallback, plurals, direction, the
``nansen i18n check`` command a translator runs."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from issuer.console.i18n import CATALOGUES as CONSOLE
from service.i18n import Catalogues, direction, plural_categories
from verifier.pages.render import CATALOGUES as VERIFIER
from wallet.webapp import CATALOGUES as WEB_WALLET

LANGUAGES = {"en", "fr", "es", "ar", "uk"}
SERVICES = {"console": CONSOLE, "verifier": VERIFIER, "webwallet": WEB_WALLET}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_key_and_placeholder_is_in_every_language(name: str) -> None:
    catalogues = SERVICES[name]
    assert set(catalogues.entries) == LANGUAGES
    for lang in LANGUAGES:
        assert catalogues.gaps(lang) == [], (name, lang)


def _write(directory: Path, lang: str, entries: dict[str, object]) -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{lang}.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


def test_a_missing_message_falls_back_to_english_never_raises(tmp_path: Path) -> None:
    _write(
        tmp_path, "en", {"language.name": "English", "greeting": "Hello {name}", "only.en": "Only English"}
    )
    _write(tmp_path, "fr", {"language.name": "Français", "greeting": "Bonjour {name}"})
    t = Catalogues(tmp_path).translator("fr")
    assert t("greeting", name="Amina") == "Bonjour Amina"
    assert t("only.en") == "Only English"
    assert t("nowhere", default="Default") == "Default"
    assert t("nowhere") == "nowhere"


def test_gaps_name_missing_keys_plural_forms_and_placeholders(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "en",
        {"a": "A {name}", "b": "B", "n": {"one": "{count} day", "other": "{count} days"}, "c": "C"},
    )
    _write(
        tmp_path,
        "ar",
        {"a": "أ {nom}", "n": {"one": "يوم", "other": "{count} يوم"}, "c": {"other": "x"}, "z": "?"},
    )
    gaps = {str(gap) for gap in Catalogues(tmp_path).gaps("ar")}
    assert "b: missing" in gaps
    assert "a: placeholders not in English (other): {nom}" in gaps
    assert "a: placeholders missing: {name}" in gaps
    assert "n: plural forms missing: few, many, two, zero" in gaps
    assert "c: must be one string, as in English" in gaps
    assert "z: not in English: remove it or add it there" in gaps


def test_plural_forms_follow_each_language() -> None:
    assert plural_categories("ar") == {"zero", "one", "two", "few", "many", "other"}
    assert plural_categories("uk") == {"one", "few", "many", "other"}
    uk, ar, en = (VERIFIER.translator(lang) for lang in ("uk", "ar", "en"))
    assert uk.ago(timedelta(days=2)) == "2 дні тому"
    assert uk.ago(timedelta(days=5)) == "5 днів тому"
    assert uk.ago(timedelta(days=21)) == "21 день тому"
    assert ar.ago(timedelta(days=2)) == "منذ يومين"
    assert en.ago(timedelta(hours=1)) == "1 hour ago"
    assert en.ago(timedelta(days=3)) == "3 days ago"


def test_direction_dates_and_numbers_follow_the_language() -> None:
    assert direction("ar") == "rtl"
    assert {direction(lang) for lang in LANGUAGES - {"ar"}} == {"ltr"}
    moment = datetime(2026, 12, 6, 23, 5, tzinfo=UTC)
    assert VERIFIER.translator("fr").moment(moment) == "6 déc. 2026, 23:05:00"
    assert VERIFIER.translator("en").number(1234567) == "1,234,567"
    assert VERIFIER.translator("fr").number(1234567) == "1\u202f234\u202f567"


def test_negotiation_prefers_the_choice_then_the_browser_then_the_default() -> None:
    assert VERIFIER.choose("ar", "fr") == "ar"
    assert VERIFIER.choose("xx", "uk-UA, en;q=0.5") == "uk"
    assert VERIFIER.choose(None, "de, es;q=0.4") == "es"
    assert VERIFIER.choose(None, "de") == "en"
    assert VERIFIER.with_default("fr").choose(None, "de") == "fr"
    assert VERIFIER.with_default("de").choose(None, "de") == "en"  # no German: the default is ignored


def _nansen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nansen", *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_i18n_check_says_nothing_is_missing_for_the_shipped_languages() -> None:
    done = _nansen("i18n", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Nothing is missing (ar, es, fr, uk)." in done.stdout


def test_i18n_check_lists_what_a_new_language_lacks() -> None:
    done = _nansen("i18n", "check", "de")
    assert done.returncode == 1
    assert "de console: no catalogue; copy" in done.stdout
    assert "de verifier: no catalogue; copy" in done.stdout
    assert "de webwallet: no catalogue; copy" in done.stdout
    assert "3 to do." in done.stdout
