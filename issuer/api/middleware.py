"""ASGI middleware: a request body limit that never reads a large body, and an access log.

The body limit answers 413 at once when ``Content-Length`` is too large, and stops a body sent
without one (chunked) as soon as it passes the limit. The routes that take a scan have a larger
limit of their own (by exact path); every other route keeps the small one. An answer sent before
the body was read to its end (a refusal, such as a missing API key) closes the connection, so the
rest of the body is never read. The access log names the route's template
(``/status/{list_id}``), never the path itself, which could carry an identifier.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from issuer.problems import Problem, problem_response

log = logging.getLogger("issuer.access")


class BodyTooLarge(Problem):
    def __init__(self, limit: int) -> None:
        # The rest of the body is never read, so the connection cannot carry another request.
        super().__init__(
            413, f"The request body is larger than the limit of {limit:,} bytes.", {"Connection": "close"}
        )


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int, larger: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        #: Paths whose bodies may be larger, and their limits.
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.limit)
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            error = (
                BodyTooLarge(limit)
                if declared.isdigit()
                else Problem(400, "The Content-Length is not a number.")
            )
            await problem_response(error.status, error.detail, {"Connection": "close"})(scope, receive, send)
            return
        received = 0
        finished = declared == b"0" or (declared is None and b"transfer-encoding" not in headers)

        async def limited() -> Message:
            nonlocal received, finished
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                finished = not message.get("more_body", False)
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def closing(message: Message) -> None:
            # An answer given before the body was read (a refusal): the server is not to read
            # the rest of it only to find the next request, so the connection closes.
            if message["type"] == "http.response.start" and not finished:
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, limited, closing)


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = getattr(scope.get("route"), "path", "(no route)")
            elapsed = (time.perf_counter() - start) * 1000
            log.info("%s %s %d %.1f ms", scope["method"], route, status, elapsed)
