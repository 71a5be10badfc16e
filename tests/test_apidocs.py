"""The interactive API docs (``/docs``) of the services: offline, same-origin, under a strict CSP.

Each service runs on a real uvicorn server on loopback. The page's HTML may reference only files of
the service itself; every one of them is served; the Content-Security-Policy header is set; and a real
headless Chromium, honouring that policy, renders the operations of the service's OpenAPI document
without a single policy violation (nothing from a CDN: this machine's network is closed anyway).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Playwright

from issuer import migrate
from issuer.app import create_app as issuer_app
from issuer.db import make_engine
from issuer.settings import Settings as IssuerSettings
from issuer.vault import Vault
from nansen import apidocs
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.servers import loopback_socket, serving
from tests.verifier.support import settings_for, sqlite_url
from verifier.app import create_app as verifier_app
from wallet.host.app import create_app as wallet_host_app
from wallet.host.settings import Settings as WalletHostSettings


def issuer(directory: Path) -> FastAPI:
    url = f"sqlite:///{directory / 'issuer.db'}"
    master_key = secrets.token_bytes(32)
    engine = make_engine(url)
    migrate.upgrade(engine, Vault(master_key))
    engine.dispose()
    return issuer_app(IssuerSettings(database_url=url, data_dir=directory, master_key=master_key))


def verifier(directory: Path) -> FastAPI:
    return verifier_app(settings_for(sqlite_url(directory), directory))


def wallet_host(directory: Path) -> FastAPI:
    """The web wallet's host, with a stand-in for the app's build (the app is not what is tested)."""
    (directory / "dist").mkdir()
    (directory / "dist" / "index.html").write_text("<!doctype html><title>app</title>")
    settings = WalletHostSettings(
        database_url=f"sqlite:///{directory / 'host.db'}", web_dir=directory / "dist"
    )
    return wallet_host_app(settings)


@pytest.fixture(params=[issuer, verifier, wallet_host], ids=["issuer", "verifier", "wallet-host"])
def base_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    sock, port = loopback_socket()
    with serving(request.param(tmp_path), sock):
        yield f"http://127.0.0.1:{port}"


def test_the_docs_page_loads_only_its_own_files_under_a_strict_policy(base_url: str) -> None:
    page = httpx.get(base_url + "/docs")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert policy == apidocs.CSP
    assert "script-src 'self';" in policy
    assert "http" not in policy
    assert "unsafe" not in policy
    references = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert sorted(references) == [
        "/docs/favicon.png",
        "/docs/start.js",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-ui.css",
    ]
    assert "<script>" not in page.text  # no inline script
    for reference in references:
        asset = httpx.get(base_url + reference)
        assert asset.status_code == 200, reference
        assert asset.headers["content-type"].startswith(("text/javascript", "text/css", "image/png"))
        assert asset.headers["x-content-type-options"] == "nosniff"
        assert len(asset.content) > 100
    missing = httpx.get(base_url + "/docs/../../etc/passwd")
    assert missing.status_code == 404
    assert httpx.get(base_url + "/docs/secrets.txt").headers["content-type"] == "application/problem+json"


def test_the_docs_render_in_a_browser_without_a_policy_violation(
    base_url: str, playwright: Playwright
) -> None:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
        outside: list[str] = []
        page.on(
            "request",
            lambda request: None if request.url.startswith(base_url) else outside.append(request.url),
        )
        page.goto(base_url + "/docs")
        page.wait_for_selector(".opblock", timeout=30_000)  # the operations of /openapi.json
        assert page.locator(".opblock").count() >= 3
        assert refused == []
        assert outside == []
    finally:
        browser.close()
