"""The host serves the app's built files with the headers issue #14 asks for, tells the app its
configuration, puts its own neutral name and icon in place of the app's, and says how to build the
app when it is missing, in the browser's language. Files the build pre-compressed are sent in the
coding the browser prefers; the API never is. A small stand-in build is used: building the real app
is the app's own tests' business (wallet/web/build.mjs)."""

from __future__ import annotations

import gzip
import html
import json
import os
from pathlib import Path

import httpx
import pytest

from tests.webwallet.host_support import b64u, running_host
from wallet.host.settings import Settings, SettingsError
from wallet.webapp import CATALOGUES

STRICT = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self' https://issuer.example.org http://127.0.0.1:8082; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
ORIGINS = ("https://issuer.example.org", "http://127.0.0.1:8082")


def _build(directory: Path) -> Path:
    dist = directory / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>app</title><script src=/app.js></script>")
    (dist / "app.js").write_text("console.log('app')")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    (dist / "icon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><title>wallet</title></svg>")
    (dist / "manifest.webmanifest").write_text(
        json.dumps({"name": "Nansen wallet", "short_name": "Wallet", "start_url": "/", "icons": []})
    )
    return dist


def test_the_app_and_its_configuration_with_strict_headers(tmp_path: Path) -> None:
    _build(tmp_path)
    icons = tmp_path / "icons"
    icons.mkdir()
    (icons / "icon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><title>notes</title></svg>")
    settings = {
        "app_name": "Recipes",
        "icon_dir": icons,
        "connect_origins": ORIGINS,
        "quick_exit_url": "https://weather.example.org/",
        "idle_lock_seconds": 45,
        "languages": ("en", "ar"),
    }
    with running_host(f"sqlite:///{tmp_path / 'h.sqlite3'}", tmp_path, **settings) as host:
        page = host.http.get(host.url + "/")
        assert page.status_code == 200
        assert "<script src=/app.js>" in page.text
        assert page.headers["Cache-Control"] == "no-cache"
        worker = host.http.get(host.url + "/sw.js")
        assert worker.headers["Cache-Control"] == "no-cache"
        assert worker.headers["Service-Worker-Allowed"] == "/"
        assert "Service-Worker-Allowed" not in host.http.get(host.url + "/app.js").headers
        manifest = host.http.get(host.url + "/manifest.webmanifest")
        assert manifest.headers["Content-Type"] == "application/manifest+json"
        assert manifest.json()["name"] == manifest.json()["short_name"] == "Recipes"
        assert "notes" in host.http.get(host.url + "/icon.svg").text
        config = host.http.get(host.url + "/config.json").json()
        assert config == {
            "name": "Recipes",
            "quickExitUrl": "https://weather.example.org/",
            "idleLockSeconds": 45,
            "languages": ["en", "ar"],
            "sessionSeconds": host.settings.session_seconds,
            "kdf": "interactive",
        }
        answers = [
            page,
            worker,
            manifest,
            host.http.get(host.url + "/config.json"),
            host.http.get(host.url + "/healthz"),
            host.http.get(host.url + "/nothing-here.js"),
            host.http.get(host.url + "/api/nothing-here"),
            host.http.get(host.url + "/api/container"),
            host.post("/api/header", {"account": "x"}),
        ]
        for answer in answers:
            assert answer.headers["Content-Security-Policy"] == STRICT, answer.url
            assert answer.headers["Permissions-Policy"] == "camera=(self)"
            assert answer.headers["Referrer-Policy"] == "no-referrer"
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answers[-3].status_code == 404
        assert answers[-3].headers["Content-Type"] == "application/problem+json"
        assert answers[-2].headers["Cache-Control"] == "no-store"
        assert host.http.get(host.url + "/nothing-here.js").status_code == 404
        for sneaky in ("/../settings.py", "/%2e%2e/h.sqlite3", "/icons/../h.sqlite3"):
            assert host.http.get(host.url + sneaky).status_code == 404, sneaky


def test_without_a_build_every_page_says_how_to_make_one(tmp_path: Path) -> None:
    with running_host(f"sqlite:///{tmp_path / 'h.sqlite3'}", tmp_path) as host:
        for path in ("/", "/index.html", "/manifest.webmanifest"):
            answer = host.http.get(host.url + path)
            assert answer.status_code == 503, path
            assert "./dev setup" in answer.text
            assert '<html lang="en" dir="ltr">' in answer.text
        assert host.http.get(host.url + "/config.json").status_code == 200
        assert host.http.get(host.url + "/healthz").status_code == 200
        # In the browser's language: each of the five, the best of a list, English for any other.
        for accept, lang, direction in (
            ("fr-CA,fr;q=0.9,en;q=0.5", "fr", "ltr"),
            ("es", "es", "ltr"),
            ("ar", "ar", "rtl"),
            ("de, uk;q=0.8", "uk", "ltr"),
            ("de", "en", "ltr"),
        ):
            answer = host.http.get(host.url + "/", headers={"Accept-Language": accept})
            assert answer.status_code == 503
            assert f'<html lang="{lang}" dir="{direction}">' in answer.text, accept
            title = CATALOGUES.entries[lang]["host.not_built_title"]
            assert f"<h1>{html.escape(title)}</h1>" in answer.text, accept
            assert "./dev setup" in answer.text
            assert answer.headers["Content-Language"] == lang
            assert "Accept-Language" in answer.headers["Vary"]


def raw(http: httpx.Client, url: str, accept_encoding: str | None) -> tuple[httpx.Headers, bytes]:
    """The answer's headers and its body as sent (httpx would decode it)."""
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding is not None else {"Accept-Encoding": ""}
    with http.stream("GET", url, headers=headers) as answer:
        assert answer.status_code == 200, url
        return answer.headers, b"".join(answer.iter_raw())


def test_files_are_sent_in_the_coding_the_browser_prefers_and_the_api_never_compressed(
    tmp_path: Path,
) -> None:
    dist = _build(tmp_path)
    script = ("console.log('app');\n" * 200).encode()
    (dist / "app.js").write_bytes(script)
    (dist / "app.js.gz").write_bytes(gzip.compress(script))
    (dist / "app.js.br").write_bytes(b"brotli stand-in")  # the host sends the bytes the build wrote
    (dist / "index.html.gz").write_bytes(gzip.compress((dist / "index.html").read_bytes()))
    (dist / "sw.js.gz").write_bytes(gzip.compress((dist / "sw.js").read_bytes()))
    with running_host(f"sqlite:///{tmp_path / 'h.sqlite3'}", tmp_path) as host:
        app = host.url + "/app.js"
        for accept, coding in (
            ("gzip, deflate, br", "br"),
            ("br;q=0.5, gzip", "gzip"),
            ("gzip", "gzip"),
            ("br;q=0, gzip;q=0.1", "gzip"),
            ("*", "br"),
            ("br;q=0, gzip;q=0", None),
            ("identity", None),
            ("", None),
        ):
            headers, body = raw(host.http, app, accept)
            assert headers["Vary"] == "Accept-Encoding", accept
            assert headers["Cache-Control"] == "no-cache"
            assert headers["Content-Type"].startswith("text/javascript"), accept
            assert headers.get("Content-Encoding") == coding, accept
            expected = {"br": b"brotli stand-in", "gzip": gzip.compress(script), None: script}[coding]
            assert (gzip.decompress(body) if coding == "gzip" else body) == (
                script if coding == "gzip" else expected
            ), accept
        headers, body = raw(host.http, host.url + "/", "gzip")
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Content-Type"].startswith("text/html")
        assert gzip.decompress(body) == (dist / "index.html").read_bytes()
        headers, _body = raw(host.http, host.url + "/sw.js", "gzip")
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Service-Worker-Allowed"] == "/"
        # A file the build did not compress goes as it is.
        headers, body = raw(host.http, host.url + "/icon.svg", "gzip, br")
        assert "Content-Encoding" not in headers
        assert headers["Vary"] == "Accept-Encoding"
        # The API's answers (tokens, ciphertext) are never compressed, whatever the browser accepts.
        for answer in (
            host.http.post(
                host.url + "/api/header", json={"account": "x"}, headers={"Accept-Encoding": "gzip, br"}
            ),
            host.http.get(host.url + "/config.json", headers={"Accept-Encoding": "gzip, br"}),
            host.http.get(host.url + "/api/container", headers={"Accept-Encoding": "gzip, br"}),
        ):
            assert "Content-Encoding" not in answer.headers, answer.url
        # The pre-compressed copies cannot lead out of the build either.
        for sneaky in ("/../h.sqlite3", "/%2e%2e/h.sqlite3"):
            assert host.http.get(host.url + sneaky, headers={"Accept-Encoding": "gzip"}).status_code == 404


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NANSEN_WALLET_HOST_CONNECT_ORIGINS", "https://ok.example.org, javascript:alert(1)"),
        ("NANSEN_WALLET_HOST_CONNECT_ORIGINS", "https://a.example.org/path"),
        ("NANSEN_WALLET_HOST_CONNECT_ORIGINS", "https://a.example.org; script-src *"),
        ("NANSEN_WALLET_HOST_QUICK_EXIT_URL", "http://plain.example.org/"),
        ("NANSEN_WALLET_HOST_QUICK_EXIT_URL", "javascript:alert(1)"),
        ("NANSEN_WALLET_HOST_LANGUAGES", "en,<script>"),
        ("NANSEN_WALLET_HOST_SESSION_SECONDS", "0"),
        ("NANSEN_WALLET_HOST_KDF", "extreme"),
        ("NANSEN_WALLET_HOST_ICON_DIR", "/no/such/directory"),
        ("NANSEN_WALLET_HOST_NAME", "x" * 41),
    ],
)
def test_settings_that_cannot_be_used_are_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "NANSEN_DATA_DIR": "/srv/nansen",
            "NANSEN_WALLET_HOST_CONNECT_ORIGINS": "https://issuer.example.org/, http://127.0.0.1:8082",
            "NANSEN_WALLET_HOST_NAME": "Recipes",
            "NANSEN_WALLET_HOST_SIGNINS_PER_ACCOUNT": "5",
        }
    )
    assert settings.connect_origins == ORIGINS
    assert settings.app_name == "Recipes"
    assert settings.signins_per_account == 5
    assert settings.database_url == "sqlite:////srv/nansen/wallet-host/host.sqlite3"


def test_metrics_count_routes_not_people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_METRICS_TOKEN", "a-metrics-token-for-the-test")
    _build(tmp_path)
    with running_host(f"sqlite:///{tmp_path / 'h.sqlite3'}", tmp_path) as host:
        account = host.post("/api/accounts", {"verifiers": [b64u(os.urandom(32)) for _ in range(3)]}).json()
        host.post("/api/header", {"account": account["account"]})
        assert host.http.get(host.url + "/metrics").status_code == 401
        scraped = host.http.get(
            host.url + "/metrics", headers={"Authorization": "Bearer a-metrics-token-for-the-test"}
        ).text
    assert 'route="/api/header",service="wallet-host",status_class="2xx"' in scraped
    assert account["account"] not in scraped
    assert account["token"] not in scraped
