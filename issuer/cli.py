"""``nansen issuer``: run the service, migrate its database, manage partners, verify the audit chain.

Registered in the ``nansen.commands`` entry-point group (``issuer = "issuer.cli:app"``), so the
core's command finds it without importing it; ``python -m issuer`` runs the same commands.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from issuer import audit, documents, keyring, migrate, partners, sweep
from issuer.api.deps import get_store
from issuer.app import create_app
from issuer.db import make_engine, session_factory
from issuer.settings import DEFAULT_PORT, Settings
from issuer.vault import Vault, VaultError
from nansen.cli.io import EXIT_REFUSED, configured, fail
from nansen.errors import InvalidInput
from nansen.ipfs import IpfsError
from nansen.logs import configure_service_logging
from service.files import keep_private
from service.memory import settled
from service.migrations import what_was_done
from service.problems import Problem
from service.serve import check_port
from service.serve import serve as run_service
from service.workers import check_workers, serve_workers

LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"

app = typer.Typer(
    help="The partner's issuer service.",
    no_args_is_help=True,
    rich_markup_mode=None,  # as `nansen` (nansen.cli.main): no Python type labels in the help
)
partner_app = typer.Typer(help="Partners: create them, rotate or retire their keys.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
app.add_typer(partner_app, name="partner")
app.add_typer(audit_app, name="audit")


@app.callback()
def _private_files() -> None:
    """Everything the commands create is the owner's only (service.files)."""
    keep_private()


def _settings() -> Settings:
    return configured(Settings.from_env)


@contextmanager
def _database(settings: Settings, *, migrated: bool = True) -> Iterator[tuple[Session, Vault]]:
    """A session on the (migrated) database and the vault; user mistakes end in one sentence."""
    engine = make_engine(settings.database_url)
    try:
        if migrated and not migrate.is_current(engine):
            fail("The database is not up to date; run `nansen issuer migrate` first.")
        with session_factory(engine)() as session:
            yield session, Vault.open(settings)
    except OperationalError:
        fail("The database cannot be reached; check NANSEN_ISSUER_DATABASE_URL.")
    except (InvalidInput, Problem, VaultError) as error:
        fail(str(error))
    finally:
        engine.dispose()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = DEFAULT_PORT,
    ssl_certfile: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="Serve HTTPS with this certificate (PEM), as did:web needs."
        ),
    ] = None,
    ssl_keyfile: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="The certificate's private key (PEM).")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Worker processes (1 to 64); they share only the database and the store.")
    ] = 1,
) -> None:
    """Run the service (uvicorn, with bounded request heads: service.serve; service.workers for several)."""
    check_port(port)
    check_workers(workers)
    if (ssl_certfile is None) != (ssl_keyfile is None):
        fail("Give both --ssl-certfile and --ssl-keyfile, or neither.")
    settings = _settings()
    with _database(settings):
        service = create_app(settings)
    try:
        get_store()
    except (InvalidInput, IpfsError) as error:
        fail(str(error))
    configure_service_logging(LOG_FORMAT)
    # Scans an interrupted upload left pinned: swept once at each start, beside the service (issuer.sweep).
    sweep.sweep_in_background(
        session_factory(make_engine(settings.database_url)), Vault.open(settings), get_store
    )
    # service.serve turns uvicorn's access log off (paths may carry identifiers); service.access logs routes.
    if workers > 1:
        tls = {"ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile}
        serve_workers("issuer.cli:worker_app", workers=workers, host=host, port=port, **tls)
        return
    run_service(service, host=host, port=port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)


def worker_app() -> FastAPI:
    """The application one worker process serves (``serve --workers N``), from the environment."""
    configure_service_logging(LOG_FORMAT)
    return settled(create_app(Settings.from_env()))


@app.command("sweep")
def sweep_command(
    grace_minutes: Annotated[
        float,
        typer.Option(
            min=0,
            help="Keep what was pinned this recently: an upload may still be on its way to a credential.",
        ),
    ] = documents.ABANDONED_AFTER.total_seconds() / 60,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count the orphans; unpin nothing.")] = False,
) -> None:
    """Unpin orphaned scans: encrypted documents pinned by uploads that never became a credential."""
    settings = _settings()
    with _database(settings) as (session, vault):
        try:
            store = get_store()
        except (InvalidInput, IpfsError) as error:
            fail(str(error))
        bind = session.get_bind()
        assert isinstance(bind, Engine)
        report = sweep.sweep(
            session_factory(bind), vault, store, grace=timedelta(minutes=grace_minutes), dry_run=dry_run
        )
    typer.echo(report.sentence(dry_run=dry_run))


@app.command("migrate")
def migrate_command() -> None:
    """Create or upgrade the database's tables (SQLite or PostgreSQL)."""
    settings = _settings()
    with _database(settings, migrated=False) as (session, vault):
        bind = session.get_bind()
        assert isinstance(bind, Engine)
        before = migrate.current_revision(bind)
        migrate.upgrade(bind, vault)
    typer.echo(what_was_done(before, migrate.head_revision()))


@partner_app.command("add")
def partner_add(
    name: Annotated[str, typer.Argument(help="The organisation's name.")],
    did_web: Annotated[
        str | None,
        typer.Option(
            "--did-web",
            metavar="DOMAIN",
            help="Use did:web:DOMAIN, served at DOMAIN/.well-known/did.json (point DOMAIN at this service).",
        ),
    ] = None,
    did_key: Annotated[
        bool,
        typer.Option(
            "--did-key",
            help="For a partner without a web domain: its DID is its key's did:key. "
            "That key can never be rotated (see the README).",
        ),
    ] = False,
) -> None:
    """Create a partner with its own signing key; print its DID and API key (shown only this once)."""
    settings = _settings()
    with _database(settings) as (session, vault), session.begin():
        created = partners.create(session, vault, settings, name, did_web, use_did_key=did_key)
    typer.echo(f"Partner:  {created.partner.id}")
    typer.echo(f"DID:      {created.partner.did}")
    typer.echo(f"API key:  {created.api_key}")
    typer.echo("Keep the API key now: it is stored only as a hash and cannot be shown again.", err=True)


@partner_app.command("rotate-key")
def partner_rotate_key(
    partner_id: Annotated[
        str, typer.Argument(metavar="ID", help="The partner's id, as `partner add` printed it.")
    ],
) -> None:
    """Give the partner a new signing key; the old one stays in its DID document, retired."""
    settings = _settings()
    with _database(settings) as (session, vault), session.begin():
        fragment = keyring.rotate_key(session, vault, settings, partner_id)
    typer.echo(f"The partner's current key is now #{fragment}.")


@partner_app.command("compromised")
def partner_compromised(
    partner_id: Annotated[
        str, typer.Argument(metavar="ID", help="The partner's id, as `partner add` printed it.")
    ],
    key_id: Annotated[str, typer.Argument(metavar="KEYID", help="key-N, #key-N or the key's DID URL.")],
) -> None:
    """Mark a key compromised: nothing it ever signed verifies any more. Rotate if it was current."""
    settings = _settings()
    with _database(settings) as (session, vault), session.begin():
        fragment = keyring.mark_key_compromised(session, vault, settings, partner_id, key_id)
    typer.echo(f"Key #{fragment} is marked compromised; credentials it signed must be issued again.")


@partner_app.command("escrow")
def partner_escrow(
    partner_id: Annotated[
        str, typer.Argument(metavar="ID", help="The partner's id, as `partner add` printed it.")
    ],
    did: Annotated[
        str | None, typer.Argument(metavar="DID", help="The escrow recipient's did:key.", show_default=False)
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Stop sealing document keys to an escrow.")] = False,
) -> None:
    """Seal document keys also to this did:key when a holder chooses escrow (for recovery)."""
    if (did is None) == (not clear):
        fail("Give the escrow recipient's did:key, or --clear, but not both.")
    settings = _settings()
    with _database(settings) as (session, vault), session.begin():
        documents.set_escrow(session, vault, partner_id, did)
    typer.echo(
        "Document keys are now also sealed to the escrow when a holder chooses it."
        if did
        else "Document keys are no longer sealed to an escrow."
    )


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit chain; name the first entry that is missing or altered. Exit 1 if any."""
    settings = _settings()
    with _database(settings) as (session, vault), session.begin():
        report = audit.verify(session, vault)
    typer.echo(f"{report.entries} entries checked. {report.reason}")
    if not report.intact:
        raise typer.Exit(EXIT_REFUSED)
