"""What the issuer needs to be ready (service.health) and the state its metrics show (service.metrics):
its database, its IPFS store, and the master key that opens its partners' signing keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import FastAPI
from prometheus_client.core import Metric
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from issuer.api.deps import get_store
from issuer.models import SigningKey
from issuer.partners import seal_context
from issuer.vault import Vault
from nansen.ipfs import Store
from nansen.ipfs.replication import ReplicatedStore
from service import dbfaults, health, metrics


def store_of(app: FastAPI) -> Callable[[], Store]:
    """The store the routes use (tests put another in its place, as for the routes)."""
    return lambda: app.dependency_overrides.get(get_store, get_store)()


def _keys_probe(sessions: sessionmaker[Session], vault: Vault) -> health.Probe:
    """The master key opens a partner's sealed signing key (it is the key this database was made with).
    A database that cannot be reached is the database probe's to report, not this one's."""

    def check() -> None:
        try:
            with sessions() as session:
                row = session.scalars(
                    select(SigningKey).where(SigningKey.sealed_seed.is_not(None)).limit(1)
                ).first()
        except dbfaults.UNREACHABLE:
            return
        if row is not None and row.sealed_seed is not None:
            vault.open_sealed(row.sealed_seed, seal_context(row.partner_id, row.fragment))

    return health.Probe("keys", check)


def _backlog(store: Callable[[], Store]) -> Callable[[], tuple[int, float | None]]:
    def read() -> tuple[int, float | None]:
        current = store()
        if not isinstance(current, ReplicatedStore):
            return 0, None
        backlog = current.backlog()
        return backlog.length, backlog.oldest_seconds

    return read


def install(app: FastAPI, engine: Engine, sessions: sessionmaker[Session], vault: Vault) -> None:
    store = store_of(app)
    health.install(
        app,
        [
            health.database_probe(engine),
            health.store_probe(store),
            _keys_probe(sessions, vault),
        ],
    )
    state: list[Callable[[], Iterator[Metric]]] = [metrics.queue_metrics(_backlog(store))]
    metrics.install(app, "issuer", state)
