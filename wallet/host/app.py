"""The web wallet's host (issue #14): `create_app(settings)` is the FastAPI application that
``nansen wallet serve`` runs: the app's files at ``/``, the container API under ``/api/``,
``/healthz``, ``/readyz``, ``/metrics``."""

from __future__ import annotations

import functools
from collections.abc import Callable

from fastapi import FastAPI

from nansen.ipfs import Store, configured_store
from service import health, metrics
from service.application import Periodic, service_app
from wallet import backup
from wallet.container import FILE_SIZE
from wallet.host.accounts import Accounts
from wallet.host.api import accounts, backups, container
from wallet.host.api.deps import Host, moment
from wallet.host.backups import Backups
from wallet.host.db import make_engine, session_factory
from wallet.host.headers import SecurityHeaders
from wallet.host.migrate import upgrade
from wallet.host.secret import Keyed
from wallet.host.settings import Settings
from wallet.host.web import WebFiles, config_router

#: How often expired sign-ins and ended attempt counters are removed.
PURGE_INTERVAL_SECONDS = 60.0


def create_app(settings: Settings, store: Callable[[], Store] | None = None) -> FastAPI:
    """The host for these settings; its database is migrated at start unless turned off. ``store``
    makes the IPFS store (default: the one the ``NANSEN_IPFS_*`` variables describe, made once)."""
    engine = make_engine(settings.database_url)
    if settings.migrate_on_start:
        upgrade(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        keyed = Keyed.load(session)
    stores = store or functools.cache(configured_store)
    host = Host(settings, Accounts(sessions, settings, keyed), Backups(sessions, stores))

    app = service_app(
        title="Nansen web wallet host",
        summary="Keeps survivors' encrypted wallet files and backups; never a key or a passphrase.",
        engine=engine,
        body_limit=settings.max_json_bytes,
        larger_bodies={"/api/container": FILE_SIZE, "/api/backups": backup.SIZE},
        invalid_parameters=422,
        access_log="wallet.host.access",
        periodic=[
            Periodic(
                lambda: host.accounts.purge(moment()),
                PURGE_INTERVAL_SECONDS,
                "Expired sign-ins could not be removed",
            )
        ],
    )
    app.state.host = host
    app.include_router(accounts.router)
    app.include_router(container.router)
    app.include_router(backups.router)
    app.include_router(config_router(settings))
    health.install(app, [health.database_probe(engine), health.store_probe(stores)])
    metrics.install(app, "wallet-host")
    app.add_middleware(SecurityHeaders, connect_origins=settings.connect_origins)
    app.mount("/", WebFiles(settings))  # last: every route above comes first
    return app
