"""Bringing a database to the newest schema with the Alembic migrations in verifier/migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from service import migrations

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


#: Alembic's default: the verifier's revisions are recorded where Alembic records them by default.
VERSION_TABLE = "alembic_version"


def _config() -> Config:
    return migrations.alembic_config(MIGRATIONS)


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (the same ones on SQLite and PostgreSQL)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def head_revision() -> str | None:
    """The newest revision of the migrations."""
    return migrations.head_revision(_config())


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database without the verifier's tables."""
    return migrations.current_revision(engine, VERSION_TABLE)
