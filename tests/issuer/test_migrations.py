"""The same Alembic migrations on SQLite and PostgreSQL, matching the models exactly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from issuer import migrate
from issuer.db import make_engine
from issuer.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        assert migrate.is_current(engine)
    finally:
        engine.dispose()


def test_downgrade_and_upgrade_again(database_url: str) -> None:
    engine = make_engine(database_url)
    config = migrate.config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert not migrate.is_current(engine)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        migrate.upgrade(engine)
        assert migrate.is_current(engine)
    finally:
        engine.dispose()
