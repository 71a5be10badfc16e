"""The database: one engine per service, sessions per request, the same code on SQLite and PostgreSQL.

Every write that must not interleave with another (allocating status indexes, appending to the
audit chain) first locks the partner's row (``SELECT … FOR UPDATE`` on PostgreSQL). SQLite has no
row locks: there every transaction starts with ``BEGIN IMMEDIATE``, which takes the database's
write lock at once, so two transactions never read the same state and then both write (the
deferred ``BEGIN`` of Python's sqlite3 would make one of them fail with "database is locked").
Transactions also queue on a lock of the engine's own, within one process and across the
processes of ``--workers N``: SQLite's busy handler would otherwise poll with sleeps of up to
100 ms, which is where the slowest requests went (two workers on one SQLite file: p99 7.7 s, issue
15). Across processes the lock is ``flock`` on a file beside the database (``<file>.writer``):
a waiting process sleeps in the kernel and wakes when the lock is released, never polling.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url

from service.database import engine_for, session_factory
from service.files import FILE_MODE

try:
    import fcntl
except ImportError:  # not a POSIX system: the threads of one process still queue
    fcntl = None  # type: ignore[assignment]

__all__ = ["SQLITE_BUSY_TIMEOUT", "make_engine", "session_factory"]

#: The file beside the database whose ``flock`` the processes' writers take in turn.
WRITER_SUFFIX = "-writer"

#: How long a SQLite writer waits for the lock before giving up (seconds).
SQLITE_BUSY_TIMEOUT = 30


class WriterLock:
    """One writer at a time: the threads of this process, then the processes sharing the file.

    The lock file is opened for each transaction and closed after it, so an engine that is
    dropped (tests make thousands) leaves no descriptor open."""

    def __init__(self, database: str | None) -> None:
        self._threads = threading.Lock()
        self._path = (
            database + WRITER_SUFFIX if fcntl is not None and database and database != ":memory:" else None
        )
        self._file: int | None = None

    def acquire(self) -> None:
        self._threads.acquire()
        if self._path is None:
            return
        try:
            self._file = os.open(self._path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            fcntl.flock(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._close()
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            self._close()  # closing the file releases the lock
        finally:
            self._threads.release()

    def _close(self) -> None:
        if self._file is not None:
            file, self._file = self._file, None
            os.close(file)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT * 1000}")
        cursor.close()

    writer = WriterLock(make_url(url).database)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        writer.acquire()
        connection.info["writer"] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _end(connection)
            raise

    def _end(connection: Any, statement: str = "ROLLBACK") -> None:
        # Ends the transaction itself, so the lock is released after COMMIT, not before it
        # (SQLAlchemy's own commit, which follows this event, then finds nothing to do).
        try:
            dbapi_connection = connection.connection.dbapi_connection
            if dbapi_connection is not None and dbapi_connection.in_transaction:
                dbapi_connection.execute(statement)
        finally:
            if connection.info.pop("writer", False):
                writer.release()

    event.listen(engine, "commit", lambda connection: _end(connection, "COMMIT"))
    event.listen(engine, "rollback", _end)

    return engine


def make_engine(url: str) -> Engine:
    """An engine for a SQLite file or a PostgreSQL database (``postgresql+psycopg://…``)."""
    return engine_for(url, _sqlite_engine, pool_size=10, max_overflow=30)
