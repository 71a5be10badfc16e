"""Resolving did:web over HTTPS (`nansen.safehttp`), with a memory and disk cache.

did:web Method Specification (W3C CCG, ``did-method-web``): "Read (Resolve)" (the DID-to-URL
mapping, HTTPS only, the resolved document's ``id`` must equal the DID) and "Deactivate
(Revoke)" (a removed ``did.json`` deactivates the DID). Errors and log lines name no DID, host
or URL (DESIGN.md §4).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from nansen import jsonutil
from nansen.cache import Entry, JsonCache, ago
from nansen.config import configured_limits, data_dir, did_max_age
from nansen.did.document import DidDocument
from nansen.did.web import CONTEXTS, did_to_url
from nansen.errors import DidDocumentUnavailable, DidResolutionError, InvalidInput
from nansen.safehttp import Fetcher, FetchFailed, FetchRefused, Verify
from nansen.timeutil import now

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "DEFAULT_TTL", "WebResolution", "WebResolver"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 64 * 1024
DEFAULT_TTL = timedelta(hours=1)

_DID_V1 = CONTEXTS[0]
#: A did:web document is DID JSON (``application/did+json``), which plain JSON readers accept too.
_ACCEPT = "application/did+json, application/json"
#: did:web "Deactivate (Revoke)": the document is gone, so the DID is deactivated.
_GONE = (404, 410)


@dataclass(frozen=True)
class WebResolution:
    """A resolved did:web document with when it was fetched, so callers can show its age."""

    document: DidDocument
    fetched_at: datetime
    from_cache: bool
    #: Older than the resolver's TTL (never than its ``max_age``): served because resolution is
    #: offline or the network failed.
    stale: bool

    def age(self, moment: datetime | None = None) -> timedelta:
        return (moment or now()) - self.fetched_at


class WebResolver:
    """Resolves did:web over HTTPS, bounded, with a memory and disk cache (a DocumentSource).

    Fetching is `nansen.safehttp.fetch`: HTTPS only; ``timeout`` seconds in all (redirects
    included); at most ``max_bytes`` of body; redirects only within the same origin, at most
    three; hosts resolving to non-public addresses refused unless ``allow_private_addresses``;
    ``verify`` is an ``ssl.SSLContext`` or a CA bundle path (default: the certifi bundle). The
    document's ``id`` must equal the DID.

    The cache keeps each document with the time it was fetched, in memory and as one JSON
    file per DID in ``cache_dir`` (named by the SHA-256 of the DID, written atomically, readable
    by its owner only). Within ``ttl`` the cache answers; after it the document is fetched
    again; if that fails (`FetchFailed`: no connection, timeout, TLS failure, HTTP 5xx), or
    ``offline`` is set, the cache answers while its copy is at most ``max_age`` old (default
    ``NANSEN_DID_MAX_AGE_SECONDS``). Beyond that, or with no copy, `DidDocumentUnavailable` is
    raised: an old copy could still list a key the partner has since marked compromised
    (Controlled Identifiers 1.0 §2.2, ``revoked``), so what it vouches for is unknown. A 404 or
    410 is a deactivated DID (did:web "Deactivate (Revoke)"): it removes the cached copy and is
    never answered from the cache.

    ``resolve(did, remember=False)`` writes nothing to the cache: a holder's document is
    fetched for one verification and kept nowhere (DESIGN.md §4, a verifier keeps nothing).
    """

    def __init__(
        self,
        cache_dir: str | os.PathLike[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        ttl: timedelta = DEFAULT_TTL,
        max_age: timedelta | None = None,
        verify: Verify = None,
        allow_private_addresses: bool = False,
        offline: bool = False,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self._fetcher = Fetcher(
            "the DID document",
            max_bytes=max_bytes,
            timeout=timeout,
            verify=verify,
            allow_private_addresses=allow_private_addresses,
            accept=_ACCEPT,
        )
        self.cache_dir = Path(cache_dir) if cache_dir is not None else data_dir() / "did-web"
        self.ttl = ttl
        self.max_age = did_max_age() if max_age is None else max_age
        self.offline = offline
        self._clock = clock
        self._cache = JsonCache(
            self.cache_dir,
            key_field="did",
            what="did:web document",
            max_bytes=max_bytes,
            check=_valid_document,
        )

    # -- DocumentSource

    def resolve(self, did: str, *, remember: bool = True) -> DidDocument:
        return self.resolve_with_metadata(did, remember=remember).document

    def resolve_with_metadata(self, did: str, *, remember: bool = True) -> WebResolution:
        """Resolve the DID; the answer says when the document was fetched and whence it came.

        ``remember=False``: a document fetched is not kept (a holder's), though a cached copy may answer.
        """
        if not isinstance(did, str):
            raise DidResolutionError("A DID must be a string.")
        did = did.split("#", 1)[0]
        url = did_to_url(did)
        entry = self._cache.get(did)
        moment = self._clock()
        if entry is not None and timedelta(0) <= entry.age(moment) < min(self.ttl, self.max_age):
            return WebResolution(DidDocument(entry.data), entry.fetched_at, from_cache=True, stale=False)
        if self.offline:
            if entry is None:
                raise DidDocumentUnavailable(
                    "The DID document is not in the cache, and resolution is offline."
                )
            return self._stale(entry, moment, "The DID document cannot be fetched: resolution is offline.")
        try:
            body = self._fetcher.fetch(url)
        except FetchFailed as failure:
            if entry is None:
                raise DidDocumentUnavailable(str(failure)) from failure
            log.warning("A did:web document could not be fetched (%s); a cached copy may answer.", failure)
            return self._stale(entry, moment, str(failure))
        except FetchRefused as refused:
            if refused.status in _GONE:
                self._cache.forget(did)
                raise DidResolutionError(
                    f"The DID document is not published (HTTP {refused.status}); the DID is deactivated."
                ) from refused
            raise DidResolutionError(str(refused)) from refused
        data = self._checked(did, body)
        fetched_at = self._clock()
        if remember:
            self._cache.put(did, Entry(data, fetched_at))
        return WebResolution(DidDocument(data), fetched_at, from_cache=False, stale=False)

    def _stale(self, entry: Entry, moment: datetime, failure: str) -> WebResolution:
        """The cached copy in place of a fetch that failed, if it is not older than ``max_age``."""
        if not timedelta(0) <= entry.age(moment) <= self.max_age:
            raise DidDocumentUnavailable(
                f"{failure.rstrip('.')}, and the copy held was fetched {ago(entry.age(moment))}, "
                "too long ago to rely on."
            )
        return WebResolution(DidDocument(entry.data), entry.fetched_at, from_cache=True, stale=True)

    def _checked(self, did: str, body: bytes) -> dict[str, Any]:
        try:
            data = jsonutil.parse(body, configured_limits(max_document_bytes=self._fetcher.max_bytes))
        except InvalidInput as cause:
            raise DidResolutionError("The DID document is not valid JSON.") from cause
        return _valid_document(did, data)


def _valid_document(did: str, data: Any) -> dict[str, Any]:
    """did:web "Read (Resolve)": the document's id must be the DID; its methods must parse."""
    if not isinstance(data, dict):
        raise DidResolutionError("The DID document is not a JSON object.")
    if data.get("id") != did:
        raise DidResolutionError("The DID document's id does not match the DID that was resolved.")
    if "@context" in data:
        context = data["@context"]
        contexts = context if isinstance(context, list) else [context]
        if _DID_V1 not in contexts:
            raise DidResolutionError("The DID document's @context does not include the DID v1 context.")
    DidDocument(data).verification_methods()
    return data
