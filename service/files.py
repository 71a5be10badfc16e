"""The files a role creates are its owner's alone: 0600 in 0700 directories (issue 9).

Databases, key files, wallets and IPFS blocks say who was helped, by whom and when; another account
on the same machine must not read them. Two measures, because each covers what the other cannot:

- :func:`keep_private` sets the process's umask to 0077 when a role's command starts, so whatever
  the process creates (SQLite's ``-wal``, ``-shm`` and ``-journal`` files, directories made with
  ``parents=True``, files of libraries) is 0600 or 0700 whoever creates it;
- :func:`private_sqlite` creates a SQLite database's directory (0700) and the file itself (0600)
  before SQLite opens it, and narrows an existing one, for code that runs without the umask (an
  application server importing ``create_app``): SQLite gives its journal files the database file's
  mode (SQLite's os_unix.c, ``findCreateFileMode``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

from sqlalchemy.engine import make_url

PRIVATE_UMASK: Final = 0o077
FILE_MODE: Final = 0o600
DIRECTORY_MODE: Final = 0o700
#: The files SQLite keeps beside a database.
_SQLITE_COMPANIONS: Final = ("", "-wal", "-shm", "-journal", "-writer")


def keep_private() -> None:
    """From now on, this process creates files 0600 and directories 0700."""
    os.umask(PRIVATE_UMASK)


def private_directory(path: Path) -> None:
    """Create the directory (and missing parents) 0700; narrow it if it exists more open."""
    missing = [parent for parent in (path, *path.parents) if not parent.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
    _narrow(path, DIRECTORY_MODE)


def private_sqlite(url: str) -> None:
    """For a SQLite file URL: its directory 0700, the database and its companions 0600 (see the module)."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    path = Path(database)
    private_directory(path.parent)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))
    for suffix in _SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            _narrow(companion, FILE_MODE)


def _narrow(path: Path, mode: int) -> None:
    """Take away what ``mode`` does not allow (only the owner's own files can be changed)."""
    current = stat.S_IMODE(path.stat().st_mode)
    if current & ~mode and path.stat().st_uid == os.getuid():
        path.chmod(current & mode)
