"""A service run as ``nansen … serve --workers N`` in processes of its own, for the tests that race
its workers or kill it."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from nansen.demo.roles import answering


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
    role: str, port: int, environment: dict[str, str], log: Path, extra: Sequence[str] = ()
) -> Iterator[subprocess.Popen[bytes]]:
    """``nansen ROLE serve --port PORT …`` once it answers /healthz; stopped (SIGTERM) at the end."""
    args = [role, "serve", "--port", str(port), *extra]
    url = f"http://127.0.0.1:{port}/healthz"
    with answering(role, args, {**os.environ, **environment}, url, log) as service:
        yield service.process
