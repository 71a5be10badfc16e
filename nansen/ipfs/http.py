"""HTTP calls to a remote IPFS service (a kubo node's RPC API, a Pinning Service API provider) with httpx.

Every call has a timeout (connecting, and each wait for bytes). A call that may be repeated safely
is retried, with exponential backoff, when no answer came (connection refused or reset, a timeout)
or the answer is one that says "later" (HTTP 429, 502, 503, 504: RFC 9110 §15.6, RFC 6585 §4); a
call whose body is streamed once is not. Every failure becomes one error naming the service and no
content: `ServiceUnavailable` (no answer; retrying later may help), `ServiceRefused` (an answer that
refuses) or `ServiceAnswerError` (an answer that is not what the API specifies). Bodies are read with
a bound, so an answer cannot be larger than the caller expects.

httpx logs each request's URL at INFO level, and the RPC API carries CIDs in its query strings
(``?arg=…``); a filter on the ``httpx`` logger drops query strings from those lines (DESIGN.md §4:
no CIDs in logs).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from nansen.ipfs.errors import StoreError

#: Statuses that mean "try again later" (RFC 6585 §4; RFC 9110 §15.6.3 to 15.6.5).
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
#: The largest JSON answer read: pin listings and statuses are a few KiB.
MAX_JSON_BYTES = 1024 * 1024


class ServiceUnavailable(StoreError):
    """No answer: the service is down, unreachable, too slow, or asks to be called later."""


class ServiceRefused(StoreError):
    """The service answered with a refusal. ``status`` is its HTTP status; ``reply`` is the reason it
    gave, which may name content: never log or show it."""

    def __init__(self, message: str, *, status: int, reply: str) -> None:
        super().__init__(message)
        self.status = status
        self.reply = reply


class ServiceAnswerError(StoreError):
    """The service answered with something its API does not allow: garbage, or the wrong content."""


@dataclass(frozen=True)
class Retry:
    """How often a repeatable call is tried, and the first pause between tries (doubled each time)."""

    attempts: int = 3
    backoff: float = 0.25


DEFAULT_RETRY = Retry()


class Service:
    """One remote service at ``base_url``; ``name`` ("The IPFS node") starts every error sentence."""

    def __init__(
        self,
        base_url: str,
        name: str,
        *,
        timeout: float,
        retry: Retry = DEFAULT_RETRY,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self._retry = retry
        self._client = httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(timeout),
            # Bodies are read with a bound; a compressed one could expand past it.
            headers={"Accept-Encoding": "identity", **(headers or {})},
            follow_redirects=False,
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    @contextlib.contextmanager
    def stream(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        content: Iterable[bytes] | None = None,
        content_type: str | None = None,
        ok: frozenset[int] = frozenset({200}),
    ) -> Iterator[httpx.Response]:
        """A response whose status is in ``ok``, its body not yet read.

        A call with a streamed ``content`` is tried once; any other call is retried as the class
        describes. A refusal (any other status) raises `ServiceRefused` with the service's reason.
        """
        headers = {"Content-Type": content_type} if content_type else None
        attempts = 1 if content is not None else self._retry.attempts
        for attempt in range(attempts):
            last = attempt == attempts - 1
            request = self._client.build_request(
                method, path, params=params, json=json_body, content=content, headers=headers
            )
            try:
                response = self._client.send(request, stream=True)
            except httpx.TimeoutException:
                if last:
                    raise ServiceUnavailable(f"{self.name} did not answer in time.") from None
            except httpx.TransportError:
                if last:
                    raise ServiceUnavailable(f"{self.name} cannot be reached.") from None
            else:
                try:
                    if response.status_code in ok:
                        yield response
                        return
                    if response.status_code not in TRANSIENT_STATUSES:
                        raise self._refusal(response)
                    if last:
                        raise ServiceUnavailable(f"{self.name} is busy or failing; try again later.")
                finally:
                    response.close()
            time.sleep(self._retry.backoff * 2**attempt)

    def json(self, method: str, path: str, **options: Any) -> Any:
        """The JSON body of a call (see `stream`)."""
        with self.stream(method, path, **options) as response:
            return self.parse_json(self.read(response, MAX_JSON_BYTES))

    def read(self, response: httpx.Response, limit: int) -> bytes:
        """The whole body, refused when longer than ``limit`` bytes or cut short."""
        body = bytearray()
        try:
            for piece in response.iter_raw():
                body += piece
                if len(body) > limit:
                    raise ServiceAnswerError(f"{self.name} sent a larger answer than expected.")
        except httpx.TimeoutException:
            raise ServiceUnavailable(f"{self.name} did not answer in time.") from None
        except (httpx.TransportError, httpx.StreamError):
            raise ServiceUnavailable(f"{self.name} broke off its answer.") from None
        return bytes(body)

    def lines(self, response: httpx.Response, limit: int) -> Iterator[Any]:
        """The JSON values of a newline-delimited JSON body (as kubo streams command output)."""
        for line in self.read(response, limit).splitlines():
            if line.strip():
                yield self.parse_json(line)

    def parse_json(self, body: bytes) -> Any:
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise ServiceAnswerError(f"{self.name} answered with something that is not JSON.") from None

    def _refusal(self, response: httpx.Response) -> ServiceRefused:
        body = self.read(response, MAX_JSON_BYTES)
        try:
            reply = _reason(json.loads(body))
        except (ValueError, RecursionError):
            reply = ""
        return ServiceRefused(
            f"{self.name} refused the request (HTTP {response.status_code}).",
            status=response.status_code,
            reply=reply,
        )


def _reason(body: Any) -> str:
    """The reason in an error body: kubo's ``{"Message": …}`` or the Pinning Service API's
    ``{"error": {"reason": …, "details": …}}`` (its "Failure" schema)."""
    if isinstance(body, dict):
        if isinstance(body.get("Message"), str):
            return str(body["Message"])
        error = body.get("error")
        if isinstance(error, dict):
            return " ".join(str(error.get(key, "")) for key in ("reason", "details")).strip()
    return ""


class _DropQueries(logging.Filter):
    """Drops the query string of the URL in httpx's request lines ("HTTP Request: %s %s …")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) > 1 and isinstance(record.args[1], httpx.URL):
            record.args = (record.args[0], record.args[1].copy_with(query=None), *record.args[2:])
        return True


logging.getLogger("httpx").addFilter(_DropQueries())
