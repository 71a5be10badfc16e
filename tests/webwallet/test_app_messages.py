"""The web wallet's words are all in its catalogues (wallet/web/messages): every key the screens ask
for (and the host's page for a missing build, wallet/host/web.py) is in English, and English has no
key that nothing asks for (`nansen i18n check` and tests/test_i18n.py compare the other languages
with English)."""

from __future__ import annotations

import json
import re

from nansen.facts import FACT_TERMS
from tests.webwallet.app_support import DIST, WEB, build_if_needed
from wallet.webapp import CATALOGUES

#: Keys the code builds from data rather than naming them: a fact's label, a document's kind, an
#: engine error's code.
BUILT = re.compile(r"^(fact|document|engine)\.")


def asked_for() -> set[str]:
    keys: set[str] = set()
    for path in [*(WEB / "src" / "ui").rglob("*.js"), WEB.parent / "host" / "web.py"]:
        keys |= set(re.findall(r"\bt\(\s*\"([a-z_.]+)\"", path.read_text(encoding="utf-8")))
    keys |= set(
        re.findall(r'data-i18n="([a-z_.]+)"', (WEB / "static" / "index.html").read_text(encoding="utf-8"))
    )
    return keys


def test_every_key_asked_for_is_in_english_and_every_english_key_is_asked_for() -> None:
    english = set(CATALOGUES.entries["en"])
    asked = asked_for()
    assert asked, "no t(...) call found: the pattern no longer matches the code"
    assert asked - english == set()
    assert {key for key in english - asked if not BUILT.match(key)} == {"language.name"}


def test_the_screens_hold_no_text_of_their_own() -> None:
    """No string literal reaches the page except through t(): no textContent = "…" of words."""
    for path in (WEB / "src" / "ui").rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"textContent\s*=\s*\"[A-Za-z]", text), path
        assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML", text), path


def test_every_fact_a_credential_can_carry_has_a_label_in_every_language() -> None:
    """A card and the present screen's choice of facts show each fact by its label, never by its
    term: the identity document's facts (nansen.facts.FACT_TERMS) and the SD-JWT VC's
    ``documentType`` (nansen.sdjwt.identity)."""
    names = {*FACT_TERMS, "documentType"}
    for language, entries in CATALOGUES.entries.items():
        assert {name for name in names if f"fact.{name}" not in entries} == set(), language


def test_the_app_orders_the_facts_by_pythons_list() -> None:
    """A card lists an identity document's facts in `nansen.facts.FACT_TERMS`' order: the build takes
    the list from Python (build.mjs, "nansen:fact-terms"), so the screens hold no copy of it."""
    build_if_needed()
    (app,) = DIST.glob("app-*.js")
    assert json.dumps(list(FACT_TERMS), separators=(",", ":")) in app.read_text(encoding="utf-8")
    screens = (WEB / "src" / "ui" / "screens" / "wallet.js").read_text(encoding="utf-8")
    assert 'import FACT_TERMS from "nansen:fact-terms";' in screens
    assert not any(f'"{term}"' in screens for term in FACT_TERMS)
