"""The access log every service writes: one line per request naming the route's *template*
(``/status/{list_id}``), never the path itself, which could carry an identifier; no query, no
header, no address. uvicorn's own access log is off (:mod:`service.serve`)."""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Scope

from service.observing import Observer, route_of


class AccessLog(Observer):
    """ASGI middleware writing ``METHOD /route/template STATUS 1.2 ms`` to the logger ``name``."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        super().__init__(app)
        self.log = logging.getLogger(name)

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        self.log.info("%s %s %d %.1f ms", scope["method"], route_of(scope), status, seconds * 1000)
