"""What the verifier needs to be ready (service.health) and the state its metrics show (service.metrics):
its database, and the caches of status lists and did:web documents it verifies offline from."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from service import health, metrics
from verifier.settings import Settings

#: The caches under the verifier's data directory, by the name their metrics carry.
CACHES = {"status-list": "status-lists", "did-document": "did-web"}


def install(app: FastAPI, engine: Engine, settings: Settings) -> None:
    health.install(
        app,
        [
            health.database_probe(engine),
            health.directory_probe("caches", lambda: [settings.data_dir]),
        ],
    )
    caches = [metrics.CacheAge(name, settings.data_dir / folder) for name, folder in CACHES.items()]
    metrics.install(app, "verifier", [metrics.cache_metrics(caches)])
