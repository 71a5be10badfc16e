"""The verifier service's FastAPI application: `create_app(settings)`."""

from __future__ import annotations

import functools
import logging

from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from nansen.timeutil import now
from service import cors
from service.application import Periodic, service_app
from service.pages import theme_router
from verifier import readiness, replay
from verifier.api import scan, vcapi
from verifier.api.scan import SCAN_PATH
from verifier.db import create_db_engine
from verifier.migrate import upgrade
from verifier.openid4vp import api as openid4vp
from verifier.pages import ask, challenge, routes
from verifier.services import build_services
from verifier.settings import Settings

log = logging.getLogger(__name__)

#: What a browser wallet calls (docs/openid4vc.md): the request object and the direct_post answer;
#: never the making of requests, their progress or verdicts, the pages or the VC-API.
WALLET_PATHS = r"/openid4vp/(requests|responses)/[A-Za-z0-9_-]+"

#: How often expired challenges and old one-way presentations are deleted.
PURGE_INTERVAL_SECONDS = 60.0


def _purge(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        removed = replay.purge(session, now())
    if removed:
        log.info("Removed %d expired challenges and presentations.", removed)


def create_app(settings: Settings) -> FastAPI:
    """The service for these settings; migrations run at start unless turned off."""
    engine = create_db_engine(settings.database_url)
    services = build_services(settings, engine)

    async def starting() -> None:
        if settings.migrate_on_start:
            await to_thread.run_sync(upgrade, engine)
        # Sync routes and to_thread calls share this event loop's limiter (anyio's default: 40).
        to_thread.current_default_thread_limiter().total_tokens = settings.request_threads

    app = service_app(
        title="Nansen verifier",
        summary="Verifies credentials and presentations (W3C VC-API verifier endpoints).",
        engine=engine,
        body_limit=settings.limits.max_document_bytes,
        larger_bodies={SCAN_PATH: settings.max_image_bytes},
        starting=starting,
        periodic=[
            Periodic(
                functools.partial(_purge, services.sessions),
                PURGE_INTERVAL_SECONDS,
                "Expired challenges could not be removed",
            )
        ],
    )
    app.state.services = services
    app.include_router(vcapi.router)
    app.include_router(scan.router)
    app.include_router(routes.router)
    app.include_router(ask.router)
    app.include_router(challenge.router)
    app.include_router(theme_router(settings.theme))
    readiness.install(app, engine, settings)  # /healthz, /readyz, /metrics
    app.include_router(openid4vp.router)
    cors.install(app, settings.cors_origins, WALLET_PATHS)
    return app
