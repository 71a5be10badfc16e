"""A service run as ``nansen … serve --workers N`` in processes of its own, for the tests that race
its workers or kill it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


@contextlib.contextmanager
def running_service(
    module: str, port: int, environment: dict[str, str], log: Path, extra: Sequence[str] = ()
) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m MODULE serve --port PORT …`` until it answers /healthz; stopped (SIGTERM) at the end."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", module, "serve", "--port", str(port), *extra],
            env={**os.environ, **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"The service stopped at start: {log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"The service did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
