"""The scan page in a real headless Chromium whose fake camera films an SD-JWT VC presentation's
QR code (NV1, `nansen.qr.sdjwt`): the same verdict page as for Data Integrity, VALID, with the
disclosed facts under their translated labels and the facts not disclosed named, not shown.
The partner's Token Status List is served over HTTPS on loopback."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from nansen.qr.sdjwt import encode_sd_jwt
from nansen.timeutil import now
from tests.httpsserver import Server
from tests.verifier.issuing import PARTNER_NAME, trust_settings
from tests.verifier.pictures import camera_frame, write_y4m
from tests.verifier.sdjwt_issuing import (
    FACTS,
    HIDDEN,
    presented,
    sd_jwt,
    serve_status_token,
    status_tokens_of,
)
from tests.verifier.support import FakeClock, Service, service, sqlite_url
from tests.verifier.test_browser import VERDICT_TIMEOUT_MS, chromium, screenshot, verdict_of
from verifier.dependencies import get_status_tokens

pytest_plugins = ["tests.httpsserver"]


@pytest.fixture
def running(tmp_path: Path, client_tls: ssl.SSLContext) -> Iterator[Service]:
    with service(
        sqlite_url(tmp_path), tmp_path, clock=FakeClock(now()), **trust_settings(tmp_path)
    ) as running:
        tokens = status_tokens_of(client_tls, running.clock)
        running.app.dependency_overrides[get_status_tokens] = lambda: tokens
        yield running


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("Valid", "Given name", "Date of birth", "Not disclosed by the holder", "Place of birth")),
        ("fr", ("VALIDE", "Non divulgués par le titulaire", "Lieu de naissance")),
    ],
)
def test_a_filmed_sd_jwt_presentation_is_valid_and_names_what_was_not_disclosed(
    playwright: Playwright,
    running: Service,
    https: Server,
    tmp_path: Path,
    lang: str,
    words: tuple[str, ...],
) -> None:
    moment = running.clock.moment
    token = sd_jwt(moment, serve_status_token(https, moment))
    camera = write_y4m(camera_frame(encode_sd_jwt(presented(token, moment))), tmp_path / "camera.y4m")
    with chromium(playwright, camera) as page:
        page.goto(f"{running.url}/?lang={lang}")
        page.wait_for_selector("#result [data-verdict]", timeout=VERDICT_TIMEOUT_MS)
        assert verdict_of(page) == "VALID"
        shown = page.inner_text("#result")
        for expected in (*words, PARTNER_NAME, "Amina", "Haddad", "1994-03-12"):
            assert expected in shown
        for name in HIDDEN:
            assert FACTS[name] not in shown
        assert page.is_hidden("#scanner")
        assert https.requests == ["/status/token"]
        screenshot(page, f"sd-jwt-valid-{lang}")
