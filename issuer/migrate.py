"""Alembic migrations, run from code: the same revisions on SQLite and PostgreSQL.

The issuer's revisions are recorded in a table of their own, ``issuer_alembic_version``, so the
issuer and the verifier (whose revisions are recorded in ``alembic_version``) can share a database.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "issuer_alembic_version"


def config() -> Config:
    """The Alembic configuration; pass a connection in ``attributes["connection"]`` to run a command."""
    alembic_config = Config()
    alembic_config.set_main_option("script_location", str(MIGRATIONS))
    return alembic_config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest revision (idempotent)."""
    settings = config()
    with engine.begin() as connection:
        settings.attributes["connection"] = connection
        command.upgrade(settings, "head")


def head_revision() -> str | None:
    """The newest revision of the migrations."""
    return ScriptDirectory.from_config(config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database without the issuer's tables."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest revision."""
    return current_revision(engine) == head_revision()
