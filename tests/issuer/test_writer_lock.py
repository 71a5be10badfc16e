"""SQLite writers queue across processes on a lock file (issuer/db.py), not in SQLite's busy handler."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from issuer.db import WRITER_SUFFIX, make_engine


def lock_is_free(path: Path) -> bool:
    """Whether another process could take the writers' lock now (the test is that other process)."""
    file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(file)  # also releases it if taken
    return True


def test_a_write_transaction_holds_the_file_lock_until_it_ends(tmp_path: Path) -> None:
    database = tmp_path / "issuer.db"
    engine = make_engine(f"sqlite:///{database}")
    lock = Path(str(database) + WRITER_SUFFIX)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
            assert not lock_is_free(lock)
        assert lock_is_free(lock)
        connection = engine.connect()
        transaction = connection.begin()
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert not lock_is_free(lock)
        transaction.rollback()
        connection.close()
        assert lock_is_free(lock)
        assert oct(lock.stat().st_mode & 0o777) == oct(0o600)
    finally:
        engine.dispose()


def test_another_process_waits_for_the_lock_and_then_writes(tmp_path: Path) -> None:
    """A second process's transaction does not begin while the first holds the lock, begins once it
    is released, and both rows are kept."""
    database = tmp_path / "issuer.db"
    engine = make_engine(f"sqlite:///{database}")
    script = textwrap.dedent(
        f"""
        import sys
        from sqlalchemy import text
        from issuer.db import make_engine
        engine = make_engine({f"sqlite:///{database}"!r})
        print("ready", flush=True)
        with engine.begin() as connection:
            print("began", flush=True)
            connection.execute(text("INSERT INTO t VALUES (2)"))
        engine.dispose()
        """
    )
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
        connection = engine.connect()
        transaction = connection.begin()
        connection.execute(text("INSERT INTO t VALUES (1)"))
        other = subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert other.stdout is not None
        assert other.stdout.readline().strip() == "ready"
        with contextlib.suppress(subprocess.TimeoutExpired):
            other.wait(timeout=1.5)  # it waits for the lock, as it should
        assert other.returncode is None, "the second writer began while the first held the lock"
        transaction.commit()
        connection.close()
        assert other.wait(timeout=30) == 0
        assert other.stdout.read().strip() == "began"
        with engine.connect() as check:
            assert sorted(row[0] for row in check.execute(text("SELECT n FROM t"))) == [1, 2]
    finally:
        engine.dispose()
