"""A deployment's theme (service/theme.py) is refused at start-up when it could hurt a page: a logo that
could run or fetch something, a logo too large, a logo outside the theme's folder, colours a person
cannot read (WCAG AA). A good theme is served by both services under the strict CSP."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from nansen.errors import ConfigurationError
from service import theme
from service.theme import MAX_LOGO_BYTES, contrast_ratio, load
from tests.verifier.support import service, sqlite_url

GOOD_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g">'
    '<stop offset="0" stop-color="#123"/></linearGradient></defs><title>Logo</title>'
    '<rect width="10" height="10" fill="url(#g)"/></svg>'
)
MALICIOUS_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "event handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "handler on a child": '<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x()" width="1" height="1"/></svg>',
    "foreignObject": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject></svg>',
    "external image": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://tracker.example/p.png"/></svg>',
    "external use": '<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/s.svg#a"/></svg>',
    "javascript href": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><rect width="1" height="1"/></a></svg>',
    "external url in style": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://evil.example/x)" width="1" height="1"/></svg>',
    "style element": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
    "entity expansion": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><title>&b;</title></svg>',
    "external entity": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><title>&x;</title></svg>',
    "not svg": '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "not xml": "<svg",
}


def make_theme(directory: Path, body: str = "", logo: tuple[str, bytes] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = ['name = "Harbour Legal Aid"', 'support = "help@harbour.example"', 'default_language = "fr"']
    if logo:
        (directory / logo[0]).write_bytes(logo[1])
        lines.append(f'logo = "{logo[0]}"')
    (directory / "theme.toml").write_text("\n".join(lines) + "\n" + body, encoding="utf-8")
    return directory


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#1d4e89").save(out, format="PNG")
    return out.getvalue()


def refusal(directory: Path) -> str:
    with pytest.raises(ConfigurationError) as refused:
        load(directory)
    message = str(refused.value)
    assert message.startswith("NANSEN_THEME_DIR: ")
    return message


def test_a_good_theme_is_read(tmp_path: Path) -> None:
    body = (
        '[colours]\nbackground = "#FFFFFF"\ntext = "#222222"\naccent = "#6b1d89"\naccent_text = "#ffffff"\n'
    )
    loaded = load(make_theme(tmp_path, body, ("logo.svg", GOOD_SVG.encode())))
    assert loaded.name == "Harbour Legal Aid"
    assert loaded.default_language == "fr"
    assert loaded.logo is not None
    assert loaded.logo.media_type == "image/svg+xml"
    assert "--theme-accent: #6b1d89;" in loaded.stylesheet()
    assert "--theme-background: #ffffff;" in loaded.stylesheet()


def test_contrast_is_computed_as_wcag_defines_it() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under AA


@pytest.mark.parametrize(
    ("colours", "named"),
    [
        ('text = "#777777"', "text #777777 on background #ffffff has a contrast of 4.48:1"),
        ('accent = "#ffff00"', "accent #ffff00 on background #ffffff"),
        ('accent_text = "#2a5d99"', "accent_text #2a5d99 on accent #1d4e89"),
        ('background = "#000000"', "text #1a1a1a on background #000000"),
    ],
)
def test_colours_a_person_cannot_read_are_refused(tmp_path: Path, colours: str, named: str) -> None:
    message = refusal(make_theme(tmp_path, f"[colours]\n{colours}\n"))
    assert named in message
    assert "WCAG AA" in message


@pytest.mark.parametrize("body", ['[colours]\ntext = "red"\n', '[colours]\nverdict_valid = "#000000"\n'])
def test_colours_must_be_hex_and_the_verdict_is_not_themeable(tmp_path: Path, body: str) -> None:
    message = refusal(make_theme(tmp_path, body))
    assert "#rrggbb" in message or "unknown names (verdict_valid)" in message


@pytest.mark.parametrize("kind", sorted(MALICIOUS_SVGS))
def test_an_svg_logo_that_could_act_is_refused(tmp_path: Path, kind: str) -> None:
    message = refusal(make_theme(tmp_path, logo=("logo.svg", MALICIOUS_SVGS[kind].encode())))
    assert "SVG" in message or "logo" in message


def test_a_huge_logo_file_is_refused(tmp_path: Path) -> None:
    padding = "<!-- " + "x" * MAX_LOGO_BYTES + " -->"
    message = refusal(make_theme(tmp_path, logo=("logo.svg", (GOOD_SVG + padding).encode())))
    assert f"at most {MAX_LOGO_BYTES:,}" in message


def test_a_png_logo_of_too_many_pixels_is_refused(tmp_path: Path) -> None:
    message = refusal(make_theme(tmp_path, logo=("logo.png", png(4000, 10))))
    assert "4000 by 10 pixels" in message


def test_a_picture_that_is_not_png_or_svg_is_refused(tmp_path: Path) -> None:
    assert "not a PNG" in refusal(make_theme(tmp_path, logo=("logo.png", b"GIF89a" + b"\0" * 20)))
    assert ".png or .svg" in refusal(make_theme(tmp_path / "b", logo=("logo.gif", b"GIF89a")))


@pytest.mark.parametrize("name", ["../secret.svg", "/etc/passwd", "sub/../../secret.svg"])
def test_a_logo_outside_the_theme_folder_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / "secret.svg").write_text(GOOD_SVG)
    directory = make_theme(tmp_path / "theme", f'logo = "{name}"\n')
    assert "inside the theme's folder" in refusal(directory)


def test_a_logo_linked_from_outside_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.svg").write_text(GOOD_SVG)
    directory = make_theme(tmp_path / "theme", 'logo = "logo.svg"\n')
    (directory / "logo.svg").symlink_to(tmp_path / "secret.svg")
    assert "inside the theme's folder" in refusal(directory)


def test_unknown_settings_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    assert "unknown settings: script" in refusal(make_theme(tmp_path, 'script = "x"\n'))
    assert "no theme.toml" in refusal(tmp_path / "nothing-here")


@pytest.mark.parametrize("role", ["verifier", "issuer"])
def test_each_service_refuses_a_bad_theme_at_start_up_in_one_line(tmp_path: Path, role: str) -> None:
    directory = make_theme(tmp_path / "theme", logo=("logo.svg", MALICIOUS_SVGS["script"].encode()))
    environment = {**os.environ, "NANSEN_DATA_DIR": str(tmp_path / "data"), theme.VARIABLE: str(directory)}
    done = subprocess.run(
        [sys.executable, "-m", "nansen", role, "serve", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "NANSEN_THEME_DIR: the SVG logo holds a script element" in done.stderr
    assert "Traceback" not in done.stderr


VERIFIER_CSS = Path(__file__).resolve().parents[2] / "verifier" / "pages" / "static" / "verifier.css"


def test_the_verdicts_colours_are_not_themeable() -> None:
    """VALID, NOT VALID and CANNOT CONFIRM look the same at every shelter: no rule of the verdict or
    of a check's outcome takes a theme's colour."""
    rules = [
        line for line in VERIFIER_CSS.read_text().splitlines() if line.startswith((".verdict", ".outcome-"))
    ]
    assert len(rules) >= 8
    assert all("var(" not in rule for rule in rules), rules


def test_the_theme_is_served_by_the_service_under_its_csp(tmp_path: Path) -> None:
    loaded = load(make_theme(tmp_path / "theme", logo=("logo.svg", GOOD_SVG.encode())))
    with service(sqlite_url(tmp_path), tmp_path, theme=loaded) as running:
        default = running.client.get(f"{running.url}/")  # no ?lang=, no Accept-Language: the theme's
        assert '<html lang="fr" dir="ltr">' in default.text
        assert (
            running.client.get(f"{running.url}/", headers={"Accept-Language": "uk"}).headers[
                "content-language"
            ]
            == "uk"
        )
        page = running.client.get(f"{running.url}/?lang=ar")
        assert '<html lang="ar" dir="rtl">' in page.text
        assert '<link rel="stylesheet" href="/theme/theme.css">' in page.text
        assert '<img class="logo" src="/theme/logo" alt="">' in page.text
        assert "style=" not in page.text  # no inline style: the CSP stays style-src 'self'
        assert "style-src 'self'" in page.headers["content-security-policy"]
        css = running.client.get(f"{running.url}/theme/theme.css")
        assert css.headers["content-type"] == "text/css; charset=utf-8"
        assert "--theme-accent: #1d4e89;" in css.text
        logo = running.client.get(f"{running.url}/theme/logo")
        assert logo.headers["content-type"] == "image/svg+xml"
        assert logo.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in logo.headers["content-security-policy"]
        assert logo.content == GOOD_SVG.encode()


def test_without_a_theme_there_is_no_logo_and_a_neutral_name(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path) as running:
        page = running.client.get(f"{running.url}/")
        assert "Nansen verifier" in page.text
        assert "/theme/logo" not in page.text
        assert running.client.get(f"{running.url}/theme/logo").status_code == 404
