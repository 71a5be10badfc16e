"""Status list credentials fetched over HTTPS with a cache: a `nansen.verify.StatusListSource`.

W3C Bitstring Status List v1.0 §3.2 (Validate Algorithm) begins by dereferencing the entry's
``statusListCredential``; this module does that for the verification pipeline, through
`nansen.safehttp.fetch` (HTTPS only, bounded, no private addresses unless allowed). DESIGN.md
§5: "verifiers cache them". A list is kept, with the time it was fetched, in memory and on disk
(`nansen.cache.JsonCache`, default ``NANSEN_DATA_DIR/status-lists``):

- within ``ttl`` of the last fetch the cached copy answers, with no request;
- after it the list is fetched again; if no answer can be had (`FetchFailed`: no connection,
  timeout, TLS failure, HTTP 5xx) or the answer is not a status list credential, or ``offline``
  is set, the cached copy answers while it is at most ``max_age`` old (default: ``ttl`` plus
  ``NANSEN_STATUS_GRACE_SECONDS``, so a revocation is seen at most that long after it is
  published);
- beyond ``max_age`` no copy is used: the status is unknown, and the verdict "CANNOT CONFIRM"
  (`refreshed_at` still tells how old the copy held is, which the pipeline shows);
- a refusal (`FetchRefused`: HTTP 404 and other 4xx, an oversize body, a private address)
  removes the cached copy: the status is unknown until the list can be fetched again.

The pipeline verifies every list it is given (proof, issuer); this source only makes sure a
document is a ``BitstringStatusListCredential`` for the URL asked, so that garbage never
replaces a good copy. `refreshed_at` tells the pipeline how old the copy held is, which it
shows. Log lines name no URL (DESIGN.md §4).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from nansen import jsonutil, status, vcdm
from nansen.cache import Entry, JsonCache, Schedule
from nansen.config import configured_limits, data_dir, status_grace
from nansen.errors import NansenError, StatusListError
from nansen.safehttp import Fetcher, FetchFailed, FetchRefused, Verify
from nansen.timeutil import now

__all__ = ["CachedStatusLists", "StatusListCopy"]

log = logging.getLogger(__name__)

DEFAULT_TTL: Final = timedelta(minutes=5)
DEFAULT_TIMEOUT: Final = 5.0
DEFAULT_MAX_BYTES: Final = 1_000_000
#: A status list credential is JSON-LD in JSON (VC 2.0 §6.1 media types).
_ACCEPT = "application/vc+ld+json, application/ld+json, application/json"


@dataclass(frozen=True)
class StatusListCopy:
    """A status list credential and when it was fetched."""

    document: dict[str, Any]
    fetched_at: datetime
    #: True when the cached copy answered (within the TTL, offline, or the fetch failed).
    from_cache: bool

    def age(self, moment: datetime) -> timedelta:
        return moment - self.fetched_at


class CachedStatusLists:
    """Fetches status list credentials over HTTPS and caches them; see the module's description."""

    def __init__(
        self,
        cache_dir: str | os.PathLike[str] | None = None,
        *,
        ttl: timedelta = DEFAULT_TTL,
        max_age: timedelta | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        verify: Verify = None,
        allow_private_addresses: bool = False,
        offline: bool = False,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self._fetcher = Fetcher(
            "the status list",
            max_bytes=max_bytes,
            timeout=timeout,
            verify=verify,
            allow_private_addresses=allow_private_addresses,
            accept=_ACCEPT,
        )
        self.max_age = ttl + status_grace() if max_age is None else max_age
        self.offline = offline
        self._clock = clock
        directory = Path(cache_dir) if cache_dir is not None else data_dir() / "status-lists"
        self._cache = JsonCache(
            directory, key_field="url", what="status list", max_bytes=max_bytes, check=_status_list
        )
        self._schedule = Schedule(ttl)

    # -- nansen.verify.StatusListSource and DatedSource

    def get(self, url: str) -> dict[str, Any] | None:
        found = self.get_with_metadata(url)
        return None if found is None else found.document

    def refreshed_at(self, url: str) -> datetime | None:
        """When the copy held for ``url`` was fetched, whether or not it may still be used."""
        entry = self._cache.get(url)
        return None if entry is None else entry.fetched_at

    # --

    def get_with_metadata(self, url: str) -> StatusListCopy | None:
        """The list at ``url`` and its age, or None when it cannot be had (the status is unknown)."""
        entry = self._cache.get(url)
        moment = self._clock()
        if not self.offline and self._schedule.due(url, moment, None if entry is None else entry.fetched_at):
            try:
                document = _status_list(
                    url,
                    jsonutil.parse(
                        self._fetcher.fetch(url),
                        configured_limits(max_document_bytes=self._fetcher.max_bytes),
                    ),
                )
            except FetchRefused as refused:
                self._schedule.attempted(url, moment, succeeded=False)
                self._cache.forget(url)
                log.warning("A status list was refused (%s) so its status is unknown.", refused)
                return None
            except (FetchFailed, NansenError) as failure:
                self._schedule.attempted(url, moment, succeeded=False)
                log.warning("A status list could not be refreshed (%s); a cached copy may answer.", failure)
            else:
                fetched = Entry(document, self._clock())
                self._cache.put(url, fetched)
                self._schedule.attempted(url, moment, succeeded=True)
                return StatusListCopy(document, fetched.fetched_at, from_cache=False)
        else:
            # Not due: perhaps because another thread has just fetched it (it stores the copy before
            # it records the attempt), after this one read the cache. Read it again, or a service's
            # first concurrent verifications would find no copy and say the status is unknown.
            entry = self._cache.get(url)
        if entry is None or not timedelta(0) <= entry.age(moment) <= self.max_age:
            return None
        return StatusListCopy(entry.data, entry.fetched_at, from_cache=True)


def _status_list(url: str, data: Any) -> dict[str, Any]:
    """§2.2: a ``BitstringStatusListCredential`` whose ``id``, if any, is the URL it came from."""
    if not isinstance(data, dict) or status.LIST_CREDENTIAL_TYPE not in vcdm.as_list(data.get("type")):
        raise StatusListError("The document is not a BitstringStatusListCredential.")
    if "id" in data and data["id"] != url:
        raise StatusListError("The status list is not the one that was asked for.")
    return data
