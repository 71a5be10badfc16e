"""Fixtures: a verifier service on SQLite by default, and a database URL for each real database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import postgres_schema
from tests.verifier.issuing import trust_settings
from tests.verifier.pictures import artifacts
from tests.verifier.support import Service, service, sqlite_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test that takes this runs once on a SQLite file and once on the real PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def verifier_service(tmp_path: Path) -> Iterator[Service]:
    with service(sqlite_url(tmp_path), tmp_path) as running:
        yield running


@pytest.fixture
def trusted_service(tmp_path: Path) -> Iterator[Service]:
    """A service whose trust list names PARTNER (the pages judge trust always)."""
    with service(sqlite_url(tmp_path), tmp_path, **trust_settings(tmp_path)) as running:
        yield running


_STARTED = time.time()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The browser tests' screenshots written during this run (a run without xdist lists them here;
    with xdist, see the directory: $NANSEN_TEST_ARTIFACTS, or <tmp>/nansen-test-artifacts)."""
    shots = sorted(p for p in artifacts().glob("verifier-*.png") if p.stat().st_mtime >= _STARTED)
    if shots:
        terminalreporter.write_sep("-", "verifier screenshots")
        for shot in shots:
            terminalreporter.write_line(str(shot))
