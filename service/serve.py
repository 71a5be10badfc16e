"""Run a service: the one way ``nansen issuer serve`` and ``nansen verifier serve`` start uvicorn.

Every service gets the same bounded request heads (:mod:`service.limits`), no access log of its own
from uvicorn (paths may carry identifiers; each service logs routes itself), no ``Server`` header,
a port checked before anything starts, and a log line naming the address actually bound.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

import typer
import uvicorn
from fastapi import FastAPI

from nansen.cli.io import fail
from service.limits import BoundedHttpToolsProtocol
from service.memory import settled

PORTS: Final = range(1, 65536)
#: A usage error's exit code (Click's, as ``nansen.cli.io`` documents).
EXIT_USAGE: Final = 2

logger = logging.getLogger("nansen.service")


def check_port(port: int) -> int:
    """The port, or a one-line error and exit 2 (a usage error) when it is not 1 to 65535."""
    if port not in PORTS:
        typer.echo(f"Error: the port must be a number from 1 to 65535, not {port}.", err=True)
        raise typer.Exit(EXIT_USAGE)
    return port


def serve(
    app: FastAPI,
    *,
    host: str,
    port: int,
    ssl_certfile: Path | None = None,
    ssl_keyfile: Path | None = None,
) -> None:
    """Serve ``app`` on ``host``:``port`` until interrupted."""
    config = uvicorn.Config(
        settled(app),
        host=host,
        port=check_port(port),
        http=BoundedHttpToolsProtocol,
        access_log=False,
        server_header=False,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )
    server = uvicorn.Server(config)
    try:
        sock = config.bind_socket()
    except SystemExit:
        fail(f"Cannot listen on {host} port {port}: the address is in use or not this machine's.")
    address, bound_port = sock.getsockname()[:2]
    shown = f"[{address}]" if ":" in address else address
    logger.info("Listening on %s://%s:%d", "https" if ssl_certfile else "http", shown, bound_port)
    server.run(sockets=[sock])
