"""``GET /healthz`` (the process answers) and ``GET /readyz`` (what it needs is reachable), the same on
every service.

Liveness answers without touching anything, so a restart is never triggered by a database outage.
Readiness runs each of the service's probes (the database, the store, the keys …) off the event
loop, each bounded by :data:`PROBE_TIMEOUT`; when one fails the answer is 503 with ``Retry-After``
and an RFC 9457 problem body whose ``notReady`` member names the parts (``database``, ``store``,
``keys``), never an address, a path or an identifier. The log names the part and the error's kind.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from anyio import to_thread
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from nansen.ipfs import EmbeddedStore
from nansen.ipfs.replication import ReplicatedStore
from service.dbfaults import RETRY_AFTER_SECONDS
from service.problems import NO_STORE, problem_response

#: Seconds a probe may take before its part counts as not ready.
PROBE_TIMEOUT: Final = 5.0
HEALTH_PATHS: Final = ("/healthz", "/readyz")

log = logging.getLogger("nansen.service.health")


@dataclass(frozen=True)
class Probe:
    """One part a service needs: ``check`` returns when it is reachable and raises otherwise."""

    part: str
    check: Callable[[], None]


async def _ready(probe: Probe) -> bool:
    try:
        await asyncio.wait_for(to_thread.run_sync(probe.check, abandon_on_cancel=True), PROBE_TIMEOUT)
    except Exception as error:  # any failure of a probe means "not ready", whatever its kind
        log.warning("Not ready: the %s (%s).", probe.part, type(error).__name__)
        return False
    return True


def install(app: FastAPI, probes: Sequence[Probe]) -> None:
    """Add ``/healthz`` and ``/readyz`` to ``app``, readiness asking each of ``probes``."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Is the process alive")
    async def healthz() -> JSONResponse:
        """Always 200 while the process answers; it touches nothing else."""
        return JSONResponse({"status": "alive"}, headers={"Cache-Control": "no-store"})

    @router.get("/readyz", summary="Can the service do its work")
    async def readyz() -> JSONResponse:
        """200 when every part answers; 503 naming the parts that do not (``notReady``)."""
        outcomes = await asyncio.gather(*(_ready(probe) for probe in probes))
        down = [probe.part for probe, ready in zip(probes, outcomes, strict=True) if not ready]
        if not down:
            parts = {probe.part: "ready" for probe in probes}
            return JSONResponse({"status": "ready", "parts": parts}, headers={"Cache-Control": "no-store"})
        detail = f"The service is not ready: the {', the '.join(down)} cannot be reached; try again shortly."
        return problem_response(
            503, detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS), **NO_STORE}, notReady=down
        )

    app.include_router(router)


def database_probe(engine: Engine) -> Probe:
    """The database answers a query."""

    def check() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return Probe("database", check)


def directory_probe(part: str, directories: Callable[[], Iterable[Path]]) -> Probe:
    """Each directory exists and this process may read and write it (a store's, a cache's)."""

    def check() -> None:
        for directory in directories():
            if not (directory.is_dir() and os.access(directory, os.R_OK | os.W_OK | os.X_OK)):
                raise PermissionError("A directory the service needs cannot be used.")

    return Probe(part, check)


def store_directories(store: object) -> list[Path]:
    """The directories of the embedded store (the primary of a replicated one) that must be usable."""
    primary = store.primary if isinstance(store, ReplicatedStore) else store
    if isinstance(primary, EmbeddedStore):
        return [primary.root / name for name in ("blocks", "pins", "tmp")]
    return []


def store_probe(store: Callable[[], object]) -> Probe:
    """The IPFS store's directories are usable and, when replicated, its queue of copies can be read."""
    directories = directory_probe("store", lambda: store_directories(store()))

    def check() -> None:
        directories.check()
        current = store()
        if isinstance(current, ReplicatedStore):
            current.backlog()

    return Probe("store", check)
