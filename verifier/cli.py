"""``nansen verifier``: run the service, bring its database up to date, or verify a QR code's picture."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from fastapi import FastAPI

from nansen.cli.io import configured
from nansen.logs import configure_service_logging
from service.files import keep_private
from service.memory import settled
from service.migrations import what_was_done
from service.problems import Problem
from service.serve import check_port
from service.serve import serve as run_service
from service.workers import check_workers, serve_workers
from verifier.api.report import vc_api
from verifier.app import create_app
from verifier.db import create_db_engine
from verifier.migrate import current_revision, head_revision, upgrade
from verifier.pictures import read_code
from verifier.services import build_services
from verifier.settings import Settings
from verifier.verification import PresentationOptions, check_scanned, judging_trust

LOG_FORMAT = "%(levelname)s:     %(name)s: %(message)s"

app = typer.Typer(
    help="The verifier's service: verify credentials and presentations.",
    no_args_is_help=True,
    rich_markup_mode=None,  # as `nansen` (nansen.cli.main): no Python type labels in the help
)


@app.callback()
def _private_files() -> None:
    """Everything the commands create is the owner's only (service.files)."""
    keep_private()


def _settings() -> Settings:
    return configured(Settings.from_env)


@app.command("serve")
def serve(
    host: Annotated[
        str, typer.Option(envvar="NANSEN_VERIFIER_HOST", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="NANSEN_VERIFIER_PORT", help="Port to listen on.")] = 8082,
    workers: Annotated[
        int, typer.Option(help="Worker processes (1 to 64); they share only the database.")
    ] = 1,
) -> None:
    """Serve the VC-API endpoints and the pages (migrating the database first, unless turned off)."""
    check_port(port)
    check_workers(workers)
    configure_service_logging(LOG_FORMAT)
    settings = _settings()
    if workers > 1:
        # Migrated once, here, not by each worker at once; the workers are told not to.
        if settings.migrate_on_start:
            engine = create_db_engine(settings.database_url)
            try:
                upgrade(engine)
            finally:
                engine.dispose()
        os.environ["NANSEN_VERIFIER_MIGRATE_ON_START"] = "false"
        serve_workers("verifier.cli:worker_app", workers=workers, host=host, port=port)
        return
    run_service(create_app(settings), host=host, port=port)


def worker_app() -> FastAPI:
    """The application one worker process serves (``serve --workers N``), from the environment."""
    configure_service_logging(LOG_FORMAT)
    return settled(create_app(Settings.from_env()))


@app.command("migrate")
def migrate() -> None:
    """Apply the database migrations (SQLite or PostgreSQL, from NANSEN_VERIFIER_DATABASE_URL)."""
    engine = create_db_engine(_settings().database_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
    finally:
        engine.dispose()
    typer.echo(what_was_done(before, head_revision()))


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(1)


def _picture(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise _fail(f"Cannot read {path}: {error.strerror}.") from error
    if len(data) > limit:
        raise _fail(f"The picture is larger than the limit of {limit:,} bytes.")
    return data


@app.command("verify")
def verify(
    qr: Annotated[Path, typer.Option("--qr", help="A picture (PNG, JPEG, …) of the holder's QR code.")],
    challenge: Annotated[
        str | None, typer.Option("--challenge", help="A challenge this verifier issued (POST /challenges).")
    ] = None,
    domain: Annotated[str | None, typer.Option("--domain", help="This verifier's domain.")] = None,
) -> None:
    """Verify the presentation in a QR code's picture as POST /scan does (trust always judged, replay
    protection in the verifier's database); print the verdict and every check as JSON. Exit 0 if valid."""
    settings = _settings()
    image = _picture(qr, settings.max_image_bytes)
    engine = create_db_engine(settings.database_url)
    try:
        if settings.migrate_on_start:
            upgrade(engine)
        services = build_services(settings, engine)
        _text, document = read_code(image, settings.max_image_pixels)
        with services.sessions() as session:
            result = check_scanned(
                document,
                PresentationOptions(challenge, domain),
                verifier=judging_trust(services.verifier()),
                session=session,
                settings=settings,
            )
    except Problem as problem:
        raise _fail(problem.detail) from problem
    finally:
        engine.dispose()
    typer.echo(json.dumps(vc_api(result), indent=2, ensure_ascii=False))
    if not result.verified:
        raise typer.Exit(1)
