"""Oversized request heads against both services running as real processes (issue 9): one header
line of 8 MB and 1,000 header fields are refused (431, or the connection closed) without the
server's memory growing, and a normal request still works after; and `serve --port` out of range
is refused in one line with exit 2."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from nansen.demo.roles import answering, free_port
from service.limits import MAX_HEAD_BYTES, MAX_HEADERS
from tests.conftest import REPO

#: How much the server's resident memory may grow over all the attacks (bytes).
ALLOWED_GROWTH = 8 * 1024 * 1024


def _env(tmp_path: Path) -> dict[str, str]:
    data = tmp_path / "data"
    return {
        **os.environ,
        "NANSEN_DATA_DIR": str(data),
        "NANSEN_ISSUER_DATABASE_URL": f"sqlite:///{data / 'issuer.db'}",
        "NANSEN_ISSUER_PUBLIC_HOST": "issuer.example",
        "NANSEN_VERIFIER_DATABASE_URL": f"sqlite:///{data / 'verifier.db'}",
    }


@contextlib.contextmanager
def _running(role: str, env: dict[str, str], log: list[str]) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """The role's ``serve`` as a process; what it printed is appended to ``log`` when it has stopped."""
    port = free_port()
    args = [role, "serve", "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}/.well-known/did.json"
    printed = Path(env["NANSEN_DATA_DIR"]).parent / f"{role}.log"
    try:
        with answering(role, args, env, url, printed) as service:
            yield service.process, port
    finally:
        log.append(printed.read_text())


def _rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB$", status, re.MULTILINE)
    assert match
    return int(match.group(1)) * 1024


def _send(port: int, head: bytes, filler: int = 0) -> bytes:
    """Send ``head`` then ``filler`` bytes of a header value, as fast as the server takes them; the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(head)
            chunk = b"a" * 65536
            for _ in range(filler // len(chunk)):
                conn.sendall(chunk)
            conn.sendall(b"\r\n\r\n")
        answer = b""
        with contextlib.suppress(ConnectionResetError, TimeoutError):
            while piece := conn.recv(65536):
                answer += piece
    return answer


def _send_raw(port: int, request: bytes) -> bytes:
    """Write ``request`` in one piece; everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        answer = b""
        while piece := conn.recv(65536):
            answer += piece
    return answer


def _refused(answer: bytes) -> bool:
    return answer == b"" or answer.startswith(b"HTTP/1.1 431 ")


@pytest.mark.parametrize("role", ["issuer", "verifier"])
def test_oversized_heads_are_refused_without_memory_growth(role: str, tmp_path: Path) -> None:
    env = _env(tmp_path)
    if role == "issuer":
        migrated = subprocess.run(
            [sys.executable, "-m", "issuer", "migrate"], cwd=REPO, env=env, capture_output=True, check=False
        )
        assert migrated.returncode == 0, migrated.stderr
    log: list[str] = []
    with _running(role, env, log) as (process, port):
        before = _rss(process.pid)
        big_line = _send(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", filler=8 * 1024 * 1024)
        assert _refused(big_line), big_line[:200]
        many = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(1000))
        assert len(many) < MAX_HEAD_BYTES  # refused for the count, not the size
        answer = _send(port, many)
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
        assert b"application/problem+json" in answer
        for _ in range(5):
            assert _refused(_send(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", filler=8 * 1024 * 1024))
        grown = _rss(process.pid) - before
        assert grown < ALLOWED_GROWTH, f"the {role} service grew by {grown:,} bytes"
        # A body larger than the bound, written in the same read as a small head, is no oversized head;
        # nor are two requests written at once.
        body = b"{" + b" " * (4 * MAX_HEAD_BYTES) + b"}"
        posted = _send_raw(
            port,
            b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body,
        )
        assert not posted.startswith(b"HTTP/1.1 431 "), posted[:200]
        assert posted.startswith(b"HTTP/1.1 "), posted[:200]
        two = b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" * 2
        pipelined = _send_raw(port, two + b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert pipelined.count(b"HTTP/1.1 404 ") == 3, pipelined[:300]
        fine = httpx.get(
            f"http://127.0.0.1:{port}/", headers={f"X-{i}": "v" for i in range(MAX_HEADERS - 10)}, timeout=30
        )
        assert fine.status_code < 500
    assert f"Listening on http://127.0.0.1:{port}" in log[0]


@pytest.mark.parametrize("role", ["issuer", "verifier"])
@pytest.mark.parametrize("port", ["99999", "-1"])
def test_a_port_out_of_range_is_refused_in_one_line(role: str, port: str, tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", role, "serve", "--port", port],
        cwd=REPO,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stderr == f"Error: the port must be a number from 1 to 65535, not {port}.\n"
