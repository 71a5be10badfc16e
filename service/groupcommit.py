"""Group commit: the writes of concurrent requests made by one thread, in one transaction, with one
commit that reaches the disk for all of them.

Why (issue 15, "find where the time goes"): an issuance must hold the partner's lock (and the audit
chain's head) from allocating its status indexes to its commit, so a partner's issuances run one at
a time. Each then paid a commit that waits for the disk (about 3 ms here, on SQLite and
PostgreSQL alike), and each handed the lock to the next of up to forty request threads that all
competed for the interpreter lock in between; with 50 clients these waits, not the work, set the
pace. Here the request threads only queue their work: one writer thread takes everything queued,
runs the pieces one after another in one transaction, commits once, and only then answers every
caller. An answer still means the write is on disk; a commit that fails fails every piece it
carried, and none is answered as done.

A piece that fails is answered with its error and leaves no trace. Most fail before they write (a
refused API key, an exhausted rate limit, a credential id already used): the transaction goes on
without them. One that fails after writing (its rows flushed, or changes left in the session, or a
statement the database refused) rolls the transaction back, and the batch runs again with each
piece in a savepoint of its own, so that only the failed piece's writes are undone. Savepoints for
every piece cost a fifth of the writer's time (SAVEPOINT and RELEASE are two more round trips per
piece on PostgreSQL, and SQLAlchemy's nested transactions much Python), so they are kept for that
rare second run. A piece may therefore run twice: it must do nothing but work in its session.

Locks: ``lock`` is given the keys of every piece of the batch, sorted, and locks their rows in the
batch's transaction before any piece runs. Deadlocks (PostgreSQL, several workers): the pieces of
one transaction lock several rows, and another worker's transaction may lock the same rows; taken in
one order, and every other transaction that takes such locks taking one of them only, no two
transactions wait for each other.

Round trips: what a batch has locked or loaded under its locks, a later piece need not read again
(`remember`, `recall`): the partners' rows ``lock`` loaded, the audit chain's head, the status lists
in use. With PostgreSQL each statement is a round trip, and the writer thread waits for each one,
then for the interpreter lock that a few dozen request threads share; fewer statements per piece is
what made the writer faster (issue 15: the locking statements were three tenths of its time; 14
statements per credential became 9, then 7 without savepoints). What a piece remembers is
forgotten when it fails: a savepoint's rollback releases the row locks taken inside it
(PostgreSQL) and undoes the rows written, so a later piece must take and read them afresh.

The writer thread runs only while there is work: it is started by the first piece queued when none
runs, and ends when the queue is empty (a service at rest, or a test's many applications, keep no
idle thread).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

#: The most pieces of work one transaction carries: more shortens nothing, and holds the locks longer.
MAX_BATCH: Final = 16

#: Locks, in the batch's transaction, the rows named by the keys of its pieces (see the module).
Lock = Callable[[Session, list[str]], None]

#: Marks a batch's session in its ``info``, where what its pieces remember is kept (`remember`).
_BATCH: Final = "nansen.groupcommit.batch"


def remember(session: Session, key: Hashable, value: Any) -> None:
    """Keep ``value`` for the later pieces of this batch: a row the batch's transaction holds locked,
    or one read under such a lock. It is forgotten if the piece running now fails (see the module).
    Outside a batch nothing is kept: a session's transactions do not share locks."""
    if session.info.get(_BATCH):
        session.info[key] = value


def recall(session: Session, key: Hashable) -> Any:
    """What this batch's transaction remembered under ``key`` (`remember`), or None."""
    return session.info.get(key) if session.info.get(_BATCH) else None


@dataclass
class _Piece(Generic[T]):
    work: Callable[[Session], T]
    key: str | None
    answer: Future[T] = field(default_factory=Future)


class GroupCommit:
    """Runs pieces of work (``submit``) in shared transactions, on one thread of its own."""

    def __init__(self, sessions: sessionmaker[Session], lock: Lock | None = None) -> None:
        self._sessions = sessions
        self._lock = lock
        self._guard = threading.Lock()
        self._queue: list[_Piece[Any]] = []
        self._writing = False

    @property
    def queued(self) -> int:
        """How many pieces wait for the next transaction."""
        with self._guard:
            return len(self._queue)

    def submit(self, work: Callable[[Session], T], key: str | None = None) -> T:
        """Run ``work(session)`` in the next transaction and wait for its commit; its result, or what
        it (or the commit) raised. ``key`` names the row it locks first (see `Lock`). ``work`` may be
        run twice (see the module): it must act only through the session."""
        piece: _Piece[T] = _Piece(work, key)
        with self._guard:
            self._queue.append(piece)
            start = not self._writing
            self._writing = True
        if start:
            threading.Thread(target=self._write, name="nansen-group-commit", daemon=True).start()
        return piece.answer.result()

    def _write(self) -> None:
        while True:
            with self._guard:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                if not batch:
                    self._writing = False
                    return
            try:
                self._commit(batch)
            except BaseException as error:  # not an Exception (those fail the batch in _commit)
                for piece in batch:
                    if not piece.answer.done():
                        piece.answer.set_exception(error)
                with self._guard:
                    self._writing = False  # the next piece submitted starts a writer for the rest
                raise

    def _commit(self, batch: list[_Piece[Any]]) -> None:
        try:
            try:
                results = self._transaction(batch, isolated=False)
            except _WroteThenFailed:  # rolled back: again, each piece in a savepoint of its own
                results = self._transaction([p for p in batch if not p.answer.done()], isolated=True)
        except Exception as error:  # the transaction failed, so did every piece in it
            for piece in batch:
                if not piece.answer.done():
                    piece.answer.set_exception(error)
            return
        for piece, result in results:
            piece.answer.set_result(result)

    def _transaction(self, batch: list[_Piece[Any]], *, isolated: bool) -> list[tuple[_Piece[Any], Any]]:
        """Run the pieces in one transaction and commit it: each piece's result, once committed. A
        piece that fails having written nothing is answered with its error at once; one that fails
        after writing, unless ``isolated`` (each piece in a savepoint), raises `_WroteThenFailed`."""
        results: list[tuple[_Piece[Any], Any]] = []
        with self._sessions() as session, session.begin():
            session.info[_BATCH] = True
            keys = sorted({p.key for p in batch if p.key is not None})
            if self._lock is not None and keys:
                self._lock(session, keys)
            for piece in batch:
                remembered = dict(session.info)
                flushes = _flushes_begun(session)
                try:
                    with session.begin_nested() if isolated else contextlib.nullcontext():
                        result = piece.work(session)
                    if not isolated:
                        session.flush()  # so that the next piece starts with nothing unwritten
                except Exception as error:  # the piece's caller gets it, whatever it is
                    if not isolated and _wrote(session, flushes, error):
                        raise _WroteThenFailed from error  # rolled back, and run again isolated
                    if not session.in_transaction():
                        raise  # the transaction itself is gone: every piece fails
                    session.info.clear()
                    session.info.update(remembered)
                    piece.answer.set_exception(error)
                else:
                    results.append((piece, result))
        return results


class _WroteThenFailed(Exception):
    """A piece failed after writing, in a transaction without savepoints (`GroupCommit._transaction`)."""


#: Where a batch's session counts the flushes it has begun (`_count_flush`).
_FLUSHES: Final = "nansen.groupcommit.flushes"


@event.listens_for(Session, "before_flush")
def _count_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_BATCH):
        session.info[_FLUSHES] = session.info.get(_FLUSHES, 0) + 1


def _flushes_begun(session: Session) -> int:
    count: int = session.info.get(_FLUSHES, 0)
    return count


def _wrote(session: Session, flushes: int, error: Exception) -> bool:
    """Whether a piece that raised ``error`` may have changed the transaction: it began a flush (its
    rows were sent), left changes unwritten in the session, or the database refused a statement
    (which, on PostgreSQL, aborts the transaction). Pieces write through the session's unit of work."""
    return (
        isinstance(error, DBAPIError)
        or _flushes_begun(session) != flushes
        or bool(session.new or session.dirty or session.deleted)
    )
