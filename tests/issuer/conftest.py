"""Fixtures for the issuer service: a real SQLite file and the real PostgreSQL, real uvicorn servers,
and an embedded IPFS store of the test's own.

PostgreSQL is the one on this machine (``postgresql+psycopg://postgres@127.0.0.1:5432/test``, or
``NANSEN_TEST_DATABASE_URL``). Each test gets its own schema, dropped afterwards. When PostgreSQL
cannot be reached the tests that need it fail, saying so: they are never skipped.
"""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.exc import OperationalError

from issuer import migrate, partners
from issuer.api.deps import get_store
from issuer.app import create_app
from issuer.db import make_engine, session_factory
from issuer.models import Base
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.ipfs import CID, EmbeddedStore, StoreError
from nansen.ipfs.importer import Readable
from tests.postgres import postgres_base_url, postgres_schema, unreachable
from tests.servers import serving

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    base = postgres_base_url()
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        unreachable(error)
    yield engine
    engine.dispose()


@pytest.fixture
def master_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, master_key: bytes) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, then a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'issuer.db'}"
        yield from _migrated(url, master_key)
    else:
        with postgres_schema("nansen_issuer_test") as url:
            yield from _migrated(url, master_key)


def _migrated(url: str, master_key: bytes) -> Iterator[str]:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, Vault(master_key))
    finally:
        engine.dispose()
    yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path, master_key: bytes) -> Settings:
    return Settings(
        database_url=database_url,
        public_host="localhost%3A8081",
        data_dir=tmp_path / "data",
        master_key=master_key,
        rate_per_second=1000.0,
        rate_burst=1000,
    )


@dataclass(frozen=True)
class PartnerInfo:
    id: str
    did: str
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    @property
    def secret(self) -> str:
        """The API key's secret part (``nansen_<id>_<secret>``; the secret may hold ``_`` too)."""
        return self.api_key.split("_", 2)[2]


def add_partner(settings: Settings, name: str = "Shelter", domain: str | None = None) -> PartnerInfo:
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session, session.begin():
            created = partners.create(session, Vault.open(settings), settings, name, domain)
        return PartnerInfo(created.partner.id, created.partner.did, created.api_key)
    finally:
        engine.dispose()


class CountingStore(EmbeddedStore):
    """The embedded store, counting the files put into it; ``failures`` puts fail first (disk full)."""

    def __init__(self, root: Path, failures: int = 0) -> None:
        super().__init__(root)
        self.puts = 0
        self.failures = failures
        self._counting = threading.Lock()

    def put(self, stream: Readable) -> CID:
        with self._counting:
            if self.failures:
                self.failures -= 1
                raise StoreError("The store's disk is full.")
        cid = super().put(stream)
        with self._counting:
            self.puts += 1
        return cid


@pytest.fixture
def store(tmp_path: Path) -> CountingStore:
    """The IPFS store the service pins to: an embedded one in the test's directory."""
    return CountingStore(tmp_path / "ipfs")


def app_with_store(settings: Settings, store: EmbeddedStore) -> FastAPI:
    app = create_app(settings)
    app.dependency_overrides[get_store] = lambda: store
    return app


@pytest.fixture
def client(settings: Settings, store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(app_with_store(settings, store), base_url="http://localhost:8081") as test_client:
        yield test_client


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """An engine on the test's database, to look at what the service stored."""
    db = make_engine(settings.database_url)
    yield db
    db.dispose()


def stored_text(engine: Engine) -> str:
    """Every value of every row of every table of the service, as text (bytes as Python shows them)."""
    with engine.connect() as connection:
        return "\n".join(
            str(value)
            for table in Base.metadata.sorted_tables
            for row in connection.execute(select(table))
            for value in row
        )


@dataclass(frozen=True)
class LiveServer:
    """A real uvicorn server on 127.0.0.1, whose public host is ``localhost%3A<port>``."""

    url: str
    settings: Settings

    def local(self, public_url: str) -> str:
        """The loopback URL of a public ``https://localhost:<port>/…`` URL of this service."""
        return public_url.replace(self.settings.base_url, self.url, 1)


def run_server(app: FastAPI, sock: socket.socket) -> Iterator[None]:
    with serving(app, sock):
        yield


@pytest.fixture
def live_server(settings: Settings, store: EmbeddedStore) -> Iterator[LiveServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    live_settings = replace(settings, public_host=f"localhost%3A{port}")
    for _ in run_server(app_with_store(live_settings, store), sock):
        yield LiveServer(f"http://127.0.0.1:{port}", live_settings)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http_client:
        yield http_client
