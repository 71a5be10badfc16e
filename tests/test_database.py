"""The roles' databases (service/database.py): one way to tell SQLite from PostgreSQL and to make
sessions, each role's own SQLite engine kept (issuer/db.py locks, verifier/db.py one connection)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, QueuePool, text
from sqlalchemy.exc import DBAPIError

from issuer.db import make_engine
from service.database import is_sqlite, session_factory
from verifier.db import create_db_engine
from wallet.host.db import make_engine as make_host_engine

POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/test"


def test_sqlite_and_postgresql_are_told_apart() -> None:
    assert is_sqlite("sqlite:///x.db")
    assert is_sqlite("sqlite+pysqlite:///x.db")
    assert not is_sqlite(POSTGRES)


def test_each_role_keeps_its_own_sqlite_engine_and_a_private_file(tmp_path: Path) -> None:
    issuer = make_engine(f"sqlite:///{tmp_path / 'issuer' / 'issuer.db'}")
    verifier = create_db_engine(f"sqlite:///{tmp_path / 'verifier' / 'verifier.db'}")
    try:
        for engine, name in ((issuer, "issuer"), (verifier, "verifier")):
            with session_factory(engine)() as session, session.begin():
                session.execute(text("CREATE TABLE kept (value INTEGER)"))
                session.execute(text("INSERT INTO kept VALUES (1)"))
            assert stat.S_IMODE((tmp_path / name / f"{name}.db").stat().st_mode) == 0o600
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o700
        assert isinstance(verifier.pool, QueuePool)
        assert verifier.pool.size() == 1
        # The issuer's transactions take SQLite's write lock at once (BEGIN IMMEDIATE): a second
        # connection cannot write while the first is open, even before the first has written.
        with issuer.connect() as first:
            first.begin()
            raw = issuer.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA busy_timeout = 0")  # type: ignore[union-attr]
                refused = False
                try:
                    raw.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
                except Exception as error:  # sqlite3.OperationalError: database is locked
                    refused = "locked" in str(error)
                assert refused
            finally:
                raw.close()
    finally:
        issuer.dispose()
        verifier.dispose()


def test_each_role_keeps_its_postgresql_pool() -> None:
    issuer, verifier = make_engine(POSTGRES), create_db_engine(POSTGRES)
    try:
        assert isinstance(issuer.pool, QueuePool)
        assert isinstance(verifier.pool, QueuePool)
        assert (issuer.pool.size(), issuer.pool._max_overflow) == (10, 30)
        assert (verifier.pool.size(), verifier.pool._max_overflow) == (5, 10)  # SQLAlchemy's defaults
        assert issuer.pool._pre_ping
        assert verifier.pool._pre_ping
    finally:
        issuer.dispose()
        verifier.dispose()


#: A value that must never reach an error's text or a log.
SECRET = "amina-haddad-N0123456"


@pytest.mark.parametrize("make", [make_engine, create_db_engine, make_host_engine])
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_engine_the_roles_and_their_commands_make_hides_parameters(
    make: Callable[[str], Engine], backend: str, tmp_path: Path
) -> None:
    """The engine functions the services and their commands (migrate, sweep…) use, as ``nansen issuer
    migrate`` makes its engine: a failing statement's error does not quote its parameters."""
    url = f"sqlite:///{tmp_path / 'db' / 'x.db'}" if backend == "sqlite" else POSTGRES
    engine = make(url)
    try:
        assert engine.hide_parameters
        with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
            connection.execute(text("INSERT INTO no_such_table VALUES (:value)"), {"value": SECRET})
        assert SECRET not in str(failed.value)
        assert "hide_parameters" in str(failed.value)
    finally:
        engine.dispose()
