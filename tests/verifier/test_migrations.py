"""The same Alembic migrations on a fresh SQLite file and a fresh PostgreSQL schema; the CLI runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from tests.verifier.support import running, settings_for
from verifier import create_app
from verifier.db import create_db_engine
from verifier.migrate import upgrade
from verifier.models import Base

TABLES = {"alembic_version", "challenges", "seen_presentations", "document_tickets", "openid4vp_requests"}


def test_migrations_build_exactly_the_models(database_url: str) -> None:
    engine = create_db_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) == set()
        upgrade(engine)
        upgrade(engine)  # idempotent
        assert set(inspect(engine).get_table_names()) == TABLES
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == "0004"
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_migrations_go_down_and_up_again(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from verifier.migrate import MIGRATIONS

    engine = create_db_engine(database_url)
    try:
        upgrade(engine)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()


def test_the_service_migrates_a_fresh_database_at_start(database_url: str, tmp_path: Path) -> None:
    with running(create_app(settings_for(database_url, tmp_path))):
        pass
    engine = create_db_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()


def migrate_command(database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NANSEN_DATA_DIR": str(data_dir), "NANSEN_VERIFIER_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "verifier", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )


def test_nansen_verifier_migrate_says_what_it_did(database_url: str, tmp_path: Path) -> None:
    """A new database, a current one, and one a revision behind: three different sentences."""
    created = migrate_command(database_url, tmp_path)
    assert created.returncode == 0, created.stderr
    assert created.stdout == "Created the database's tables (revision 0004).\n"
    engine = create_db_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) == TABLES
        again = migrate_command(database_url, tmp_path)
        assert again.stdout == "The database was already current (revision 0004); nothing to do.\n"

        from alembic import command
        from alembic.config import Config

        from verifier.migrate import MIGRATIONS

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        assert "document_tickets" not in inspect(engine).get_table_names()
        upgraded = migrate_command(database_url, tmp_path)
        assert upgraded.stdout == "Migrated the database from revision 0001 to 0004.\n"
        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()
