"""Test doubles of remote IPFS services that misbehave: tiny HTTP servers on 127.0.0.1, in a thread.

A real node or pinning service cannot be made to lie, stall or babble, so these play the hostile or
broken ones: a node serving a block that does not match its CID, a server that answers too late, one
that answers garbage. They are real HTTP servers that Nansen's real httpx client talks to over
loopback; nothing of the client is mocked.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    #: Seconds to wait before answering (a slow node).
    delay: float = 0.0


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: bytes


@dataclass
class FakeServer:
    url: str
    requests: list[Request] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: clients in these tests hang up on purpose."""


@contextmanager
def fake_server(answer: Callable[[Request], Reply]) -> Iterator[FakeServer]:
    """A server on 127.0.0.1 that answers every request with ``answer(request)``."""
    fake = FakeServer("")

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Transfer-Encoding") == "chunked":
                body = _read_chunked(self.rfile)
            else:
                body = self.rfile.read(length)
            request = Request(
                self.command, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}, body
            )
            fake.requests.append(request)
            reply = answer(request)
            time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_DELETE(self) -> None:
            self._serve()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = _Server(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> str:
    """The URL of a loopback port nobody listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _read_chunked(stream: Any) -> bytes:
    body = bytearray()
    while True:
        size = int(stream.readline().strip(), 16)
        if size == 0:
            stream.readline()
            return bytes(body)
        body += stream.read(size)
        stream.readline()
