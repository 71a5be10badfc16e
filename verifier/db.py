"""The database engine: a SQLite file by default, PostgreSQL at scale, the same code for both."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.files import private_sqlite

#: How long a SQLite writer waits for another writer (concurrent requests) before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    # WAL lets readers go on while one request writes; the busy timeout queues writers.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for the URL; a SQLite file and its directory are created its owner's only (0600, 0700)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    private_sqlite(url)
    # One connection, handed from request to request: SQLite has one writer at a time anyway, and
    # waiting for the pool wakes at once where SQLite's busy handler sleeps for milliseconds.
    engine = create_engine(parsed, pool_size=1, max_overflow=0)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
