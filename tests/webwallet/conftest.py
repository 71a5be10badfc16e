"""Fixtures of the web wallet's tests: for the host's own tests (`host`), each database test runs on a
SQLite file and on PostgreSQL; for the app's (`browser`, `app_host`), one Chromium and one
`nansen wallet serve` in a process of its own per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.postgres import postgres_schema
from tests.webwallet.app_support import WalletHost, wallet_host
from tests.webwallet.host_support import Host, running_host


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'host.sqlite3'}"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def host(database_url: str, tmp_path: Path) -> Iterator[Host]:
    with running_host(database_url, tmp_path) as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WalletHost]:
    with wallet_host(tmp_path_factory.mktemp("wallet-host")) as running:
        yield running
