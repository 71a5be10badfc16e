"""The host's database engine: a SQLite file by default, PostgreSQL at scale, the same code for both.

On SQLite every transaction starts with ``BEGIN IMMEDIATE``: it takes the database's write lock at
once, so two workers never read the same row and then both write it (a deferred ``BEGIN`` would
make the second one fail with "database is locked" instead of waiting). The host's writes are small
(a conditional ``UPDATE`` of one row, an upsert of a counter), so serialising them costs little.
On PostgreSQL the conditional ``UPDATE … WHERE version = :expected`` and ``INSERT … ON CONFLICT``
are atomic on their own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from service.database import engine_for, session_factory

__all__ = ["SQLITE_BUSY_TIMEOUT_SECONDS", "make_engine", "session_factory"]

#: How long a SQLite writer waits for another (another worker's request) before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(url: str) -> Engine:
    """An engine for a SQLite file (created 0600) or a PostgreSQL database (``postgresql+psycopg://…``)."""
    return engine_for(url, _sqlite_engine, pool_size=10, max_overflow=20)
