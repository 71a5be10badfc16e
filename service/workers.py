"""Run a service as several worker processes: ``nansen issuer serve --workers 4`` (the verifier alike).

uvicorn's own supervisor (``uvicorn.supervisors.Multiprocess``) binds the socket once, in this
process, and starts N workers that accept on it; it restarts a worker that dies. Each worker imports
the service's app factory by name (``issuer.cli:worker_app``) and builds its own application from the
environment, so the workers share nothing but the database and the IPFS store: every single-use
guarantee (challenges, idempotency keys, status indexes) already rests on the database's locks and
constraints, never on a process's memory.

Metrics from several processes (:mod:`service.metrics`): each worker counts into files under
``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds them up. When the variable is not set, a fresh
private directory is made for the run; when it is, the counts a previous run left there are removed
first (prometheus-client's multiprocess mode requires an empty directory at start).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Final

import typer
import uvicorn
from uvicorn.supervisors import Multiprocess

from nansen.cli.io import fail
from service.limits import BoundedHttpToolsProtocol
from service.metrics import MULTIPROCESS_VARIABLE
from service.serve import EXIT_USAGE, check_port

#: How many workers a service may be asked to run.
WORKERS: Final = range(1, 65)
#: The files prometheus-client's multiprocess mode writes (counter_<pid>.db, histogram_<pid>.db …).
_METRIC_FILES: Final = ("counter_*.db", "histogram_*.db", "gauge_*.db", "summary_*.db")

logger = logging.getLogger("nansen.service")


def check_workers(workers: int) -> int:
    """The number, or a one-line error and exit 2 (a usage error) when it is not 1 to 64."""
    if workers not in WORKERS:
        typer.echo(f"Error: the number of workers must be from 1 to {WORKERS[-1]}, not {workers}.", err=True)
        raise typer.Exit(EXIT_USAGE)
    return workers


def prepare_metrics_directory() -> Path | None:
    """Empty the named directory of old counts, or make one for this run and return it (to remove)."""
    named = os.environ.get(MULTIPROCESS_VARIABLE, "").strip()
    if not named:
        directory = Path(tempfile.mkdtemp(prefix="nansen-metrics-"))
        os.environ[MULTIPROCESS_VARIABLE] = str(directory)
        return directory
    directory = Path(named)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for pattern in _METRIC_FILES:
        for stale in directory.glob(pattern):
            stale.unlink(missing_ok=True)
    return None


def serve_workers(
    factory: str,
    *,
    workers: int,
    host: str,
    port: int,
    ssl_certfile: Path | None = None,
    ssl_keyfile: Path | None = None,
) -> None:
    """Serve the app that the zero-argument function ``factory`` (``module:name``) makes, in
    ``workers`` processes on ``host``:``port``, until interrupted."""
    made = prepare_metrics_directory()
    try:
        _supervise(factory, workers, host, port, ssl_certfile, ssl_keyfile)
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


def _supervise(
    factory: str, workers: int, host: str, port: int, ssl_certfile: Path | None, ssl_keyfile: Path | None
) -> None:
    config = uvicorn.Config(
        factory,
        factory=True,
        host=host,
        port=check_port(port),
        workers=check_workers(workers),
        http=BoundedHttpToolsProtocol,
        access_log=False,
        server_header=False,
        log_config=None,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    try:
        sock = config.bind_socket()
    except SystemExit:
        fail(f"Cannot listen on {host} port {port}: the address is in use or not this machine's.")
    address, bound_port = sock.getsockname()[:2]
    shown = f"[{address}]" if ":" in address else address
    scheme = "https" if ssl_certfile else "http"
    logger.info("Listening on %s://%s:%d with %d workers", scheme, shown, bound_port, workers)
    Multiprocess(config, sockets=[sock]).run()
