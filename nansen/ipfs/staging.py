"""Durable, all-or-nothing file writes for the embedded store.

Each file is written under a temporary name, fsync'd, and only then ``os.replace``'d under its
final name, whose directory is fsync'd in turn (POSIX ``rename`` is atomic; ``fsync`` of the file
and of its directory makes the data and the name durable). A process killed at any moment leaves
every final name either absent or whole; temporary files are all that a crash can leave behind.

fsync is most of the cost of adding a file, and the fsyncs of different files overlap in the
kernel, so files are written by a few threads, with a bounded number of them in flight.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from nansen.ipfs.errors import StoreError

WRITERS = 8
#: Files written but not yet waited for: bounds the memory held at 16 blocks.
IN_FLIGHT = 16


class Staging:
    """Files written in a temporary directory, moved into place together by :meth:`commit`.

    Leaving the ``with`` block removes every temporary file that was not moved.
    """

    def __init__(self, temporary_directory: Path) -> None:
        self._directory = temporary_directory
        self._pool = ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="nansen-ipfs-write")
        self._pending: deque[tuple[Path, Future[str]]] = deque()
        self._written: list[tuple[str, Path]] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._pool.shutdown(wait=True)
        for path, future in self._pending:
            if future.exception() is None:
                self._written.append((future.result(), path))
        for temporary, _ in self._written:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)

    def add(self, path: Path, data: bytes) -> None:
        """Write ``data`` to become the file ``path`` at :meth:`commit`."""
        self._pending.append((path, self._pool.submit(_write_temporary, self._directory, data)))
        self._wait(IN_FLIGHT)

    def commit(self) -> None:
        """Move every file into place, then make the names durable; raises ``StoreError``."""
        self._wait(0)
        directories: set[Path] = set()
        try:
            for temporary, path in self._written:
                if not path.parent.is_dir():
                    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                    directories.add(path.parent.parent)
                os.replace(temporary, path)
                directories.add(path.parent)
            self._written = []
            for directory in directories:
                fsync_directory(directory)
        except OSError as error:
            raise StoreError(f"The store cannot write to its directory: {error.strerror}.") from error

    def _wait(self, limit: int) -> None:
        while len(self._pending) > limit:
            path, future = self._pending.popleft()
            self._written.append((future.result(), path))


def fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_temporary(directory: Path, data: bytes) -> str:
    """A new file in ``directory`` holding ``data``, fsync'd; its path."""
    try:
        handle, temporary = tempfile.mkstemp(dir=directory)
    except OSError as error:
        raise StoreError(f"The store cannot write to its directory: {error.strerror}.") from error
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        os.unlink(temporary)
        raise StoreError(f"The store cannot write to its directory: {error.strerror}.") from error
    return temporary
