"""The database engine: a SQLite file by default, PostgreSQL at scale, the same code for both."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from service.database import engine_for, session_factory

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "create_db_engine", "session_factory"]

#: How long a SQLite writer waits for another writer (concurrent requests) before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    # WAL lets readers go on while one request writes; the busy timeout queues writers.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_engine(url: str) -> Engine:
    # One connection, handed from request to request: SQLite has one writer at a time anyway, and
    # waiting for the pool wakes at once where SQLite's busy handler sleeps for milliseconds.
    engine = create_engine(url, pool_size=1, max_overflow=0)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_db_engine(url: str) -> Engine:
    """An engine for the URL; a SQLite file and its directory are created its owner's only (0600, 0700)."""
    return engine_for(url, _sqlite_engine)
