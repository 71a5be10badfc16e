"""Bringing the host's database to the newest schema with the Alembic migrations in
wallet/host/migrations. Its revisions are recorded in a table of their own,
``wallet_host_alembic_version``, so the host may share a database with the other services."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from service import migrations

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "wallet_host_alembic_version"


def config() -> Config:
    """The Alembic configuration; pass a connection in ``attributes["connection"]`` to run a command."""
    return migrations.alembic_config(MIGRATIONS)


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (the same ones on SQLite and PostgreSQL)."""
    settings = config()
    with engine.begin() as connection:
        settings.attributes["connection"] = connection
        command.upgrade(settings, "head")


def head_revision() -> str | None:
    return migrations.head_revision(config())


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database without the host's tables."""
    return migrations.current_revision(engine, VERSION_TABLE)
