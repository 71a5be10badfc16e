"""The roles as the demo meets them: each in a process of its own, through its public interface.

A service (``nansen issuer serve``, ``nansen verifier serve``) runs on a free loopback port with its
output in a log file, until the ``with`` block that started it ends, however it ends. A command
(``nansen wallet …``, ``nansen issuer partner add``) runs to completion; a failure becomes a
`DemoError` of one sentence, taken from the command's own last line of error.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx

NANSEN: Final = (sys.executable, "-m", "nansen")
#: How long a command may take, and a service to start answering or to stop (seconds).
COMMAND_TIMEOUT: Final = 120
START_TIMEOUT: Final = 60
STOP_TIMEOUT: Final = 5


class DemoError(Exception):
    """A step of the demo did not go as the story says; the message is one sentence."""


def environment(data_dir: Path, variables: Mapping[str, str]) -> dict[str, str]:
    """A role's environment: this process's without any ``NANSEN_*`` variable (the demo runs on
    embedded defaults), the shared data directory, and ``variables``."""
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("NANSEN_")}
    return {**inherited, "NANSEN_DATA_DIR": str(data_dir), **variables}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nansen(
    args: Sequence[str], env: Mapping[str, str], *, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``nansen ARGS`` to completion (`DemoError` if it hangs)."""
    try:
        return subprocess.run(  # noqa: S603 (this interpreter, the demo's own arguments)
            [*NANSEN, *args],
            env=dict(env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise DemoError(
            f"`nansen {' '.join(args[:2])}` did not finish in {COMMAND_TIMEOUT} seconds."
        ) from error


def succeed(args: Sequence[str], env: Mapping[str, str], *, stdin: str | None = None) -> str:
    """The standard output of ``nansen ARGS``, or `DemoError` with the reason it gave."""
    done = nansen(args, env, stdin=stdin)
    if done.returncode != 0:
        raise DemoError(f"`nansen {' '.join(args[:2])}` failed: {reason(done)}")
    return done.stdout


def reason(done: subprocess.CompletedProcess[str]) -> str:
    """The last thing a failed command said, without its ``Error:`` prefix."""
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    return lines[-1].removeprefix("Error: ") if lines else f"it ended with exit code {done.returncode}."


@dataclass(frozen=True)
class Service:
    name: str
    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def wait_until_answering(self, client: httpx.Client) -> None:
        """Poll until the service answers any HTTP request; `DemoError` if it stops or never does."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise DemoError(f"The {self.name} stopped as it started; its log is {self.log}.")
            with contextlib.suppress(httpx.TransportError):
                client.get(self.url, timeout=2)
                return
            if time.monotonic() > deadline:
                raise DemoError(
                    f"The {self.name} did not answer within {START_TIMEOUT} seconds; see {self.log}."
                )
            time.sleep(0.1)


@contextlib.contextmanager
def serving(name: str, args: Sequence[str], env: Mapping[str, str], url: str, log: Path) -> Iterator[Service]:
    """Start ``nansen ARGS`` (a service answering at ``url``); stop it when the block ends."""
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, the demo's own arguments)
            [*NANSEN, *args],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C reaches the demo only, which then stops the service itself.
            start_new_session=True,
        )
    try:
        yield Service(name, url, log, process)
    finally:
        stop(process)


@contextlib.contextmanager
def answering(
    name: str, args: Sequence[str], env: Mapping[str, str], url: str, log: Path
) -> Iterator[Service]:
    """`serving`, once the service answers at ``url`` (`Service.wait_until_answering`): the one way
    the demo's callers, the tests and the benchmarks start a service and wait for it."""
    with serving(name, args, env, url, log) as service:
        with httpx.Client(trust_env=False) as client:
            service.wait_until_answering(client)
        yield service


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the process to stop (SIGTERM: uvicorn shuts down cleanly); kill it if it will not."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
