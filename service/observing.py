"""What the access log and the metrics both watch of a request: its route template, the status of
its answer and how long it took, captured in one place (`Observer`, `StatusCapture`)."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: What a request that no route served is recorded under.
NO_ROUTE = "(no route)"


class StatusCapture:
    """An ASGI ``send`` that remembers the status of the answer it starts: 0 until one starts."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.status = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self.send(message)


def route_of(scope: Scope) -> str:
    """The template of the route that served the request (``/status/{list_id}``), never its path."""
    return getattr(scope.get("route"), "path", None) or NO_ROUTE


class Observer:
    """ASGI middleware that runs the app, then hands `observe` what an HTTP request came to, even
    when the app raised (status 0 when no answer was started)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        capture = StatusCapture(send)
        try:
            await self.app(scope, receive, capture)
        finally:
            self.observe(scope, capture.status, time.perf_counter() - start)
