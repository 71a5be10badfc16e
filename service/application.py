"""The FastAPI application every service starts from (DESIGN.md §2): `service_app`.

What the issuer, the verifier and the web wallet's host share: the engine disposed of when the
service stops, work repeated in the background while it runs (`Periodic`), the API documents served
offline (`nansen.apidocs`), problems (:mod:`service.problems`), a lost database answered with 503
(:mod:`service.dbfaults`), and, outermost first, the access log (:mod:`service.access`), the catch-all
500 and the body limit (:mod:`service.bodies`). A role adds its routes, readiness and metrics, CORS and
headers of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy import Engine

from nansen import apidocs
from service import dbfaults, problems
from service.access import AccessLog
from service.bodies import BodyLimit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """``work``, run in a worker thread every ``seconds`` while the service runs. A failure is logged
    by its kind only, after ``failure`` (what could not be done), and the next round tries again."""

    work: Callable[[], object]
    seconds: float
    failure: str

    async def forever(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            try:
                await to_thread.run_sync(self.work)
            except Exception as error:
                log.warning("%s (%s).", self.failure, type(error).__name__)


def service_app(
    *,
    title: str,
    summary: str,
    engine: Engine,
    body_limit: int,
    larger_bodies: Mapping[str, int],
    invalid_parameters: int = 400,
    access_log: str | None = None,
    starting: Callable[[], Awaitable[None]] | None = None,
    periodic: Sequence[Periodic] = (),
) -> FastAPI:
    """A service's application over ``engine``: requests bodies of at most ``body_limit`` bytes (those
    to the paths of ``larger_bodies``, their own); ``invalid_parameters`` is the status of a request
    FastAPI finds not valid (`service.problems.install`); ``access_log`` names the logger of the
    access log (none without); ``starting`` runs once before the first request, then ``periodic``
    starts, until the service stops and the engine is disposed of."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if starting is not None:
            await starting()
        tasks = [asyncio.create_task(each.forever()) for each in periodic]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            engine.dispose()

    app = FastAPI(
        title=title,
        summary=summary,
        version="0.1.0",
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN; apidocs serves it offline
        redoc_url=None,
        lifespan=lifespan,
    )
    apidocs.install(app)
    problems.install(app, invalid_parameters=invalid_parameters)
    dbfaults.install(app)
    app.add_middleware(BodyLimit, limit=body_limit, larger=dict(larger_bodies))
    app.add_middleware(problems.CatchAll)
    if access_log is not None:
        app.add_middleware(AccessLog, name=access_log)
    return app
