"""Request bodies, bounded: refused by Content-Length before reading, counted while streaming.

`BodyLimit` answers 413 at once when a request announces more than the limit, and makes the
body stream fail once more than the limit has arrived (chunked or lying about its length), so
a huge body is never read whole. `json_body` then takes the raw bytes (JSON media types only,
else 415) and parses them with `nansen.jsonutil.parse`, which bounds size and depth (400), a large
body off the event loop (`service.parsing`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nansen.errors import InvalidInput
from service.parsing import parse_json_body
from service.problems import Problem, problem_response
from verifier.dependencies import get_settings
from verifier.settings import Settings

JSON_TYPES = frozenset({"application/json", "application/ld+json"})
FORM_TYPE = "application/x-www-form-urlencoded"


def _too_large(limit: int) -> str:
    return f"The request body is larger than the limit of {limit:,} bytes."


class BodyLimit:
    """ASGI middleware: no request body larger than ``limit`` bytes is read, or than ``limits[path]``
    for the paths it names (pictures are larger than documents)."""

    def __init__(self, app: ASGIApp, limit: int, limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.limits = dict(limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.limit)
        # The server has validated Content-Length; the streamed count below bounds any other body.
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await problem_response(413, _too_large(limit))(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise Problem(413, _too_large(limit))
            return message

        await self.app(scope, counting_receive, send)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def json_body(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> Any:
    """The request's JSON, parsed within the limits; 415 for another media type, 400 if malformed."""
    if media_type(request) not in JSON_TYPES:
        raise Problem(415, "The request body must be JSON (Content-Type: application/json).")
    raw = await request.body()
    try:
        return await parse_json_body(raw, settings.limits)
    except InvalidInput as error:
        raise Problem(400, str(error)) from error
