"""What both roles' ``migrate`` commands share: reading Alembic revisions and saying what was done.

Each role keeps its own migrations and version table (issuer/migrate.py, verifier/migrate.py); a
new database, an older one and a current one are told apart by the revision before and after.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine


def alembic_config(script_location: Path) -> Config:
    """Alembic's configuration for a role's migrations folder, in code (no alembic.ini); pass a
    connection in ``attributes["connection"]`` to run a command."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


def revision_of(connection: Connection, version_table: str) -> str | None:
    """The revision recorded in ``version_table``; None for a database without the role's tables."""
    return MigrationContext.configure(
        connection, opts={"version_table": version_table}
    ).get_current_revision()


def current_revision(engine: Engine, version_table: str) -> str | None:
    """The revision the database is at; None for a database without the role's tables."""
    with engine.connect() as connection:
        return revision_of(connection, version_table)


def head_revision(config: Config) -> str | None:
    """The newest revision of the migrations ``config`` points at."""
    return ScriptDirectory.from_config(config).get_current_head()


def what_was_done(before: str | None, head: str | None) -> str:
    """One sentence for the operator: tables created, migrated from one revision, or nothing to do."""
    if before is None:
        return f"Created the database's tables (revision {head})."
    if before == head:
        return f"The database was already current (revision {head}); nothing to do."
    return f"Migrated the database from revision {before} to {head}."
