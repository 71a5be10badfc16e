"""``nansen wallet serve --workers 3``: uploads raced across worker processes (which share only the
database) with one version: exactly one is stored, on SQLite and on PostgreSQL; and sign-in limits
hold across them."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.servers import free_port
from tests.webwallet.host_support import OCTETS, b64u, made_wallet
from tests.workers import children, running_service
from wallet.cli import app as wallet_cli

WORKERS = 3


def test_uploads_raced_across_workers_one_wins(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    environment = {
        "NANSEN_DATA_DIR": str(tmp_path / "data"),
        "NANSEN_WALLET_HOST_DATABASE_URL": database_url,
        "NANSEN_WALLET_HOST_SIGNINS_PER_ACCOUNT": "4",
        "PROMETHEUS_MULTIPROC_DIR": "",
    }
    wallet = made_wallet(tmp_path / "phone")
    candidates = [made_wallet(tmp_path / f"device-{i}").file for i in range(12)]
    with (
        running_service(
            "wallet", port, environment, tmp_path / "host.log", ("--workers", str(WORKERS))
        ) as process,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http,
        ThreadPoolExecutor(12) as pool,
    ):
        assert len(children(process.pid)) >= WORKERS
        created = http.post("/api/accounts", json={"verifiers": wallet.verifiers()})
        assert created.status_code == 201, created.text
        auth = {"Authorization": f"Bearer {created.json()['token']}"}
        first = http.put(
            "/api/container", content=wallet.file, headers={**auth, **OCTETS, "If-None-Match": "*"}
        )
        assert first.status_code == 204, first.text
        etag = first.headers["ETag"]
        for _round in range(2):
            headers = {**auth, **OCTETS, "If-Match": etag}
            answers = list(
                pool.map(
                    lambda data, h=headers: http.put("/api/container", content=data, headers=h), candidates
                )
            )
            codes = sorted(answer.status_code for answer in answers)
            assert codes == [204] + [412] * 11, [answer.text for answer in answers]
            (winner,) = [i for i, answer in enumerate(answers) if answer.status_code == 204]
            stored = http.get("/api/container", headers=auth)
            assert stored.content == candidates[winner]
            etag = answers[winner].headers["ETag"]
            assert stored.headers["ETag"] == etag
        # Twelve guesses at once, spread over the workers: four are judged, the rest refused.
        account = created.json()["account"]
        guesses = list(
            pool.map(
                lambda _: http.post("/api/session", json={"account": account, "login": b64u(os.urandom(32))}),
                range(12),
            )
        )
        assert sorted(answer.status_code for answer in guesses) == [401] * 4 + [429] * 8
    log = (tmp_path / "host.log").read_text()
    assert created.json()["token"] not in log
    assert account not in log


def test_migrate_says_what_it_did(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_WALLET_HOST_DATABASE_URL", database_url)
    first = CliRunner().invoke(wallet_cli, ["host", "migrate"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Created the database's tables")
    again = CliRunner().invoke(wallet_cli, ["host", "migrate"])
    assert "already current" in again.output


def test_serve_refuses_a_bad_number_of_workers_and_a_bad_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CliRunner().invoke(wallet_cli, ["serve", "--workers", "0"]).exit_code == 2
    monkeypatch.setenv("NANSEN_WALLET_HOST_QUICK_EXIT_URL", "http://plain.example.org/")
    refused = CliRunner().invoke(wallet_cli, ["serve"])
    assert refused.exit_code == 2
    assert "NANSEN_WALLET_HOST_QUICK_EXIT_URL" in refused.stderr


def test_serve_on_a_database_never_migrated_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NANSEN_WALLET_HOST_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    monkeypatch.setenv("NANSEN_WALLET_HOST_MIGRATE_ON_START", "0")
    refused = CliRunner().invoke(wallet_cli, ["serve", "--port", str(free_port())])
    assert refused.exit_code == 1, refused.output
    assert "nansen wallet host migrate" in refused.stderr
