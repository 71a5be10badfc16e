"""The pages: server-rendered, readable on a phone, nothing from elsewhere, English and French; the
paste fallback (JSON or a QR code's text), and trust always judged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nansen import vcdm
from nansen.facts import FACT_TERMS
from nansen.qr import encode_presentation
from nansen.verify import Outcome, Verdict
from service.i18n import _ranked
from tests.helpers import signed_credential
from tests.verifier.issuing import PARTNER_NAME
from tests.verifier.support import Service, one_way, service, sqlite_url
from verifier import Mode
from verifier.pages.render import CATALOGUES


def paste(running: Service, text: str, lang: str = "en") -> tuple[int, str]:
    response = running.client.post(f"{running.url}/verify-page?lang={lang}", data={"text": text})
    assert response.headers["content-type"].startswith("text/html")
    return response.status_code, response.text


def assert_self_contained(html: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "no external resource"
    assert re.findall(r"<script[^>]*>", html) in ([], ['<script src="/static/scan.js" defer>'])
    assert "style=" not in html


@pytest.mark.parametrize(
    ("query", "accept", "lang", "words"),
    [
        ("", "", "en", ["Check a credential", "QR code text or JSON", ">Check</button>"]),
        ("?lang=fr", "", "fr", ["Vérifier une attestation", "Texte du code QR ou JSON"]),
        ("", "fr-CH, fr;q=0.9, en;q=0.8", "fr", ["Vérifier une attestation"]),
        ("", "de, en;q=0.5, fr;q=0.4", "en", ["Check a credential"]),
        ("?lang=en", "fr", "en", ["Check a credential"]),
    ],
)
def test_the_page_in_each_language(
    verifier_service: Service, query: str, accept: str, lang: str, words: list[str]
) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    response = verifier_service.client.get(verifier_service.url + "/" + query, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    assert f'<html lang="{lang}" dir="ltr">' in response.text
    assert 'action="/verify-page?lang=' + lang in response.text
    for word in words:
        assert word in response.text
    assert_self_contained(response.text)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["permissions-policy"].startswith("camera=(self)")


@pytest.mark.parametrize(
    ("lang", "verdict", "checks"),
    [
        (
            "en",
            "Valid",
            ["Signature", "Presented by its holder", "Made just now", "Shown only once", "passed"],
        ),
        ("fr", "Valide", ["Signature", "Présentée par son titulaire", "Faite à l&#39;instant", "réussi"]),
    ],
)
def test_a_pasted_presentation_shows_the_verdict_and_every_check(
    trusted_service: Service, lang: str, verdict: str, checks: list[str]
) -> None:
    status, html = paste(trusted_service, json.dumps(one_way(signed_credential())), lang)
    assert status == 200
    assert 'class="verdict verdict-VALID" role="status" data-verdict="VALID">' in html
    assert f"<span>{verdict}</span></div>" in html
    for word in checks:
        assert word in html
    assert_self_contained(html)


def test_a_replayed_or_tampered_paste_is_not_valid(trusted_service: Service) -> None:
    verifier_service = trusted_service
    vp = json.dumps(one_way(signed_credential()))
    assert paste(verifier_service, vp)[0] == 200
    status, html = paste(verifier_service, vp, "fr")
    assert status == 200
    for word in ("verdict-NOT-VALID", "Non valide", "échoué"):
        assert word in html
    credential = signed_credential()
    credential["validFrom"] = "2020-01-01T00:00:00Z"
    status, html = paste(verifier_service, json.dumps(credential))
    assert "verdict-NOT-VALID" in html
    assert "Not valid" in html


def test_a_pasted_credential_is_checked(trusted_service: Service) -> None:
    status, html = paste(trusted_service, json.dumps(signed_credential()), "fr")
    assert status == 200
    assert "Attestation 1" in html
    assert "Valide" in html


@pytest.mark.parametrize(
    ("text", "en", "fr"),
    [
        ("", "Paste the text of a QR code first.", "Collez d&#39;abord le texte d&#39;un code QR."),
        ("HC1:NOT-YET", "The text is not a presentation or credential", "Ce texte n&#39;est pas"),
        ('{"type": "Other"}', "neither a presentation nor a credential", "ni une présentation"),
    ],
)
def test_unreadable_pastes_are_explained(verifier_service: Service, text: str, en: str, fr: str) -> None:
    for lang, message in (("en", en), ("fr", fr)):
        status, html = paste(verifier_service, text, lang)
        assert status == 400
        assert message in html
        assert 'role="alert"' in html


def test_in_challenge_mode_the_page_refuses_presentations(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path, mode=Mode.CHALLENGE) as running:
        status, html = paste(running, json.dumps(one_way(signed_credential())))
        assert status == 400
        assert "only presentations made for one of its challenges" in html


def test_the_catalogues_have_the_same_messages_and_placeholders() -> None:
    assert set(CATALOGUES.entries) == {"en", "fr", "es", "ar", "uk"}
    for lang in CATALOGUES.entries:
        assert CATALOGUES.gaps(lang) == [], lang


def test_language_negotiation() -> None:
    assert _ranked("fr;q=0.5, en-GB;q=0.9, de") == ["de", "en", "fr"]
    assert _ranked("fr;q=0, en;q=bad") == []
    assert CATALOGUES.choose("FR", "") == "fr"
    assert CATALOGUES.choose("xx", "fr") == "fr"
    assert CATALOGUES.choose(None, "xx") == "en"


def test_a_pasted_qr_text_is_read_with_the_codec(trusted_service: Service) -> None:
    text = encode_presentation(one_way(signed_credential()))
    status, html = paste(trusted_service, text)
    assert status == 200
    assert 'data-verdict="VALID"' in html
    assert PARTNER_NAME in html
    status, html = paste(trusted_service, text[:-10] + "AAAAAAAAAA")
    assert status == 400
    assert 'data-problem="damaged"' in html


def test_the_pages_judge_trust_even_without_a_trust_list(verifier_service: Service) -> None:
    """The VC-API endpoints verify without a trust list (as the W3C suites expect); a page never
    calls a credential valid without knowing its issuer is trusted."""
    credential = signed_credential()
    assert (
        verifier_service.post("/credentials/verify", {"verifiableCredential": credential}).status_code == 200
    )
    status, html = paste(verifier_service, json.dumps(one_way(credential)))
    assert status == 200
    assert 'data-verdict="CANNOT CONFIRM"' in html
    assert "No trust list is loaded" in html
    assert "not confirmed as a trusted partner" in html


@pytest.mark.parametrize(("name", "kind"), [("scan.js", "text/javascript"), ("verifier.css", "text/css")])
def test_the_script_and_the_stylesheet_are_served_from_here(
    verifier_service: Service, name: str, kind: str
) -> None:
    response = verifier_service.client.get(f"{verifier_service.url}/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(kind)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "http" not in response.text  # nothing is fetched from elsewhere


@pytest.mark.parametrize("name", ["other.js", "..%2Froutes.py", "scan.js.map"])
def test_nothing_else_is_served_as_static(verifier_service: Service, name: str) -> None:
    response = verifier_service.client.get(f"{verifier_service.url}/static/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_every_page_string_is_in_both_catalogues() -> None:
    """Every key the templates name literally is in the catalogues (the others are built from
    check names, outcomes, verdicts, kinds of problem and facts, checked below)."""
    templates = Path(__file__).resolve().parents[2] / "verifier" / "pages" / "templates"
    used = {
        k
        for path in templates.glob("*.html")
        for k in re.findall(r"""t\(["']([\w.-]+)["']\s*[,)]""", path.read_text())
    }
    assert used
    for lang, entries in CATALOGUES.entries.items():
        assert used <= set(entries), (lang, used - set(entries))
        for prefix, names in (
            ("fact.", FACT_TERMS),
            ("document.", vcdm.IDENTITY_DOCUMENT_TYPES),
            ("verdict.", [v.value for v in Verdict]),
            ("outcome.", [o.value for o in Outcome]),
        ):
            assert {prefix + n for n in names} <= set(entries), (lang, prefix)
