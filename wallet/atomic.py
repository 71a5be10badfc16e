"""Crash-safe replacement of a file, and the wallet directory's lock.

A new version is written to a temporary file in the same directory, fsync'd, ``os.replace``'d over
the old one (POSIX ``rename`` is atomic), and the directory is fsync'd so that the new name is
durable. A process killed at any moment leaves the old version or the new one, whole; at worst a
stale temporary file, which the next write replaces. A write that fails leaves the old version and
no temporary file.

The lock is ``flock(2)`` on the directory itself, so it needs no file of its own.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(path: Path, pieces: Iterable[bytes]) -> None:
    """Make ``path`` hold the bytes of ``pieces`` (read as they come), all or nothing, mode 0600."""
    temporary = path.with_name(path.name + TEMPORARY_SUFFIX)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            for piece in pieces:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    fsync_directory(path.parent)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the directory's exclusive lock: one command at a time reads and writes the wallet."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
