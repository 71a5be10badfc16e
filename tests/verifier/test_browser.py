"""The scan page in a real headless Chromium whose fake camera films a generated QR code.

Chromium (Debian's, or Playwright's own: tests/conftest.py), driven by Playwright, plays a
YUV4MPEG2 video of the code as its camera; the page's script sends frames to ``POST /scan`` on a
real uvicorn server, which verifies against a trust list naming PARTNER and status lists served
over HTTPS on loopback. Screenshots of each result are written to ``$NANSEN_TEST_ARTIFACTS`` (or
``<tmp>/nansen-test-artifacts``) and their paths printed at the end of the run.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright

from nansen.ipfs import EmbeddedStore
from nansen.qr import encode_presentation
from nansen.timeutil import now
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.httpsserver import Server
from tests.verifier.issuing import (
    PARTNER_NAME,
    credential,
    presentation_at,
    serve_status_lists,
    status_lists_of,
    store_document,
    trust_settings,
)
from tests.verifier.pictures import artifacts, camera_frame, camera_jpeg, write_y4m
from tests.verifier.support import FakeClock, Service, service, sqlite_url
from verifier.dependencies import get_store

pytest_plugins = ["tests.httpsserver"]

ARGS = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream"]
#: A phone's screen, in CSS pixels.
PHONE = {"width": 412, "height": 915}
#: Long enough for Chromium to start its camera and the page to send a few frames.
VERDICT_TIMEOUT_MS = 60_000


@contextlib.contextmanager
def chromium(playwright: Playwright, camera: Path | None) -> Iterator[Page]:
    """A headless Chromium the size of a phone, filming ``camera`` (a y4m video), or with no camera."""
    video = (
        ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={camera}"]
        if camera
        else []
    )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *video])
    try:
        yield browser.new_context(viewport=PHONE).new_page()
    finally:
        browser.close()


def screenshot(page: Page, name: str) -> Path:
    path = artifacts() / f"verifier-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


@dataclass
class Scanning:
    """A verifier trusting PARTNER, its status lists on an HTTPS server, its IPFS store, its clock."""

    running: Service
    status_base: str
    status_server: Server
    store: EmbeddedStore
    clock: FakeClock
    directory: Path

    def camera(self, presentation: dict[str, Any]) -> Path:
        return write_y4m(camera_frame(encode_presentation(presentation)), self.directory / "camera.y4m")

    @contextlib.contextmanager
    def scanned(
        self, playwright: Playwright, presentation: dict[str, Any], lang: str = "en"
    ) -> Iterator[Page]:
        """The scan page filming the presentation's QR code, once it shows a verdict."""
        with chromium(playwright, self.camera(presentation)) as page:
            page.goto(f"{self.running.url}/?lang={lang}")
            page.wait_for_selector("#result [data-verdict]", timeout=VERDICT_TIMEOUT_MS)
            yield page


@pytest.fixture
def scanning(tmp_path: Path, https: Server, client_tls: ssl.SSLContext) -> Iterator[Scanning]:
    clock = FakeClock(now())
    base = serve_status_lists(https)
    lists = status_lists_of(tmp_path / "status-lists", client_tls, clock)
    store = EmbeddedStore(tmp_path / "ipfs")
    with service(
        sqlite_url(tmp_path), tmp_path, status_lists=lists, clock=clock, **trust_settings(tmp_path)
    ) as running:
        running.app.dependency_overrides[get_store] = lambda: store
        yield Scanning(running, base, https, store, clock, tmp_path)


def verdict_of(page: Page) -> str:
    value = page.get_attribute("#result [data-verdict]", "data-verdict")
    assert value is not None
    return value


def test_a_genuine_presentation_is_valid_and_its_original_opens(
    playwright: Playwright, scanning: Scanning
) -> None:
    document = store_document(scanning.store)
    signed = credential(scanning.status_base, related_resource=[document.resource])
    presentation = presentation_at(signed, scanning.clock.moment, access=document.access(signed["id"]))
    with scanning.scanned(playwright, presentation) as page:
        assert verdict_of(page) == "VALID"
        shown = page.inner_text("#result")
        for words in (
            "Valid",
            PARTNER_NAME,
            "Passport",
            "Given name",
            "Amina",
            "Haddad",
            "N0123456",
            "Not revoked",
        ):
            assert words in shown
        assert "refreshed" in page.inner_text("#result dl:has(dt:text('Status lists'))")
        assert page.is_hidden("#scanner")
        screenshot(page, "valid")
        with page.expect_navigation() as opened:
            page.click("text=Open the original document")
        response = opened.value
        assert response is not None
        assert response.status == 200
        assert response.headers["cache-control"] == "no-store"
        picture = page.wait_for_selector(".original img")
        assert picture is not None
        assert page.evaluate("document.querySelector('.original img').naturalWidth") == 480
        screenshot(page, "original")


def test_a_revoked_presentation_is_not_valid(playwright: Playwright, scanning: Scanning) -> None:
    signed = credential(scanning.status_base, revoked=True)
    with scanning.scanned(playwright, presentation_at(signed, scanning.clock.moment)) as page:
        assert verdict_of(page) == "NOT VALID"
        assert "The credential has been revoked" in page.inner_text("#result")
        assert "These facts are not confirmed" in page.inner_text("#result")
        screenshot(page, "revoked")


def test_a_tampered_presentation_is_not_valid_in_french(playwright: Playwright, scanning: Scanning) -> None:
    presentation = presentation_at(credential(scanning.status_base), scanning.clock.moment)
    presentation["verifiableCredential"][0]["credentialSubject"]["identityDocument"]["givenName"] = "Mallory"
    with scanning.scanned(playwright, presentation, lang="fr") as page:
        assert verdict_of(page) == "NOT VALID"
        shown = page.inner_text("#result")
        assert "NON VALIDE" in shown
        assert "Mallory" not in shown  # what a forger wrote is never shown as attested
        assert "Aucun fait n'est affiché" in shown
        screenshot(page, "tampered-fr")


def test_an_unreachable_status_list_with_a_stale_cache_cannot_be_confirmed(
    playwright: Playwright, scanning: Scanning
) -> None:
    signed = credential(scanning.status_base)
    first = scanning.running.client.post(
        scanning.running.url + "/scan",
        content=camera_jpeg(encode_presentation(presentation_at(signed, scanning.clock.moment))),
        headers={"Content-Type": "image/jpeg"},
    )
    assert first.json()["verdict"] == "VALID", first.text  # the status lists are now in the cache
    scanning.status_server.stop()
    scanning.clock.advance(2 * 86_400)  # the cache's copies are older than a day
    with scanning.scanned(playwright, presentation_at(signed, scanning.clock.moment)) as page:
        assert verdict_of(page) == "CANNOT CONFIRM"
        shown = page.inner_text("#result")
        assert "could not be obtained" in shown
        assert "2 days ago" in shown
        screenshot(page, "cannot-confirm")


def test_without_a_camera_the_page_offers_upload_and_paste(
    playwright: Playwright, scanning: Scanning
) -> None:
    signed = credential(scanning.status_base)
    picture = scanning.directory / "qr.jpg"
    picture.write_bytes(camera_jpeg(encode_presentation(presentation_at(signed, scanning.clock.moment))))
    with chromium(playwright, None) as page:
        page.goto(scanning.running.url + "/")
        page.wait_for_selector("#scan-no-camera:visible")
        page.set_input_files("#image", str(picture))
        page.click("text=Check the photo")
        page.wait_for_selector("[data-verdict]")
        assert verdict_of(page) == "VALID"


def test_in_arabic_the_verdict_and_the_original_are_laid_out_right_to_left(
    playwright: Playwright, scanning: Scanning
) -> None:
    document = store_document(scanning.store)
    signed = credential(scanning.status_base, related_resource=[document.resource])
    presentation = presentation_at(signed, scanning.clock.moment, access=document.access(signed["id"]))
    with scanning.scanned(playwright, presentation, lang="ar") as page:
        assert verdict_of(page) == "VALID"
        assert page.get_attribute("html", "dir") == "rtl"
        assert "صالحة" in page.inner_text("#result [data-verdict]")
        assert "جواز سفر" in page.inner_text("#result")  # Passport
        # The attested facts keep their own direction inside the right-to-left page.
        number = page.locator("dl.facts dd bdi", has_text="N0123456")
        assert number.evaluate("e => getComputedStyle(e).direction") == "ltr"
        screenshot(page, "valid-ar")
        with page.expect_navigation():
            page.click("text=افتح المستند الأصلي")
        assert page.get_attribute("html", "dir") == "rtl"
        page.wait_for_selector(".original img")
        screenshot(page, "original-ar")
