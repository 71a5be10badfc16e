"""The same Alembic migrations on SQLite and PostgreSQL, matching the models exactly, and sharing a
database with another role's migrations (the verifier's keep their revision in ``alembic_version``)."""

from __future__ import annotations

import secrets

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from issuer import migrate
from issuer.db import make_engine
from issuer.models import Base
from issuer.vault import Vault


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": migrate.VERSION_TABLE})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        assert migrate.is_current(engine)
    finally:
        engine.dispose()


def test_every_table_is_the_issuers(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        names = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert migrate.VERSION_TABLE in names
    assert all(name.startswith("issuer_") for name in names)


def test_downgrade_and_upgrade_again(database_url: str) -> None:
    engine = make_engine(database_url)
    config = migrate.config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert not migrate.is_current(engine)
        assert set(inspect(engine).get_table_names()) <= {migrate.VERSION_TABLE}
        migrate.upgrade(engine, Vault(secrets.token_bytes(32)))
        migrate.upgrade(engine, Vault(secrets.token_bytes(32)))
        assert migrate.is_current(engine)
    finally:
        engine.dispose()


def test_another_roles_migrations_in_the_same_database_are_left_alone(database_url: str) -> None:
    engine = make_engine(database_url)
    config = migrate.config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            connection.execute(text("INSERT INTO alembic_version VALUES ('r0001')"))
            connection.execute(text("CREATE TABLE challenges (id INTEGER PRIMARY KEY)"))
        migrate.upgrade(engine, Vault(secrets.token_bytes(32)))
        assert migrate.is_current(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
                "r0001"
            ]
        assert {"alembic_version", "challenges"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
