"""A loopback HTTPS reverse proxy in front of the services, for the W3C suites' clients.

The suites' HTTPS client (vc-test-suite-implementations' ``Endpoint``) is the one that sends the
manifest's ``headers`` (the partner's Bearer key) and unwraps ``{"verifiableCredential": …}``; the
vc2.0 suite's plain-http client does neither, so the suites talk to the services through this proxy.
Paths under ``/verifier/`` go to the verifier (prefix removed); every other path goes to the issuer,
so the ``https://localhost:PORT/…`` status list URLs the issuer writes resolve through it too.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme

VERIFIER_PREFIX = "/verifier"

# Hop-by-hop fields (RFC 9110 §7.6.1) and those the proxy sets itself.
_NOT_FORWARDED = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host", "content-length"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a suite's client may hang up at any time."""


class LoopbackProxy:
    """An HTTPS server on 127.0.0.1 with a certificate from a CA made for the run.

    ``bind`` first (the issuer must know the proxy's port before it starts: it writes the status
    list URLs), then ``start`` once the services' ports are known.
    """

    def __init__(self, workdir: Path) -> None:
        self.ca = trustme.CA()
        self.ca_file = workdir / "proxy-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.issuer_port = 0
        self.verifier_port = 0
        #: Every refusal (4xx/5xx) the services answered: path, status and the problem's words,
        #: one JSON line each, to tell why a suite's test failed (kept with ``run.py --keep``).
        self.refusals = workdir / "refusals.jsonl"
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the suites' requests are not logged."""

            def do_GET(self) -> None:
                proxy.forward(self)

            def do_POST(self) -> None:
                proxy.forward(self)

            def do_HEAD(self) -> None:
                proxy.forward(self)

        self.server = _Server(("127.0.0.1", 0), Handler, bind_and_activate=True)
        self.port: int = self.server.server_address[1]
        certificate = self.ca.issue_cert("localhost", "127.0.0.1")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate.configure_cert(context)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"https://localhost:{self.port}"

    def start(self, issuer_port: int, verifier_port: int) -> None:
        self.issuer_port = issuer_port
        self.verifier_port = verifier_port
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        port = self.issuer_port
        if path == VERIFIER_PREFIX or path.startswith(VERIFIER_PREFIX + "/"):
            path = path[len(VERIFIER_PREFIX) :] or "/"
            port = self.verifier_port
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _NOT_FORWARDED}
        upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            upstream.request(handler.command, path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            status, reason, answer_headers = answer.status, answer.reason, answer.getheaders()
        except (OSError, http.client.HTTPException):
            status, reason, answer_headers, data = 502, "Bad Gateway", [], b"upstream unreachable"
        finally:
            upstream.close()
        if status >= 400:
            self._record(handler.command, path, status, data)
        handler.send_response(status, reason)
        for name, value in answer_headers:
            if name.lower() not in _NOT_FORWARDED:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(data)

    def _record(self, method: str, path: str, status: int, data: bytes) -> None:
        try:
            answer = json.loads(data)
            why = answer.get("errors") or answer.get("detail") if isinstance(answer, dict) else answer
        except ValueError:
            why = data[:200].decode(errors="replace")
        line = json.dumps({"request": f"{method} {path}", "status": status, "why": why})
        with self._lock, self.refusals.open("a") as out:
            out.write(line + "\n")


def free_port() -> int:
    """A loopback port free at the time of asking (the services' CLIs take no port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
