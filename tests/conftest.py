"""Shared fixtures: the W3C vectors' location and deterministic keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Playwright, sync_playwright

from issuer.api.deps import get_store as issuer_store
from nansen.config import core_settings
from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair, SigningKey

REPO = Path(__file__).resolve().parent.parent
#: The W3C vc-di-eddsa vectors, kept in the repository (tests/vectors/README.md: source and licence).
VECTORS = REPO / "tests" / "vectors" / "w3c-vc-di-eddsa"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def did_key_signer(seed_byte: int) -> SigningKey:
    return did_key.signing_key(Ed25519KeyPair.from_seed(bytes([seed_byte]) * 32))


@pytest.fixture(autouse=True)
def _fresh_core_settings() -> Iterator[None]:
    """Each test's own environment: ``core_settings`` and the issuer's IPFS store keep what they
    first read, as a process should, so a test that changes a ``NANSEN_*`` variable after a read
    calls ``cache_clear`` itself. (An issuer built by an earlier test in the same worker otherwise
    pinned a later test's scans into the earlier test's data directory.)"""
    core_settings.cache_clear()
    issuer_store.cache_clear()
    yield
    core_settings.cache_clear()
    issuer_store.cache_clear()


@pytest.fixture
def vectors() -> Path:
    if not VECTORS.is_dir():
        pytest.fail(f"The W3C test vectors are missing at {VECTORS} (see tests/vectors/README.md).")
    return VECTORS


DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
#: Debian's Chromium where there is one; otherwise None, Playwright's own build (``./dev test``
#: installs one or the other: see its ``setup_browser``).
CHROMIUM = str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None
#: Headless, as root, and quiet: without the background-networking flags Chromium keeps trying
#: hosts this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The one Playwright driver of the test session: a second sync driver cannot start while one
    runs in the same process, so every browser test (issuer console, verifier pages) shares it.
    It drives Debian's Chromium, or Playwright's own where Debian's is missing."""
    with sync_playwright() as driver:
        if CHROMIUM is None and not Path(driver.chromium.executable_path).exists():
            pytest.fail(
                f"Chromium is missing (neither {DEBIAN_CHROMIUM} nor Playwright's own): ./dev test installs it "
                "(as root: apt-get install chromium; otherwise .venv/bin/playwright install chromium).",
                pytrace=False,
            )
        yield driver
