"""The host's Alembic migrations build exactly its models on SQLite and PostgreSQL, go down and up
again, keep their own version table (the host may share a database with the verifier), and make
the host's secret once."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from verifier.db import create_db_engine
from verifier.migrate import upgrade as upgrade_verifier
from wallet.host.db import make_engine, session_factory
from wallet.host.migrate import VERSION_TABLE, config, current_revision, head_revision, upgrade
from wallet.host.models import Base, HostSecret

TABLES = {VERSION_TABLE, "host_secrets", "accounts", "wallet_files", "sign_ins", "backups", "attempts"}


def test_migrations_build_exactly_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        with session_factory(engine)() as session:
            secret = session.scalars(select(HostSecret.value)).one()
        upgrade(engine)  # idempotent: the secret is made once
        assert set(inspect(engine).get_table_names()) == TABLES
        assert current_revision(engine) == head_revision() == "0001"
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            assert compare_metadata(context, Base.metadata) == []
        with session_factory(engine)() as session:
            assert session.scalars(select(HostSecret.value)).one() == secret
        assert len(secret) == 32
    finally:
        engine.dispose()


def test_migrations_go_down_and_up_again_beside_the_verifiers(database_url: str) -> None:
    verifier = create_db_engine(database_url)
    try:
        upgrade_verifier(verifier)
    finally:
        verifier.dispose()
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        settings = config()
        with engine.begin() as connection:
            settings.attributes["connection"] = connection
            command.downgrade(settings, "base")
        names = set(inspect(engine).get_table_names())
        assert names & (TABLES - {VERSION_TABLE}) == set()
        assert "challenges" in names  # the verifier's tables are not the host's to drop
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()
