"""The headers every answer of the host carries (issue #14): a strict Content-Security-Policy (the
app loads nothing from elsewhere and talks only to its host and the issuers and verifiers the host
names), the camera for the host's own pages only, no referrer, no sniffing, no framing, and no
caching unless the answer says otherwise (the API's answers are a person's wallet)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(connect_origins: Iterable[str]) -> str:
    connect = " ".join(["'self'", *connect_origins])
    return (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        f"img-src 'self' data: blob:; connect-src {connect}; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


class SecurityHeaders:
    """ASGI middleware adding the headers to every answer (an answer's own CSP, such as the API
    documentation's stricter one, is kept)."""

    def __init__(self, app: ASGIApp, connect_origins: Iterable[str]) -> None:
        self.app = app
        self.headers: dict[bytes, bytes] = {
            b"content-security-policy": content_security_policy(connect_origins).encode(),
            b"permissions-policy": b"camera=(self)",
            b"referrer-policy": b"no-referrer",
            b"x-content-type-options": b"nosniff",
            b"cross-origin-opener-policy": b"same-origin",
            b"cache-control": b"no-store",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def adding(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = list(message.get("headers", []))
                present = {name.lower() for name, _value in given}
                given += [(name, value) for name, value in self.headers.items() if name not in present]
                message = {**message, "headers": given}
            await send(message)

        await self.app(scope, receive, adding)
