"""``nansen issuer``: migrate, partners, key lifecycle, audit verify; and ``serve`` as a real process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from issuer import migrate
from issuer.cli import app
from issuer.db import make_engine
from nansen.demo.roles import answering, free_port
from nansen.ipfs import CID, EmbeddedStore
from tests.conftest import REPO
from tests.helpers import STRANGER
from tests.issuer.payloads import document_fields, png

runner = CliRunner()


@pytest.fixture
def env(database_url: str, tmp_path: Path, master_key: bytes) -> dict[str, str]:
    return {
        "NANSEN_DATA_DIR": str(tmp_path / "data"),
        "NANSEN_ISSUER_MASTER_KEY": master_key.hex(),
        "NANSEN_ISSUER_DATABASE_URL": database_url,
        "NANSEN_ISSUER_PUBLIC_HOST": "issuer.example",
    }


def run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def add(env: dict[str, str], *args: str) -> dict[str, str]:
    code, out, err = run(env, "partner", "add", *args)
    assert code == 0, err
    assert "cannot be shown again" in err
    return dict(re.findall(r"^(Partner|DID|API key):\s+(\S+)$", out, re.MULTILINE))


def test_partner_add_prints_key_once_and_stores_its_hash(env: dict[str, str], database_url: str) -> None:
    shown = add(env, "Red Crescent")
    assert shown["DID"] == f"did:web:issuer.example:partners:{shown['Partner']}"
    assert shown["API key"].startswith(f"nansen_{shown['Partner']}_")
    engine = make_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT api_key_hash FROM issuer_partners")).scalar_one()
    engine.dispose()
    secret = shown["API key"].split("_", 2)[2]
    assert secret.encode() not in bytes(stored)
    assert len(stored) == 32


def test_partner_add_with_own_domain(env: dict[str, str]) -> None:
    assert add(env, "Notary", "--did-web", "notary.example")["DID"] == "did:web:notary.example"
    code, _, err = run(env, "partner", "add", "Other", "--did-web", "notary.example")
    assert code == 1
    assert "Another partner already has that domain." in err


def test_rotate_and_compromise(env: dict[str, str]) -> None:
    partner = add(env, "Consulate")["Partner"]
    code, out, _ = run(env, "partner", "rotate-key", partner)
    assert (code, out.strip()) == (0, "The partner's current key is now #key-2.")
    code, out, _ = run(env, "partner", "compromised", partner, "key-1")
    assert code == 0
    assert "#key-1 is marked compromised" in out
    code, out, _ = run(env, "audit", "verify")
    assert code == 0
    assert out.strip() == "3 entries checked. The audit chain is intact."


def test_escrow_recipient_is_set_and_cleared(env: dict[str, str], database_url: str) -> None:
    partner = add(env, "Shelter")["Partner"]
    code, out, _ = run(env, "partner", "escrow", partner, STRANGER.controller)
    assert (code, out.strip()) == (
        0,
        "Document keys are now also sealed to the escrow when a holder chooses it.",
    )
    engine = make_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT escrow_did FROM issuer_partners")).scalar_one()
    assert stored == STRANGER.controller
    code, out, _ = run(env, "partner", "escrow", partner, "--clear")
    assert (code, out.strip()) == (0, "Document keys are no longer sealed to an escrow.")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT escrow_did FROM issuer_partners")).scalar_one() is None
    engine.dispose()
    assert run(env, "audit", "verify")[1].strip() == "3 entries checked. The audit chain is intact."


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["did:web:escrow.example"], "A document key is sealed only to a did:key"),
        (["did:key:z6MkNotAKey"], "does not hold a usable Ed25519 key"),
        ([], "Give the escrow recipient's did:key, or --clear, but not both."),
        ([STRANGER.controller, "--clear"], "Give the escrow recipient's did:key, or --clear, but not both."),
    ],
)
def test_bad_escrow_recipient_is_a_clear_error(
    env: dict[str, str], arguments: list[str], message: str
) -> None:
    partner = add(env, "Shelter")["Partner"]
    code, _, err = run(env, "partner", "escrow", partner, *arguments)
    assert code == 1
    assert message in err


def test_unknown_partner_is_a_clear_error(env: dict[str, str]) -> None:
    code, _, err = run(env, "partner", "rotate-key", "nobody")
    assert code == 1
    assert err.strip() == "Error: There is no partner with that id."
    partner = add(env, "NGO")["Partner"]
    code, _, err = run(env, "partner", "compromised", partner, "key-7")
    assert code == 1
    assert "no such verification method" in err


def test_audit_verify_names_the_broken_entry(env: dict[str, str], database_url: str) -> None:
    add(env, "One")
    add(env, "Two")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER issuer_audit_log_no_delete"))
        else:
            connection.execute(text("DROP TRIGGER issuer_audit_log_append_only ON issuer_audit_log"))
        connection.execute(text("DELETE FROM issuer_audit_log WHERE seq = 1"))
    engine.dispose()
    code, out, _ = run(env, "audit", "verify")
    assert code == 1
    assert "Entry 1 is missing." in out


def test_unmigrated_database_is_named(tmp_path: Path) -> None:
    env = {"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    code, _, err = run(env, "partner", "add", "Early")
    assert code == 1
    assert "run `nansen issuer migrate` first" in err
    assert run(env, "migrate")[0] == 0
    assert (
        run(env, "migrate")[1].strip()
        == f"The database was already current (revision {migrate.head_revision()}); nothing to do."
    )
    assert run(env, "partner", "add", "Early")[0] == 0


def test_bad_setting_is_a_clear_error(tmp_path: Path) -> None:
    env = {"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_ISSUER_MASTER_KEY": "short"}
    code, _, err = run(env, "migrate")
    assert code == 2  # a usage error, as every bad setting (tests/test_core_settings.py)
    assert "NANSEN_ISSUER_MASTER_KEY must be 64 hexadecimal digits" in err


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    env = {
        "NANSEN_DATA_DIR": str(tmp_path),
        "NANSEN_ISSUER_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    }
    code, _, err = run(env, "migrate")
    assert code == 1
    assert err.strip() == "Error: The database cannot be reached; check NANSEN_ISSUER_DATABASE_URL."


def test_serve_runs_the_service(env: dict[str, str], tmp_path: Path) -> None:
    partner = add(env, "Live")
    port = free_port()
    did = f"http://127.0.0.1:{port}/partners/{partner['Partner']}/did.json"
    args = ["issuer", "serve", "--host", "127.0.0.1", "--port", str(port)]
    printed = tmp_path / "issuer.log"
    with answering("issuer", args, {**os.environ, **env}, did, printed):
        response = httpx.get(did)
        assert response.json()["id"] == partner["DID"]
        listed = httpx.get(
            f"http://127.0.0.1:{port}/credentials", headers={"Authorization": f"Bearer {partner['API key']}"}
        )
        assert listed.json() == []
        uploaded = httpx.post(
            f"http://127.0.0.1:{port}/documents",
            data=document_fields(),
            files={"scan": ("scan.png", png(), "image/png")},
            headers={"Authorization": f"Bearer {partner['API key']}"},
            timeout=60,
        )
        assert uploaded.status_code == 201, uploaded.text
        assert (
            EmbeddedStore(Path(env["NANSEN_DATA_DIR"]) / "ipfs")
            .stat(CID.parse(uploaded.json()["cid"]))
            .pinned
        )
    log = printed.read_text()
    assert "GET /partners/{partner_id}/did.json 200" in log
    assert "POST /documents 201" in log
    assert f"/partners/{partner['Partner']}/" not in log  # routes are logged, never paths


def test_serve_refuses_a_bad_ipfs_configuration(env: dict[str, str]) -> None:
    bad = {**os.environ, **env, "NANSEN_IPFS_PINNING_URL": "https://pins.example"}
    bad.pop("NANSEN_IPFS_PINNING_TOKEN", None)
    finished = subprocess.run(
        [sys.executable, "-m", "issuer", "serve", "--port", str(free_port())],
        cwd=REPO,
        env=bad,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 1
    assert "NANSEN_IPFS_PINNING_TOKEN" in finished.stderr
