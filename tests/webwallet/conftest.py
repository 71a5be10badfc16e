"""Fixtures for the web wallet host: each database test runs on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import postgres_schema
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
