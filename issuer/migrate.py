"""Alembic migrations, run from code: the same revisions on SQLite and PostgreSQL.

The issuer's revisions are recorded in a table of their own, ``issuer_alembic_version``, so the
issuer and the verifier (whose revisions are recorded in ``alembic_version``) can share a database.

The audit head's seal is an HMAC under the master key, which revisions cannot compute: it is made
here, once, in the transaction that applies the revision introducing it (:data:`SEAL_REVISION`).
Never later: a head whose seal an attacker removed must stay broken, not be sealed again.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from issuer import audit
from issuer.vault import Vault
from service import migrations

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "issuer_alembic_version"
#: The revision that added the audit head's seal.
SEAL_REVISION = "r0003"


def config() -> Config:
    """The Alembic configuration; pass a connection in ``attributes["connection"]`` to run a command."""
    return migrations.alembic_config(MIGRATIONS)


def upgrade(engine: Engine, vault: Vault) -> None:
    """Bring the database to the newest revision (idempotent), sealing the audit head on the way."""
    settings = config()
    unsealed = {
        revision.revision
        for revision in ScriptDirectory.from_config(settings).iterate_revisions(SEAL_REVISION, "base")
        if revision.revision != SEAL_REVISION
    }
    with engine.begin() as connection:
        before = migrations.revision_of(connection, VERSION_TABLE)
        settings.attributes["connection"] = connection
        command.upgrade(settings, "head")
        if before is None or before in unsealed:
            with Session(bind=connection) as session:
                audit.seal_head(session, vault)
                session.flush()


def head_revision() -> str | None:
    """The newest revision of the migrations."""
    return migrations.head_revision(config())


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database without the issuer's tables."""
    return migrations.current_revision(engine, VERSION_TABLE)


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest revision."""
    return current_revision(engine) == head_revision()
