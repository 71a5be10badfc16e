"""``nansen wallet serve`` (the web wallet's host) and ``nansen wallet host migrate``.

The service's modules (FastAPI, SQLAlchemy, Alembic, uvicorn) are imported when one of these two
commands runs, not when this module is: every other ``nansen wallet`` command would otherwise pay
for them at start (about half a second on these machines)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from nansen.cli.io import configured, fail
from nansen.logs import configure_service_logging
from wallet.host.settings import DEFAULT_PORT, Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
MIGRATE_VARIABLE = "NANSEN_WALLET_HOST_MIGRATE_ON_START"

host_app = typer.Typer(help="The web wallet's host: its database.", no_args_is_help=True)


def _settings() -> Settings:
    return configured(Settings.from_env)


def _migrate(settings: Settings) -> str | None:
    """Migrate; the revision before. A database that cannot be reached ends the command in one line."""
    from sqlalchemy.exc import OperationalError

    from wallet.host.db import make_engine
    from wallet.host.migrate import current_revision, upgrade

    engine = make_engine(settings.database_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
    except OperationalError:
        fail("The database cannot be reached; check NANSEN_WALLET_HOST_DATABASE_URL.")
    finally:
        engine.dispose()
    return before


def _app(settings: Settings) -> FastAPI:
    """The application; a database without the host's tables ends the command in one line."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from wallet.host.app import create_app
    from wallet.host.secret import HostNotMigrated

    try:
        return create_app(settings)
    except (OperationalError, ProgrammingError, HostNotMigrated):
        fail("The database has no host tables yet: run `nansen wallet host migrate`.")


def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = DEFAULT_PORT,
    workers: Annotated[
        int, typer.Option(help="Worker processes (1 to 64); they share only the database and the store.")
    ] = 1,
) -> None:
    """Serve the web wallet (wallet/web/dist) and its host API (migrating the database first,
    unless NANSEN_WALLET_HOST_MIGRATE_ON_START=0)."""
    from service.serve import check_port
    from service.serve import serve as run_service
    from service.workers import check_workers, serve_workers

    check_port(port)
    check_workers(workers)
    configure_service_logging(LOG_FORMAT)
    settings = _settings()
    if settings.migrate_on_start:
        _migrate(settings)
    if workers > 1:
        # Migrated once, here, not by each worker at once.
        os.environ[MIGRATE_VARIABLE] = "false"
        serve_workers("wallet.host.cli:worker_app", workers=workers, host=host, port=port)
        return
    run_service(_app(settings), host=host, port=port)


def worker_app() -> FastAPI:
    """The application one worker process serves (``serve --workers N``), from the environment."""
    from service.memory import settled
    from wallet.host.app import create_app

    configure_service_logging(LOG_FORMAT)
    return settled(create_app(Settings.from_env()))


@host_app.command("migrate")
def migrate() -> None:
    """Create or upgrade the host's tables (SQLite or PostgreSQL, NANSEN_WALLET_HOST_DATABASE_URL)."""
    from service.migrations import what_was_done
    from wallet.host.migrate import head_revision

    before = _migrate(_settings())
    typer.echo(what_was_done(before, head_revision()))
