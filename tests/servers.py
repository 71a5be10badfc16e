"""Real services for the tests: a FastAPI app served by uvicorn in a thread, on a loopback socket."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI


def loopback_socket() -> tuple[socket.socket, int]:
    """A socket bound to 127.0.0.1 on a free port, and the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]


@contextlib.contextmanager
def serving(
    app: FastAPI, sock: socket.socket, *, certfile: Path | None = None, keyfile: Path | None = None
) -> Iterator[None]:
    """Serve ``app`` on ``sock`` (over HTTPS when given a certificate) until the block ends.

    uvicorn leaves logging alone (``log_config=None``), so tests can capture what the app logs.
    """
    tls = {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)} if certfile and keyfile else {}
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", **tls))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("A service under test did not start.")
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def free_port() -> int:
    """A loopback port free at the time of asking, for a service started in another process."""
    sock, port = loopback_socket()
    sock.close()
    return port
