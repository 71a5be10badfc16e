"""The access log every service writes: one line per request naming the route's *template*
(``/status/{list_id}``), never the path itself, which could carry an identifier; no query, no
header, no address. uvicorn's own access log is off (:mod:`service.serve`)."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class AccessLog:
    """ASGI middleware writing ``METHOD /route/template STATUS 1.2 ms`` to the logger ``name``."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.log = logging.getLogger(name)

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
            self.log.info("%s %s %d %.1f ms", scope["method"], route, status, elapsed)
