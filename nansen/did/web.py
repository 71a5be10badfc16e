"""did:web for partners: identifiers, documents with a key lifecycle, and bounded HTTPS resolution.

Specifications followed (section names as the documents title them):

- did:web Method Specification (W3C CCG, ``did-method-web``): "Method-specific identifier" (a
  domain name, an optional port with its colon percent-encoded, optional colon-delimited path; no
  IP addresses), "DID method operations / Create (Register)" and "Read (Resolve)" (the DID-to-URL
  mapping, HTTPS only, the resolved document's ``id`` must equal the DID), "Key Material and
  Document Handling" (DID URLs in the document are absolute) and "Deactivate (Revoke)" (a removed
  ``did.json`` deactivates the DID).
- W3C Controlled Identifiers 1.0 §2.2 "Verification Methods" (``expires`` and ``revoked``) and
  §2.2.2 "Multikey": a rotated key keeps its entry with ``expires`` set to the rotation time, so
  proofs created before still verify; a compromised key gets ``revoked``, after which nothing it
  ever signed verifies (nansen.proofs.dataintegrity.verify_proof enforces both).
- W3C DID Core 1.0 §3.1 "DID Syntax" (the characters a method-specific identifier may hold) and
  §5.3 "Verification Relationships" (``authentication``, ``assertionMethod``).

Resolution never reaches a private, loopback, link-local, multicast, reserved or unspecified
address unless asked to (the address is checked at connect time, on the address actually used,
so a DNS answer cannot change between the check and the connection), never follows a redirect
to another origin, never reads more than its size cap, and gives up after its timeout. Errors
and log lines name no DID, host or URL (DESIGN.md §4).
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import logging
import os
import re
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

from nansen import jsonutil
from nansen.config import Limits, data_dir
from nansen.did.document import DidDocument
from nansen.errors import DidResolutionError, InvalidInput, KeyFormatError
from nansen.keys import Ed25519PublicKey
from nansen.timeutil import format_datetime, now, parse_datetime

__all__ = [
    "CONTEXTS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TTL",
    "MAX_REDIRECTS",
    "PREFIX",
    "PartnerKey",
    "WebResolution",
    "WebResolver",
    "build_document",
    "current_key",
    "did_from_url",
    "did_to_url",
    "mark_compromised",
    "partner_keys",
    "rotate",
]

log = logging.getLogger(__name__)

PREFIX = "did:web:"
CONTEXTS = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
DID_V1 = CONTEXTS[0]

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 64 * 1024
DEFAULT_TTL = timedelta(hours=1)
MAX_REDIRECTS = 3
#: No partner needs a longer identifier; longer ones are refused before any parsing.
MAX_DID_LENGTH = 2048

_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
#: DID Core 1.0 §3.1: idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_FRAGMENT = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_PORT_SEPARATOR = re.compile(r"%3A", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# did:web <-> URL ("Method-specific identifier", "Read (Resolve)")


@dataclass(frozen=True)
class _WebId:
    host: str
    port: int | None
    path: tuple[str, ...]  # percent-encoded segments, as written in the DID

    @property
    def url(self) -> str:
        authority = self.host if self.port is None else f"{self.host}:{self.port}"
        path = "/" + "/".join(self.path) if self.path else "/.well-known"
        return f"https://{authority}{path}/did.json"


def _malformed(reason: str) -> DidResolutionError:
    return DidResolutionError(f"The DID is not a well-formed did:web identifier: {reason}.")


def _parse(did: str) -> _WebId:
    if not isinstance(did, str) or not did.startswith(PREFIX):
        raise DidResolutionError("The DID is not a did:web identifier.")
    if len(did) > MAX_DID_LENGTH:
        raise _malformed("it is too long")
    segments = did[len(PREFIX) :].split(":")
    authority, path = segments[0], segments[1:]
    if not authority:
        raise _malformed("it names no host")
    host, *port_part = _PORT_SEPARATOR.split(authority, maxsplit=1)
    port: int | None = None
    if port_part:
        if not _PORT.match(port_part[0]) or not 0 < int(port_part[0]) < 65536:
            raise _malformed("its port is not a number from 1 to 65535")
        port = int(port_part[0])
    labels = host.split(".")
    if not host or len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _malformed("its host is not a domain name")
    if labels[-1].isdigit():
        raise _malformed("it names an IP address where a domain name is required")
    for segment in path:
        if not _SEGMENT.match(segment):
            raise _malformed("a path segment is empty or holds a character DIDs do not allow")
        decoded = unquote(segment)
        if decoded in (".", "..") or any(c in decoded for c in "/\\?#%") or not decoded.isprintable():
            raise _malformed("a path segment could escape its directory")
    return _WebId(host.lower(), port, tuple(path))


def did_to_url(did: str) -> str:
    """The HTTPS URL of a did:web's document (did:web "Read (Resolve)", steps 1-5).

    ``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
    ``did:web:example.com:partners:7`` → ``https://example.com/partners/7/did.json``;
    ``did:web:localhost%3A8443`` → ``https://localhost:8443/.well-known/did.json``.
    A fragment (``#key-1``) is ignored. Malformed identifiers (no host, an IP address, a dot
    segment, characters DID syntax does not allow) raise DidResolutionError.
    """
    if not isinstance(did, str):
        raise DidResolutionError("A DID must be a string.")
    return _parse(did.split("#", 1)[0]).url


def did_from_url(url: str) -> str:
    """The did:web a partner's document URL stands for (did:web "Create (Register)").

    Accepts ``https://host[:port]`` with no path, with ``/.well-known/did.json``, or with a
    path ending in ``/did.json``; the result maps back to the same document URL.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as cause:
        raise DidResolutionError("The URL is not a valid HTTPS URL.") from cause
    if parts.scheme != "https":
        raise DidResolutionError("A did:web document is served over HTTPS only.")
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise DidResolutionError("The URL must name a host and carry no user name or password.")
    if parts.query or parts.fragment:
        raise DidResolutionError("A did:web document URL carries no query or fragment.")
    path = parts.path.rstrip("/")
    if path.endswith("/did.json"):
        path = path[: -len("/did.json")]
    if path == "/.well-known":
        path = ""
    segments = path.split("/")[1:] if path else []
    if any(not segment for segment in segments):
        raise DidResolutionError("The URL path has an empty segment, which did:web cannot express.")
    authority = parts.hostname if port is None else f"{parts.hostname}%3A{port}"
    did = PREFIX + ":".join([authority, *segments])
    did_to_url(did)
    return did


# --------------------------------------------------------------------------------------------
# Partner DID documents and their key lifecycle (Controlled Identifiers 1.0 §2.2)


@dataclass(frozen=True)
class PartnerKey:
    """One Ed25519 Multikey of a partner, with its lifecycle (Controlled Identifiers 1.0 §2.2).

    A key with neither ``expires`` nor ``revoked`` is current: it signs and authenticates now.
    """

    fragment: str
    public_key: Ed25519PublicKey
    expires: datetime | None = None
    revoked: datetime | None = None

    @property
    def current(self) -> bool:
        return self.expires is None and self.revoked is None


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput("A key lifecycle time must carry a time zone.")
    return moment


def _assemble(
    did: str, keys: Sequence[PartnerKey], context: Sequence[Any], extra: Mapping[str, Any]
) -> dict[str, Any]:
    did_to_url(did)
    if "#" in did:
        raise InvalidInput("A DID document's id is a DID without a fragment.")
    if not keys:
        raise InvalidInput("A partner's DID document needs at least one key.")
    fragments = [key.fragment for key in keys]
    if not all(isinstance(f, str) and _FRAGMENT.match(f) for f in fragments):
        raise InvalidInput("A key fragment may hold only letters, digits, '.', '-' and '_'.")
    if len(set(fragments)) != len(fragments):
        raise InvalidInput("Two keys of a DID document share a fragment.")
    if sum(key.current for key in keys) > 1:
        raise InvalidInput("A partner has one current signing key; retire the others first.")
    methods: list[dict[str, Any]] = []
    for key in keys:
        method: dict[str, Any] = {
            "id": f"{did}#{key.fragment}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key.multibase,
        }
        if key.expires is not None:
            method["expires"] = format_datetime(_aware(key.expires))
        if key.revoked is not None:
            method["revoked"] = format_datetime(_aware(key.revoked))
        methods.append(method)
    document: dict[str, Any] = {"@context": list(context), "id": did, **extra}
    document["verificationMethod"] = methods
    # Retired and revoked keys stay under assertionMethod: a credential signed before a
    # rotation still verifies, and one signed by a compromised key fails as *revoked*.
    document["assertionMethod"] = [m["id"] for m in methods]
    document["authentication"] = [f"{did}#{k.fragment}" for k in keys if k.current]
    return document


def build_document(did: str, keys: Sequence[PartnerKey]) -> dict[str, Any]:
    """A partner's DID document (DID Core 1.0 §5; did:web "Create (Register)").

    Every key is a Multikey (Controlled Identifiers 1.0 §2.2.2) listed under
    ``verificationMethod`` and ``assertionMethod``; the current key (at most one) also under
    ``authentication``. Retired keys carry ``expires``, compromised ones ``revoked`` (§2.2).
    Identifiers are absolute DID URLs, as did:web "Key Material and Document Handling" asks.
    """
    return _assemble(did, keys, CONTEXTS, {})


_MANAGED = frozenset({"@context", "id", "verificationMethod", "assertionMethod", "authentication"})


def partner_keys(document: Mapping[str, Any]) -> tuple[str, list[PartnerKey]]:
    """The DID and keys of a document made by build_document (or shaped like one)."""
    did = document.get("id")
    if not isinstance(did, str):
        raise InvalidInput("A DID document must have an 'id'.")
    did_to_url(did)
    entries = document.get("verificationMethod", [])
    if not isinstance(entries, list):
        raise InvalidInput("'verificationMethod' must be a list.")
    keys: list[PartnerKey] = []
    for entry in entries:
        try:
            method_id = entry["id"]
            if not isinstance(method_id, str) or not method_id.startswith(did + "#"):
                raise InvalidInput("A verification method's id is not a DID URL of this DID.")
            if entry["type"] != "Multikey" or entry["controller"] != did:
                raise InvalidInput("A verification method is not a Multikey controlled by this DID.")
            keys.append(
                PartnerKey(
                    fragment=method_id[len(did) + 1 :],
                    public_key=Ed25519PublicKey.from_multibase(entry["publicKeyMultibase"]),
                    expires=parse_datetime(entry["expires"]) if "expires" in entry else None,
                    revoked=parse_datetime(entry["revoked"]) if "revoked" in entry else None,
                )
            )
        except (KeyError, TypeError, ValueError, KeyFormatError) as cause:
            raise InvalidInput("A verification method in the DID document is malformed.") from cause
    return did, keys


def current_key(document: Mapping[str, Any]) -> str | None:
    """The id of the document's current signing key, or None when every key is retired."""
    did, keys = partner_keys(document)
    return next((f"{did}#{k.fragment}" for k in keys if k.current), None)


def _rebuild(document: Mapping[str, Any], keys: Sequence[PartnerKey]) -> dict[str, Any]:
    did = document["id"]
    existing = document.get("@context", [])
    existing = existing if isinstance(existing, list) else [existing]
    context = [*CONTEXTS, *(c for c in existing if c not in CONTEXTS)]
    extra = {k: v for k, v in document.items() if k not in _MANAGED}
    return _assemble(did, keys, context, extra)


def rotate(
    document: Mapping[str, Any],
    new_public_key: Ed25519PublicKey,
    fragment: str,
    when: datetime | None = None,
) -> dict[str, Any]:
    """Rotate the partner's signing key (Controlled Identifiers 1.0 §2.2, ``expires``).

    Returns a new document: the current key stays listed with ``expires`` = ``when`` (proofs it
    created up to then still verify; later ones do not), and the new key becomes current.
    """
    when = _aware(when or now())
    _, keys = partner_keys(document)
    if any(k.public_key == new_public_key for k in keys):
        raise InvalidInput("The new key is already in the DID document; use a fresh key.")
    retired = [replace(k, expires=when) if k.current else k for k in keys]
    return _rebuild(document, [*retired, PartnerKey(fragment, new_public_key)])


def mark_compromised(
    document: Mapping[str, Any], method_id: str, when: datetime | None = None
) -> dict[str, Any]:
    """Mark a key as compromised (Controlled Identifiers 1.0 §2.2, ``revoked``).

    Returns a new document in which the method carries ``revoked`` = ``when``: nothing it ever
    signed verifies any more. ``method_id`` is the absolute DID URL or ``#fragment``. If the key
    was current, the partner has no current key until the next ``rotate``.
    """
    when = _aware(when or now())
    did, keys = partner_keys(document)
    fragment = method_id[len(did) + 1 :] if method_id.startswith(did + "#") else method_id.lstrip("#")
    if not any(k.fragment == fragment for k in keys):
        raise InvalidInput("The DID document has no such verification method.")
    marked = [
        replace(k, revoked=min(k.revoked, when) if k.revoked else when) if k.fragment == fragment else k
        for k in keys
    ]
    return _rebuild(document, marked)


# --------------------------------------------------------------------------------------------
# HTTPS transport: connect only to vetted addresses


class _AddressRefused(Exception):
    """The host resolves to an address this resolver must not reach."""


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


class _VettedBackend(httpcore.SyncBackend):
    """Resolves the host itself, checks every address, and connects to a checked one."""

    def __init__(self, allow_private: bool, deadline: float) -> None:
        self._allow_private = allow_private
        self._deadline = deadline

    def _addresses(self, host: str, port: int) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError) as cause:
            raise httpcore.ConnectError("name resolution failed") from cause
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise httpcore.ConnectError("name resolution returned no address")
        for address in addresses:
            try:
                parsed = ipaddress.ip_address(address)
            except ValueError as cause:  # a scoped IPv6 address (fe80::1%eth0) and the like
                raise _AddressRefused from cause
            if not self._allow_private and not _public(parsed):
                raise _AddressRefused
        return addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        failure: Exception = httpcore.ConnectError("no address could be reached")
        for address in self._addresses(host, port):
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                raise httpcore.ConnectTimeout("the deadline passed")
            attempt = remaining if timeout is None else min(timeout, remaining)
            try:
                return super().connect_tcp(address, port, attempt, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except httpcore.TimeoutException as error:
        raise httpx.TimeoutException(str(error)) from error
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError) as error:
        raise httpx.TransportError(str(error)) from error
    except httpcore.UnsupportedProtocol as error:
        raise httpx.UnsupportedProtocol(str(error)) from error


class _ResponseBytes(httpx.SyncByteStream):
    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._response.iter_stream()

    def close(self) -> None:
        with _as_httpx_errors():
            self._response.close()


class _VettedTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool whose connections go through _VettedBackend."""

    def __init__(self, ssl_context: ssl.SSLContext, backend: _VettedBackend) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, network_backend=backend, http1=True, http2=False, retries=0
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.SyncByteStream):
            raise httpx.TransportError("an asynchronous request body cannot be sent here")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            core_response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseBytes(core_response),
            extensions=core_response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


# --------------------------------------------------------------------------------------------
# Resolution with a cache


@dataclass(frozen=True)
class WebResolution:
    """A resolved did:web document with when it was fetched, so callers can show its age."""

    document: DidDocument
    fetched_at: datetime
    from_cache: bool
    #: Older than the resolver's TTL: served because resolution is offline or the network failed.
    stale: bool

    def age(self, moment: datetime | None = None) -> timedelta:
        return (moment or now()) - self.fetched_at


@dataclass(frozen=True)
class _Entry:
    data: dict[str, Any]
    fetched_at: datetime


class _NetworkFailure(Exception):
    """The document could not be fetched for a reason the cache may stand in for."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


def _tls_failure(error: BaseException) -> ssl.SSLError | None:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


VerifyOption = ssl.SSLContext | str | os.PathLike[str] | None


def _ssl_context(verify: VerifyOption) -> ssl.SSLContext:
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is None:
        context = httpx.create_ssl_context(verify=True, trust_env=False)
    else:
        context = ssl.create_default_context(cafile=os.fspath(verify))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class WebResolver:
    """Resolves did:web over HTTPS, bounded, with a memory and disk cache (a DocumentSource).

    did:web "Read (Resolve)": HTTPS only; ``timeout`` seconds in all (redirects included);
    at most ``max_bytes`` of body, read streamed; redirects followed only within the same
    origin (https, same host and port), at most three; hosts resolving to non-public addresses
    refused unless ``allow_private_addresses``; ``verify`` is an ``ssl.SSLContext`` or a CA
    bundle path (default: the certifi bundle); the document's ``id`` must equal the DID.

    The cache keeps each document with the time it was fetched, in memory and as one JSON
    file per DID in ``cache_dir`` (named by the SHA-256 of the DID, written atomically). Within
    ``ttl`` the cache answers; after it the document is fetched again; if the network fails
    (no connection, timeout, TLS failure, HTTP 5xx), or ``offline`` is set, the cache answers
    whatever its age. A 404 or 410 is a deactivated DID (did:web "Deactivate (Revoke)"): it
    removes the cached copy and is never answered from the cache.
    """

    def __init__(
        self,
        cache_dir: str | os.PathLike[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        ttl: timedelta = DEFAULT_TTL,
        verify: VerifyOption = None,
        allow_private_addresses: bool = False,
        offline: bool = False,
        clock: Callable[[], datetime] = now,
    ) -> None:
        if timeout <= 0 or max_bytes <= 0:
            raise ValueError("timeout and max_bytes must be positive")
        self.cache_dir = Path(cache_dir) if cache_dir is not None else data_dir() / "did-web"
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.ttl = ttl
        self.allow_private_addresses = allow_private_addresses
        self.offline = offline
        self._verify = verify
        self._ssl: ssl.SSLContext | None = None
        self._clock = clock
        self._memory: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    # -- DocumentSource

    def resolve(self, did: str) -> DidDocument:
        return self.resolve_with_metadata(did).document

    def resolve_with_metadata(self, did: str) -> WebResolution:
        """Resolve the DID; the answer says when the document was fetched and whence it came."""
        if not isinstance(did, str):
            raise DidResolutionError("A DID must be a string.")
        did = did.split("#", 1)[0]
        url = did_to_url(did)
        entry = self._cached(did)
        moment = self._clock()
        if entry is not None and timedelta(0) <= moment - entry.fetched_at < self.ttl:
            return WebResolution(DidDocument(entry.data), entry.fetched_at, from_cache=True, stale=False)
        if self.offline:
            if entry is None:
                raise DidResolutionError("The DID document is not in the cache, and resolution is offline.")
            return WebResolution(DidDocument(entry.data), entry.fetched_at, from_cache=True, stale=True)
        try:
            body = self._fetch(url)
        except _NetworkFailure as failure:
            if entry is None:
                # Not chained: a TLS error's text can name the host, which names the DID.
                raise DidResolutionError(failure.sentence) from None
            log.warning("A did:web document could not be fetched (%s) so a cached copy is used.", failure)
            return WebResolution(DidDocument(entry.data), entry.fetched_at, from_cache=True, stale=True)
        except _Deactivated as gone:
            self._forget(did)
            raise DidResolutionError(str(gone)) from None
        data = self._checked(did, body)
        fetched_at = self._clock()
        self._remember(did, _Entry(data, fetched_at))
        return WebResolution(DidDocument(data), fetched_at, from_cache=False, stale=False)

    # -- fetching

    def _context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = _ssl_context(self._verify)
        return self._ssl

    def _fetch(self, url: str) -> bytes:
        deadline = time.monotonic() + self.timeout
        try:
            ssl_context = self._context()
        except (OSError, ssl.SSLError) as cause:
            raise DidResolutionError("The TLS trust store for did:web cannot be loaded.") from cause
        transport = _VettedTransport(ssl_context, _VettedBackend(self.allow_private_addresses, deadline))
        headers = {"Accept": "application/did+json, application/json", "Accept-Encoding": "identity"}
        try:
            with httpx.Client(
                transport=transport, headers=headers, follow_redirects=False, trust_env=False
            ) as client:
                return self._follow(client, httpx.URL(url), deadline)
        except _AddressRefused:
            raise DidResolutionError(
                "The DID's host resolves to a private or reserved network address, which is refused."
            ) from None
        except httpx.TimeoutException as error:
            raise _NetworkFailure("The DID document's server did not answer in time.") from error
        except httpx.ProtocolError as error:
            raise _NetworkFailure("The DID document's server sent a malformed HTTP response.") from error
        except httpx.TransportError as error:
            if _tls_failure(error) is not None:
                raise _NetworkFailure("A secure connection to the DID document's server failed.") from error
            raise _NetworkFailure("The DID document's server could not be reached.") from error
        except httpx.HTTPError:
            raise DidResolutionError(
                "The DID document's server sent a response that cannot be read."
            ) from None

    def _follow(self, client: httpx.Client, url: httpx.URL, deadline: float) -> bytes:
        origin = (url.host, url.port or 443)
        for _ in range(MAX_REDIRECTS + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise httpx.TimeoutException("the deadline passed")
            with client.stream("GET", url, timeout=httpx.Timeout(remaining)) as response:
                if response.is_redirect:
                    try:
                        target = url.join(response.headers["Location"])
                    except httpx.InvalidURL:
                        raise DidResolutionError(
                            "The DID document's server redirected to an invalid URL."
                        ) from None
                    if target.scheme != "https" or (target.host, target.port or 443) != origin:
                        raise DidResolutionError(
                            "The DID document's server redirected elsewhere than its own HTTPS origin, "
                            "which is refused."
                        )
                    url = target
                    continue
                return self._body(response, deadline)
        raise DidResolutionError(f"The DID document's server redirected more than {MAX_REDIRECTS} times.")

    def _body(self, response: httpx.Response, deadline: float) -> bytes:
        status = response.status_code
        if status >= 500:
            raise _NetworkFailure(f"The DID document's server failed (HTTP {status}).")
        if status in (404, 410):
            raise _Deactivated(f"The DID document is not published (HTTP {status}); the DID is deactivated.")
        if status != 200:
            raise DidResolutionError(f"The DID document could not be fetched (HTTP {status}).")
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding != "identity":
            raise DidResolutionError("The DID document was sent compressed, which is not accepted.")
        too_large = DidResolutionError(f"The DID document is larger than the {self.max_bytes:,}-byte limit.")
        declared = response.headers.get("Content-Length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > self.max_bytes):
            raise too_large
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > self.max_bytes:
                raise too_large
            if time.monotonic() > deadline:
                raise httpx.TimeoutException("the deadline passed")
        return bytes(body)

    def _checked(self, did: str, body: bytes) -> dict[str, Any]:
        try:
            data = jsonutil.parse(body, Limits(max_document_bytes=self.max_bytes))
        except InvalidInput as cause:
            raise DidResolutionError("The DID document is not valid JSON.") from cause
        return _valid_document(did, data)

    # -- cache

    def _path(self, did: str) -> Path:
        return self.cache_dir / (hashlib.sha256(did.encode("utf-8")).hexdigest() + ".json")

    def _cached(self, did: str) -> _Entry | None:
        with self._lock:
            entry = self._memory.get(did)
        if entry is not None:
            return entry
        entry = self._load(did)
        if entry is not None:
            with self._lock:
                self._memory.setdefault(did, entry)
        return entry

    def _load(self, did: str) -> _Entry | None:
        path = self._path(did)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            log.warning("A did:web cache entry cannot be read; it is ignored.")
            return None
        try:
            stored = jsonutil.parse(raw, Limits(max_document_bytes=max(4 * self.max_bytes, 1 << 20)))
            if not isinstance(stored, dict) or stored.get("did") != did:
                raise InvalidInput("The cache entry is for another DID.")
            fetched_at = datetime.fromisoformat(stored["fetchedAt"])
            if fetched_at.tzinfo is None:
                raise InvalidInput("The cache entry's time has no time zone.")
            return _Entry(_valid_document(did, stored["document"]), fetched_at)
        except (InvalidInput, DidResolutionError, KeyError, TypeError, ValueError):
            log.warning("A did:web cache entry is malformed; it is ignored.")
            return None

    def _remember(self, did: str, entry: _Entry) -> None:
        with self._lock:
            self._memory[did] = entry
        record = {"did": did, "fetchedAt": entry.fetched_at.isoformat(), "document": entry.data}
        temporary: str | None = None
        try:
            self.cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.cache_dir, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self._path(did))
            temporary = None
        except OSError:
            log.warning("A did:web document could not be written to the cache.")
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def _forget(self, did: str) -> None:
        with self._lock:
            self._memory.pop(did, None)
        with contextlib.suppress(OSError):
            self._path(did).unlink(missing_ok=True)


class _Deactivated(Exception):
    """The server says the document is gone (404/410): the DID is deactivated."""


def _valid_document(did: str, data: Any) -> dict[str, Any]:
    """did:web "Read (Resolve)": the document's id must be the DID; its methods must parse."""
    if not isinstance(data, dict):
        raise DidResolutionError("The DID document is not a JSON object.")
    if data.get("id") != did:
        raise DidResolutionError("The DID document's id does not match the DID that was resolved.")
    if "@context" in data:
        context = data["@context"]
        contexts = context if isinstance(context, list) else [context]
        if DID_V1 not in contexts:
            raise DidResolutionError("The DID document's @context does not include the DID v1 context.")
    DidDocument(data).verification_methods()
    return data
