"""ASGI middleware: the access log (the body limit is every service's: `service.bodies`).

The access log names the route's template (``/status/{list_id}``), never the path itself, which
could carry an identifier.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("issuer.access")


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
