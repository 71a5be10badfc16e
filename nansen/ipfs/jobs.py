"""The durable queue of replication jobs: pin (or unpin) some content at some target.

One SQLite file (by default ``$NANSEN_DATA_DIR/ipfs-replication.sqlite3``) in WAL mode with
``synchronous=FULL``, so a job is on disk when ``enqueue`` returns and survives a crash or a restart.
A job leaves the queue only when it has succeeded. One that fails is kept with its number of
attempts and the reason (an error sentence, which names no content), and is tried again after a
pause that doubles with each failure, up to :data:`MAX_PAUSE`. A job being tried is leased for
:data:`LEASE` seconds, so two processes working the queue do not run it at once and a process that
died mid-job leaves it to be tried again.

There is at most one job for a (content, target) pair: a newer one (an unpin after a pin) replaces
it, and a job that finishes after it was replaced leaves the replacement in place.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from nansen.ipfs.cid import CID
from nansen.ipfs.errors import StoreError

Action = Literal["pin", "unpin"]
#: The pause after the first failure, in seconds; each further failure doubles it.
FIRST_PAUSE = 30.0
MAX_PAUSE = 6 * 3600.0
LEASE = 600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cid BLOB NOT NULL,
    target TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('pin', 'unpin')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL NOT NULL,
    last_error TEXT,
    queued_at REAL,
    UNIQUE (cid, target)
)
"""
#: Queues made before jobs recorded when they were queued gain the column (NULL: not known).
_ADD_QUEUED_AT = "ALTER TABLE jobs ADD COLUMN queued_at REAL"


@dataclass(frozen=True)
class Job:
    id: int
    cid: CID
    target: str
    action: Action
    #: Failed attempts so far.
    attempts: int
    #: When the job may next be tried (seconds since the epoch).
    next_attempt: float
    #: Why the last attempt failed: one sentence naming no content.
    last_error: str | None
    #: When the job was queued (seconds since the epoch); None for a job queued by an older version.
    queued_at: float | None = None

    def waited(self, moment: float) -> float | None:
        """Seconds the job has been queued at ``moment`` (None when not known)."""
        return None if self.queued_at is None else max(0.0, moment - self.queued_at)


@dataclass(frozen=True)
class Backlog:
    """How many jobs are queued and how long the oldest has waited (None: nothing queued or not known)."""

    length: int
    oldest_seconds: float | None


class JobQueue:
    """The queue in the SQLite file ``path``, made on first use; ``clock`` gives the time (seconds)."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock

    def enqueue(self, cid: CID, targets: list[str], action: Action) -> None:
        """Queue the action for each target (replacing any job for the same content and target)."""
        now = self._clock()
        with self._transaction() as db:
            for target in targets:
                db.execute("DELETE FROM jobs WHERE cid = ? AND target = ?", (cid.binary, target))
                db.execute(
                    "INSERT INTO jobs (cid, target, action, next_attempt, queued_at) VALUES (?, ?, ?, ?, ?)",
                    (cid.binary, target, action, now, now),
                )

    def jobs(self, cid: CID | None = None) -> list[Job]:
        """Every job (of one content, if given), oldest first."""
        with self._transaction() as db:
            if cid is None:
                rows = db.execute("SELECT * FROM jobs ORDER BY id").fetchall()
            else:
                rows = db.execute("SELECT * FROM jobs WHERE cid = ? ORDER BY id", (cid.binary,)).fetchall()
        return [_job(row) for row in rows]

    def backlog(self) -> Backlog:
        """The queue's length and the age of its oldest job, without naming any content (for metrics)."""
        with self._transaction() as db:
            length, oldest = db.execute("SELECT COUNT(*), MIN(queued_at) FROM jobs").fetchone()
        return Backlog(length, None if oldest is None else max(0.0, self._clock() - oldest))

    def now(self) -> float:
        """The queue's clock (seconds since the epoch)."""
        return self._clock()

    def claim(self, job: Job, *, early: bool = False) -> bool:
        """Lease the job if it is due (or, with ``early``, at any time) and nobody else holds it."""
        now = self._clock()
        with self._transaction() as db:
            claimed = db.execute(
                "UPDATE jobs SET next_attempt = ? WHERE id = ? AND next_attempt = ? AND (? OR next_attempt <= ?)",
                (now + LEASE, job.id, job.next_attempt, early, now),
            )
            return claimed.rowcount == 1

    def done(self, job: Job) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM jobs WHERE id = ?", (job.id,))

    def failed(self, job: Job, reason: str) -> None:
        """Record a failed attempt; the job is due again after its pause."""
        pause = min(MAX_PAUSE, FIRST_PAUSE * 2**job.attempts)
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET attempts = attempts + 1, next_attempt = ?, last_error = ? WHERE id = ?",
                (self._clock() + pause, reason, job.id),
            )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # It names content: readable by its owner only (SQLite gives its WAL files the same mode).
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise StoreError("The replication queue cannot be opened.") from error
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            db.execute(_SCHEMA)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(jobs)")}
            if "queued_at" not in columns:
                db.execute(_ADD_QUEUED_AT)
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except sqlite3.Error as error:
            raise StoreError("The replication queue cannot be read or written.") from error
        finally:
            db.close()


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        cid=CID(row["cid"]),
        target=row["target"],
        action=row["action"],
        attempts=row["attempts"],
        next_attempt=row["next_attempt"],
        last_error=row["last_error"],
        queued_at=row["queued_at"],
    )
