"""A cache of fetched JSON documents that survives restarts, so a verifier keeps working offline.

Each document is kept with the time it was fetched, in memory and as one JSON file per key
(named by the SHA-256 of the key, written atomically, readable by its owner only). A file that
cannot be read or does not pass the owner's check is ignored, never trusted. The did:web
resolver, the status list source and the trust list source share it; each decides how long a
copy may stand in for the network. Log lines name no key: keys are URLs and DIDs (DESIGN.md §4).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from nansen import jsonutil
from nansen.config import configured_limits
from nansen.errors import InvalidInput, NansenError

__all__ = ["Entry", "JsonCache", "Schedule", "ago", "write_json_atomically"]

log = logging.getLogger(__name__)

#: Documents kept in memory per cache; the least recently used beyond this are read from disk again.
MEMORY_ENTRIES = 256
#: After a failed refresh, the next attempt waits this long (or the TTL, if shorter).
RETRY_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class Entry:
    """A cached document and when it was fetched."""

    data: dict[str, Any]
    fetched_at: datetime

    def age(self, moment: datetime) -> timedelta:
        return moment - self.fetched_at


def _any_object(key: str, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidInput("The cached document is not a JSON object.")
    return data


class JsonCache:
    """Documents by key, in memory and on disk under ``directory``.

    ``key_field`` names the key in each file (``"did"``, ``"url"``); ``what`` names the documents
    in log lines ("did:web document"); ``check(key, data)`` vets a document read back from disk
    and returns it, raising `NansenError` to have it ignored; ``max_bytes`` bounds a document.
    """

    def __init__(
        self,
        directory: Path,
        *,
        key_field: str,
        what: str,
        max_bytes: int,
        check: Callable[[str, Any], dict[str, Any]] = _any_object,
    ) -> None:
        self.directory = directory
        self._key_field = key_field
        self._what = what
        self._limits = configured_limits(max_document_bytes=max(4 * max_bytes, 1 << 20))
        self._check = check
        self._memory: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode("utf-8")).hexdigest() + ".json")

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._memory.get(key)
            if entry is not None:
                self._memory.move_to_end(key)
                return entry
        entry = self._load(key)
        if entry is not None:
            self._keep(key, entry, replace=False)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        """Keep the entry in memory and write it to disk; a failed write is logged, not raised."""
        self._keep(key, entry, replace=True)
        record = {self._key_field: key, "fetchedAt": entry.fetched_at.isoformat(), "document": entry.data}
        try:
            write_json_atomically(self.path(key), record)
        except OSError:
            log.warning("A %s could not be written to the cache.", self._what)

    def forget(self, key: str) -> None:
        with self._lock:
            self._memory.pop(key, None)
        with contextlib.suppress(OSError):
            self.path(key).unlink(missing_ok=True)

    def _keep(self, key: str, entry: Entry, *, replace: bool) -> None:
        with self._lock:
            if replace or key not in self._memory:
                self._memory[key] = entry
            self._memory.move_to_end(key)
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)

    def _load(self, key: str) -> Entry | None:
        try:
            raw = self.path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            log.warning("A %s cache entry cannot be read; it is ignored.", self._what)
            return None
        try:
            stored = jsonutil.parse(raw, self._limits)
            if not isinstance(stored, dict) or stored.get(self._key_field) != key:
                raise InvalidInput("The cache entry is for another key.")
            fetched_at = datetime.fromisoformat(stored["fetchedAt"])
            if fetched_at.tzinfo is None:
                raise InvalidInput("The cache entry's time has no time zone.")
            return Entry(self._check(key, stored["document"]), fetched_at)
        except (NansenError, KeyError, TypeError, ValueError):
            log.warning("A %s cache entry is malformed; it is ignored.", self._what)
            return None


class Schedule:
    """When a document may be fetched again: ``ttl`` after it was refreshed, and after a failed
    attempt ``RETRY_AFTER`` (at most ``ttl``) later, so an unreachable server does not cost
    every verification a timeout. A clock set back by more than ``ttl`` makes a refresh due."""

    def __init__(self, ttl: timedelta) -> None:
        self.ttl = ttl
        self._next: OrderedDict[str, datetime] = OrderedDict()
        self._lock = threading.Lock()

    def due(self, key: str, moment: datetime, refreshed_at: datetime | None) -> bool:
        """Is a refresh due for ``key``, last refreshed at ``refreshed_at`` (None: never)?"""
        with self._lock:
            planned = self._next.get(key)
        if planned is None:
            planned = refreshed_at + self.ttl if refreshed_at is not None else moment
        return not moment < planned <= moment + self.ttl

    def attempted(self, key: str, moment: datetime, *, succeeded: bool) -> None:
        with self._lock:
            self._next[key] = moment + (self.ttl if succeeded else min(self.ttl, RETRY_AFTER))
            self._next.move_to_end(key)
            while len(self._next) > MEMORY_ENTRIES:
                self._next.popitem(last=False)


def write_json_atomically(path: Path, value: Any, *, mode: int = 0o600, indent: int | None = None) -> None:
    """Write ``value`` as JSON to ``path`` through a temporary file: readers see the old file or
    the new one, never half of one. The directory is created (``0700``) when missing."""
    temporary: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkstemp creates the file readable and writable by its owner only (0600).
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle, ensure_ascii=False, indent=indent)
            if indent is not None:
                handle.write("\n")
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def ago(age: timedelta) -> str:
    """How long ago, in the largest whole unit: "3 days ago", "1 hour ago", "just now"."""
    seconds = max(int(age.total_seconds()), 0)
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        count = seconds // size
        if count:
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return "just now"
