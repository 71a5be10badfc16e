"""What the ``nansen`` command says on a first run, through the installed entry point.

Without a terminal and without NANSEN_WALLET_PASSPHRASE, ``wallet init`` says which variable to set
(one line, exit 2) instead of getpass's warning and "Aborted."; ``issuer migrate`` says what it did;
the help names what each argument is, without Python type labels for repeatable options.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from issuer import migrate

NANSEN = Path(sys.executable).parent / "nansen"


def nansen(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``nansen`` with no terminal at all: standard input empty, a session of its own."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NANSEN_")}
    environment.update({"NANSEN_DATA_DIR": str(data_dir), "COLUMNS": "160", **env})
    return subprocess.run(
        [str(NANSEN), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        start_new_session=True,
        timeout=120,
        check=False,
    )


def test_wallet_init_without_a_terminal_names_the_variable(tmp_path: Path) -> None:
    finished = nansen("wallet", "init", "--no-recovery", data_dir=tmp_path)
    assert finished.returncode == 2
    assert (
        finished.stderr == "Error: No terminal to ask for the passphrase on: set NANSEN_WALLET_PASSPHRASE.\n"
    )
    assert not (tmp_path / "wallet").exists() or not any((tmp_path / "wallet").iterdir())


def test_issuer_migrate_says_what_it_did(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'issuer.db'}"
    head = migrate.head_revision()
    created = nansen("issuer", "migrate", data_dir=tmp_path, NANSEN_ISSUER_DATABASE_URL=url)
    assert created.returncode == 0, created.stderr
    assert created.stdout == f"Created the database's tables (revision {head}).\n"
    again = nansen("issuer", "migrate", data_dir=tmp_path, NANSEN_ISSUER_DATABASE_URL=url)
    assert again.stdout == f"The database was already current (revision {head}); nothing to do.\n"

    older = f"sqlite:///{tmp_path / 'older.db'}"
    engine = create_engine(older)
    settings = migrate.config()
    with engine.begin() as connection:
        settings.attributes["connection"] = connection
        command.upgrade(settings, "r0001")
    engine.dispose()
    upgraded = nansen("issuer", "migrate", data_dir=tmp_path, NANSEN_ISSUER_DATABASE_URL=older)
    assert upgraded.stdout == f"Migrated the database from revision r0001 to {head}.\n"


def test_help_describes_arguments_without_type_labels(tmp_path: Path) -> None:
    receive = nansen("wallet", "receive", "--help", data_dir=tmp_path).stdout
    assert "<list[" not in receive
    assert "--did-doc" in receive
    assert "FILE" in receive
    encrypt = nansen("document", "encrypt", "--help", data_dir=tmp_path).stdout
    (to,) = [line for line in encrypt.splitlines() if "--to " in line]
    assert "DID" in to
    assert "<list[" not in to
    for args, described in (
        (("issuer", "partner", "rotate-key"), "The partner's id"),
        (("wallet", "show"), "The credential's id"),
        (("wallet", "present"), "The credential's id"),
    ):
        shown = nansen(*args, "--help", data_dir=tmp_path).stdout
        assert described in shown, args
