"""Request bodies, bounded, for every service: refused by ``Content-Length`` before reading, counted
while streaming; and a body read as JSON within the core's bounds.

:class:`BodyLimit` answers 413 at once when ``Content-Length`` is too large (400 when it is not a
number), and stops a body sent without one (chunked, or lying about its length) as soon as it
passes the limit, so a huge body is never read whole. Some paths may have a larger limit of their
own, by exact path (the issuer's scans, the verifier's pictures); every other route keeps the small
one. An answer sent before the body was read to its end (a refusal, such as a missing API key)
closes the connection, so the rest of the body is never read. :func:`parse_body` parses the bytes
with `nansen.jsonutil.parse` (size and depth bounded: 400, never 500), a large body off the event
loop (`service.parsing`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nansen.config import Limits
from nansen.errors import InvalidInput
from service.parsing import parse_json_body
from service.problems import Problem, problem_response

#: The media types of a JSON request body (JSON-LD is JSON).
JSON_TYPES: Final = frozenset({"application/json", "application/ld+json"})


class BodyTooLarge(Problem):
    def __init__(self, limit: int) -> None:
        # The rest of the body is never read, so the connection cannot carry another request.
        super().__init__(
            413,
            f"The request body is larger than the limit of {limit:,} bytes.",
            headers={"Connection": "close"},
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
            await problem_response(error.status, error.detail, headers={"Connection": "close"})(
                scope, receive, send
            )
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


def media_type(request: Request) -> str:
    """The request's media type, lower-cased, without parameters."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def parse_body(raw: bytes | str, limits: Limits) -> Any:
    """The body as JSON within ``limits``; a `Problem` (400) that says why otherwise."""
    try:
        return await parse_json_body(raw, limits)
    except InvalidInput as error:
        raise Problem(400, str(error)) from error
