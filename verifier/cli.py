"""``nansen verifier``: run the service, or bring its database up to date."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn

from verifier.app import create_app
from verifier.db import create_db_engine
from verifier.migrate import upgrade
from verifier.settings import Settings, SettingsError

app = typer.Typer(help="The verifier's service: verify credentials and presentations.", no_args_is_help=True)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from error


@app.command("serve")
def serve(
    host: Annotated[
        str, typer.Option(envvar="NANSEN_VERIFIER_HOST", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="NANSEN_VERIFIER_PORT", help="Port to listen on.")] = 8082,
) -> None:
    """Serve the VC-API endpoints and the pages (migrating the database first, unless turned off)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    uvicorn.run(create_app(_settings()), host=host, port=port, access_log=False, server_header=False)


@app.command("migrate")
def migrate() -> None:
    """Apply the database migrations (SQLite or PostgreSQL, from NANSEN_VERIFIER_DATABASE_URL)."""
    engine = create_db_engine(_settings().database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    typer.echo("The verifier's database is up to date.")
