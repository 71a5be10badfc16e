"""Status List Tokens fetched over HTTPS with a cache: a `nansen.verify_sdjwt.StatusTokenSource`.

An SD-JWT VC's ``status.status_list.uri`` names a Status List Token (draft-ietf-oauth-status-list
§8.1: dereferenced with ``Accept: application/statuslist+jwt``). This source fetches it through
`nansen.safehttp` (HTTPS only, bounded, no private addresses unless allowed) and keeps it in
memory, as `nansen.status_source` keeps Bitstring lists: within ``ttl`` the copy answers; after it
the token is fetched again; when that fails the copy answers while it is at most ``max_age`` old
(``ttl`` plus ``NANSEN_STATUS_GRACE_SECONDS``), and past that nothing does, so the status is
CANNOT CONFIRM. A refusal (4xx, oversize) forgets the copy. The pipeline verifies every token it
gets (signature, issuer, ``sub``, ``exp``); this source only keeps text that is shaped as a JWS
from replacing a good copy. Nothing is written to disk. Log lines name no URL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from nansen.config import status_grace
from nansen.errors import NansenError
from nansen.safehttp import Fetcher, FetchFailed, FetchRefused, Verify
from nansen.sdjwt.status_list import read_token
from nansen.timeutil import now

log = logging.getLogger(__name__)

DEFAULT_TTL: Final = timedelta(minutes=5)
DEFAULT_TIMEOUT: Final = 5.0
DEFAULT_MAX_BYTES: Final = 1_000_000
#: Tokens held at once; the oldest is dropped first.
MAX_HELD: Final = 1024
_ACCEPT: Final = "application/statuslist+jwt"


@dataclass(frozen=True)
class _Copy:
    token: str
    fetched_at: datetime


class FetchedStatusTokens:
    """Fetches Status List Tokens over HTTPS and caches them in memory; see the module's description."""

    def __init__(
        self,
        *,
        ttl: timedelta = DEFAULT_TTL,
        max_age: timedelta | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        verify: Verify = None,
        allow_private_addresses: bool = False,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self._fetcher = Fetcher(
            "the status list token",
            max_bytes=max_bytes,
            timeout=timeout,
            verify=verify,
            allow_private_addresses=allow_private_addresses,
            accept=_ACCEPT,
        )
        self.ttl = ttl
        self.max_age = ttl + status_grace() if max_age is None else max_age
        self._clock = clock
        self._held: dict[str, _Copy] = {}
        self._lock = threading.Lock()

    def get_token(self, uri: str) -> str | None:
        moment = self._clock()
        with self._lock:
            held = self._held.get(uri)
        if held is not None and timedelta(0) <= moment - held.fetched_at < self.ttl:
            return held.token
        try:
            token = self._fetcher.fetch(uri).decode("ascii").strip()
            read_token(
                token, uri, moment, timedelta(days=36500)
            )  # its shape and sub; the pipeline judges the rest
        except FetchRefused as refused:
            with self._lock:
                self._held.pop(uri, None)
            log.warning("A status list token was refused (%s) so its status is unknown.", refused)
            return None
        except (FetchFailed, NansenError, UnicodeDecodeError) as failure:
            log.warning(
                "A status list token could not be refreshed (%s); a copy may answer.", type(failure).__name__
            )
            if held is not None and timedelta(0) <= moment - held.fetched_at <= self.max_age:
                return held.token
            return None
        with self._lock:
            if len(self._held) >= MAX_HELD and uri not in self._held:
                oldest = min(self._held, key=lambda key: self._held[key].fetched_at)
                del self._held[oldest]
            self._held[uri] = _Copy(token, moment)
        return token

    def refreshed_at(self, uri: str) -> datetime | None:
        """When the copy held for ``uri`` was fetched, if one is held."""
        with self._lock:
            held = self._held.get(uri)
        return None if held is None else held.fetched_at
