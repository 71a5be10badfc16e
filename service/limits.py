"""Bounds on a request's head (request line and header fields), enforced before the application sees it.

uvicorn bounds nothing for its httptools parser: a client could send one header line of hundreds of
megabytes, all kept in memory, or thousands of header fields. :class:`BoundedHttpToolsProtocol`
counts the bytes of each request's head as they arrive and refuses the request with
``431 Request Header Fields Too Large`` (RFC 6585 §5) as an RFC 9457 problem, closing the
connection, as soon as the head passes :data:`MAX_HEAD_BYTES` or holds more than
:data:`MAX_HEADERS` fields. The parser never holds more than one read (at most 256 KiB with
uvloop) beyond the bound.
"""

from __future__ import annotations

import json
from typing import Any, Final

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: The most bytes a request line and its header fields may take together (as h11's default bound).
MAX_HEAD_BYTES: Final = 16 * 1024
#: The most header fields a request may carry.
MAX_HEADERS: Final = 100

_PROBLEM: Final = json.dumps(
    {
        "type": "about:blank",
        "title": "Request Header Fields Too Large",
        "status": 431,
        "detail": f"A request's head may take {MAX_HEAD_BYTES:,} bytes and {MAX_HEADERS} header fields at most.",
    }
).encode()
_RESPONSE: Final = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/problem+json\r\n"
    b"content-length: " + str(len(_PROBLEM)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + _PROBLEM
)


class _TooManyHeaders(Exception):
    """Raised from the parser's header callback; the parser reports it as a parse error."""


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request whose head is too large (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_body = False
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._in_body:
            super().data_received(data)
            return
        # Feed the parser no more of the head than is allowed; what follows in the same read is the
        # body (or the next pipelined request) only if the head ended within the allowance.
        allowance = MAX_HEAD_BYTES - self._head_bytes
        head, rest = data[:allowance], data[allowance:]
        self._head_bytes += len(head)
        super().data_received(head)
        if not rest or self.transport.is_closing():
            return
        if self._in_body or self._head_bytes == 0:  # the head ended: the body, or a new request
            self.data_received(rest)
        else:
            self._refuse()

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(self.headers) >= MAX_HEADERS:
            self._refused = True
            raise _TooManyHeaders
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body, self._head_bytes = False, 0
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers every parse error with 400; the one raised above is a 431.
        if self._refused:
            self._refuse()
        else:
            super().send_400_response(msg)

    def _refuse(self) -> None:
        if not self.transport.is_closing():
            self.transport.write(_RESPONSE)
            self.transport.close()
