"""Real HTTP(S) servers for tests of fetching: http.server on 127.0.0.1 in a thread, TLS from a
trustme CA. Nothing of httpx is mocked, and nothing reaches the internet.

A pytest plugin: a test module that uses the fixtures says ``pytest_plugins = ["tests.httpsserver"]``.
It holds no assertions, and test modules import it before pytest loads it as a plugin, so it is
marked PYTEST_DONT_REWRITE (pytest would warn that it cannot rewrite it).
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme


@dataclass
class Route:
    """What the server answers to a GET of one path."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_length: bool = True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: clients in these tests hang up on purpose."""


class Server:
    """An HTTP(S) server on 127.0.0.1 that serves fixed routes and records every GET, and every POST
    (its path and body, answered 404)."""

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.posts: list[tuple[str, bytes]] = []
        self.request_headers: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                server.request_headers.append(dict(self.headers.items()))
                route = server.routes.get(self.path, Route(404, b"not found"))
                time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.posts.append((self.path, body))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.scheme = "http" if tls is None else "https"
        self.httpd = _HTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.daemon = True
        self.thread.start()
        self.running = True

    def url(self, path: str = "/", host: str = "localhost") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.httpd.shutdown()
            self.httpd.server_close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    """A client context trusting ``ca`` only."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def https(ca: trustme.CA) -> Iterator[Server]:
    """An HTTPS server whose certificate, from ``ca``, names localhost and 127.0.0.1."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    server = Server(context)
    yield server
    server.stop()


@pytest.fixture
def plain() -> Iterator[Server]:
    """A plain HTTP server."""
    server = Server(None)
    yield server
    server.stop()
