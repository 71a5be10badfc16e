"""Fetching one small document over HTTPS from a server that may be hostile (SSRF-hardened).

For anything fetched from a URL that someone else chose: a did:web document, a status list, a
trust list. `fetch` speaks HTTPS only, and:

- never reaches a private, loopback, link-local, multicast, reserved or unspecified address
  (RFC 6890 special-purpose addresses) unless asked to. The address is checked at connect time,
  on the address actually connected to, so a DNS answer cannot change between check and use;
- follows a redirect (RFC 9110 §15.4) only to its own origin (https, same host and port), and
  only ``max_redirects`` times;
- reads at most ``max_bytes`` of body, streamed, and refuses a compressed body (it asks for
  ``identity``, RFC 9110 §12.5.3), so a small response cannot expand into a large one;
- gives up after ``timeout`` seconds in all: connecting, every redirect and the body included.

Every failure is a `FetchError`: `FetchRefused` when the request or its answer is refused, and
`FetchFailed` when no answer could be had (the network, TLS, a server error), which is the case
where a cached copy may stand in. Messages are one sentence naming no host or URL, and no
exception they are chained from names one either (DESIGN.md §4).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from nansen import config
from nansen.errors import NansenError

__all__ = ["FetchError", "FetchFailed", "FetchRefused", "Fetcher", "Verify", "fetch", "post", "tls_context"]

#: The servers to trust: an SSL context, a CA bundle file, or None for the certifi bundle.
Verify = ssl.SSLContext | str | os.PathLike[str] | None


class FetchError(NansenError):
    """A fetch gave no body. ``status`` is the HTTP status when the server answered with one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class FetchRefused(FetchError):
    """Refused, by this side's policy or by the server: retrying will not help.

    This side refuses a URL that is not HTTPS, a private address, a redirect off the origin or
    one too many, a compressed or oversize body, and a trust store it cannot load. The server
    refuses with a status other than 200 below 500 (RFC 9110 §15.5, 404 for instance), which
    ``status`` gives.
    """


class FetchFailed(FetchError):
    """No answer could be had: no connection, a timeout, a failed TLS handshake, a malformed
    response, or a server error (HTTP 5xx, RFC 9110 §15.6, in ``status``). It may pass, so a
    cached copy may stand in."""


def tls_context(verify: Verify = None) -> ssl.SSLContext:
    """The SSL context `fetch` uses for ``verify``; build it once to reuse it across fetches.

    An ``ssl.SSLContext`` is used as it is; a CA bundle path, or None for the certifi bundle
    (never the system's or the environment's) plus the operator's ``NANSEN_TLS_CA_FILE`` if set,
    gives a context requiring TLS 1.2 or later.
    """
    if isinstance(verify, ssl.SSLContext):
        return verify
    try:
        if verify is None:
            context = httpx.create_ssl_context(verify=True, trust_env=False)
            extra = config.extra_ca_file()
            if extra is not None:
                context.load_verify_locations(cafile=extra)
        else:
            context = ssl.create_default_context(cafile=os.fspath(verify))
    except (OSError, ssl.SSLError) as cause:
        raise FetchRefused("The TLS trust store cannot be loaded.") from cause
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    verify: Verify = None,
    allow_private_addresses: bool = False,
    accept: str = "application/json",
    max_redirects: int = 3,
    what: str = "the resource",
) -> bytes:
    """GET ``url`` over HTTPS and return the body of its 200 answer, bounded as the module says.

    ``accept`` is the Accept header sent. ``what`` names the resource in error messages ("the
    status list" gives "The status list's server did not answer in time."); it must name no
    host, URL or identifier. Raises `FetchRefused` or `FetchFailed`.
    """
    if max_bytes <= 0 or timeout <= 0 or max_redirects < 0:
        raise ValueError("max_bytes and timeout must be positive, and max_redirects not negative")
    request = _Request(what, max_bytes, max_redirects, time.monotonic() + timeout)
    start = request.https_url(url)
    transport = _VettedTransport(
        tls_context(verify),
        _VettedBackend(allow_private_addresses or config.allow_private_addresses(), request.deadline),
    )
    headers = {"Accept": accept, "Accept-Encoding": "identity"}
    with (
        _as_fetch_errors(request),
        httpx.Client(transport=transport, headers=headers, follow_redirects=False, trust_env=False) as client,
    ):
        return request.follow(client, start)


def post(
    url: str,
    content: bytes,
    *,
    content_type: str,
    max_bytes: int,
    timeout: float,
    headers: dict[str, str] | None = None,
    verify: Verify = None,
    allow_private_addresses: bool = False,
    what: str = "the resource",
) -> tuple[int, bytes]:
    """POST ``content`` to ``url`` over HTTPS with `fetch`'s bounds; no redirect is followed. Returns
    the status and body of any answer but a server error or a redirect, so that a protocol's error
    answers (OAuth's 4xx JSON, RFC 6749 §5.2) can be read. Raises `FetchRefused` or `FetchFailed`."""
    if max_bytes <= 0 or timeout <= 0:
        raise ValueError("max_bytes and timeout must be positive")
    request = _Request(what, max_bytes, 0, time.monotonic() + timeout)
    target = request.https_url(url)
    transport = _VettedTransport(
        tls_context(verify),
        _VettedBackend(allow_private_addresses or config.allow_private_addresses(), request.deadline),
    )
    sent = {
        "Accept": "application/json",
        "Accept-Encoding": "identity",
        "Content-Type": content_type,
        **(headers or {}),
    }
    with (
        _as_fetch_errors(request),
        httpx.Client(transport=transport, follow_redirects=False, trust_env=False) as client,
    ):
        remaining = request.deadline - time.monotonic()
        with client.stream(
            "POST", target, content=content, headers=sent, timeout=httpx.Timeout(remaining)
        ) as response:
            if response.is_redirect:
                raise FetchRefused(f"{request.subject}'s server redirected a POST, which is refused.")
            status = response.status_code
            if 200 <= status < 500 and status != 200:
                return status, request.body_of(response)
            return status, request.body(response)


@contextlib.contextmanager
def _as_fetch_errors(request: _Request) -> Iterator[None]:
    """httpx's errors as `FetchError`s, not chained: their text can name the host."""
    try:
        yield
    except _AddressRefused:
        raise FetchRefused(
            f"{request.subject}'s host resolves to a private or reserved network address, which is refused."
        ) from None
    except httpx.TimeoutException:
        raise FetchFailed(f"{request.subject}'s server did not answer in time.") from None
    except httpx.ProtocolError:
        raise FetchFailed(f"{request.subject}'s server sent a malformed HTTP response.") from None
    except httpx.TransportError as error:
        if _tls_failure(error):
            raise FetchFailed(f"A secure connection to {request.what}'s server failed.") from None
        raise FetchFailed(f"{request.subject}'s server could not be reached.") from None
    except (httpx.HTTPError, httpx.InvalidURL, UnicodeError):
        # A redirect to a host whose IDNA labels are invalid raises UnicodeError when its host
        # is read. The others are not raised today (httpx itself refuses a Location it cannot
        # join, as a ProtocolError); this keeps the promise that every error is a FetchError.
        raise FetchRefused(f"{request.subject}'s server sent a response that cannot be read.") from None


# --------------------------------------------------------------------------------------------
# Redirects, status and body


@dataclass(frozen=True)
class _Request:
    what: str
    max_bytes: int
    max_redirects: int
    deadline: float  # time.monotonic()

    @property
    def subject(self) -> str:
        """``what`` to open a sentence with."""
        return self.what[:1].upper() + self.what[1:]

    def https_url(self, url: str) -> httpx.URL:
        try:
            parsed = httpx.URL(url)
            host = parsed.host  # decodes the IDNA labels: an invalid one (xn--a) raises here
        except (httpx.InvalidURL, TypeError, UnicodeError):
            parsed, host = None, ""
        if parsed is None or parsed.scheme != "https" or not host:
            raise FetchRefused(f"{self.subject}'s URL is not an HTTPS URL, which is refused.")
        return parsed

    def follow(self, client: httpx.Client, url: httpx.URL) -> bytes:
        origin = (url.host, url.port or 443)
        for _ in range(self.max_redirects + 1):
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise httpx.TimeoutException("the deadline passed")
            with client.stream("GET", url, timeout=httpx.Timeout(remaining)) as response:
                if not response.is_redirect:
                    return self.body(response)
                target = url.join(response.headers["Location"])
                if target.scheme != "https" or (target.host, target.port or 443) != origin:
                    raise FetchRefused(
                        f"{self.subject}'s server redirected elsewhere than its own HTTPS origin, "
                        "which is refused."
                    )
                url = target
        raise FetchRefused(f"{self.subject}'s server redirected more than {self.max_redirects} times.")

    def body(self, response: httpx.Response) -> bytes:
        status = response.status_code
        if status >= 500:
            raise FetchFailed(f"{self.subject}'s server failed (HTTP {status}).", status=status)
        if status != 200:
            raise FetchRefused(f"{self.subject} could not be fetched (HTTP {status}).", status=status)
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding != "identity":
            raise FetchRefused(f"{self.subject} was sent compressed, which is not accepted.")
        return self.body_of(response)

    def body_of(self, response: httpx.Response) -> bytes:
        """The body, at most ``max_bytes`` of it, read before the deadline."""
        too_large = FetchRefused(f"{self.subject} is larger than the {self.max_bytes:,}-byte limit.")
        declared = response.headers.get("Content-Length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > self.max_bytes):
            raise too_large
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > self.max_bytes:
                raise too_large
            if time.monotonic() > self.deadline:
                raise httpx.TimeoutException("the deadline passed")
        return bytes(body)


def _tls_failure(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# --------------------------------------------------------------------------------------------
# Transport: connect only to vetted addresses


class _AddressRefused(Exception):
    """The host resolves to an address this fetch must not reach."""


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


class Fetcher:
    """One kind of resource (DID documents, status lists, a trust list) fetched again and again
    with the same bounds: `fetch` with these arguments, the TLS context built once, on first use."""

    def __init__(
        self,
        what: str,
        *,
        max_bytes: int,
        timeout: float,
        verify: Verify = None,
        allow_private_addresses: bool = False,
        accept: str = "application/json",
    ) -> None:
        if timeout <= 0 or max_bytes <= 0:
            raise ValueError("timeout and max_bytes must be positive")
        self.what = what
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.allow_private_addresses = allow_private_addresses
        self.accept = accept
        self._verify = verify
        self._context: ssl.SSLContext | None = None

    def fetch(self, url: str) -> bytes:
        if self._context is None:
            self._context = tls_context(self._verify)
        return fetch(
            url,
            max_bytes=self.max_bytes,
            timeout=self.timeout,
            verify=self._context,
            allow_private_addresses=self.allow_private_addresses,
            accept=self.accept,
            what=self.what,
        )
