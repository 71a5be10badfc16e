"""The issuer's fixtures (tests/issuer/conftest.py), for the console's pages, on SQLite only: what the
pages show does not depend on the database, which the issuer's own tests run on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.issuer.conftest import _migrated, live_server, master_key, settings, store

__all__ = ["database_url", "live_server", "master_key", "settings", "store"]


@pytest.fixture
def database_url(tmp_path: Path, master_key: bytes) -> Iterator[str]:
    yield from _migrated(f"sqlite:///{tmp_path / 'issuer.db'}", master_key)
