"""``nansen verifier serve --workers 4``: a challenge raced across four worker processes is accepted
exactly once, on SQLite and on PostgreSQL (the workers share only the database)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from typer.testing import CliRunner

from issuer.cli import app as issuer_cli
from tests.helpers import presentation, signed_credential
from tests.servers import free_port
from tests.verifier.support import DOMAIN
from tests.workers import children, running_service
from verifier.cli import app as verifier_cli

WORKERS = 4


def test_a_challenge_raced_across_four_workers_is_accepted_once(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    environment = {
        "NANSEN_DATA_DIR": str(tmp_path / "data"),
        "NANSEN_VERIFIER_DATABASE_URL": database_url,
        "NANSEN_VERIFIER_DOMAIN": DOMAIN,
        "PROMETHEUS_MULTIPROC_DIR": "",
    }
    extra = ("--workers", str(WORKERS))
    with (
        running_service("verifier", port, environment, tmp_path / "verifier.log", extra) as process,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http,
        ThreadPoolExecutor(12) as pool,
    ):
        assert len(children(process.pid)) >= WORKERS
        credential = signed_credential()
        for _ in range(3):
            nonce = http.post("/challenges").json()["challenge"]
            body = {
                "verifiablePresentation": presentation(credential, challenge=nonce),
                "options": {"challenge": nonce, "domain": DOMAIN},
            }
            answers = list(
                pool.map(lambda payload: http.post("/presentations/verify", json=payload), [body] * 12)
            )
            unjudged = [(a.status_code, a.text[:400]) for a in answers if "verdict" not in a.json()]
            assert not unjudged, unjudged
            verdicts = sorted(answer.json()["verdict"] for answer in answers)
            assert verdicts == ["NOT VALID"] * 11 + ["VALID"], [
                a.text for a in answers if a.status_code != 400
            ]
            refused = [answer for answer in answers if answer.status_code == 400]
            assert all("already been used" in answer.text for answer in refused)


def test_a_number_of_workers_out_of_range_is_a_usage_error() -> None:
    for command in (issuer_cli, verifier_cli):
        for workers in ("0", "65"):
            result = CliRunner().invoke(command, ["serve", "--workers", workers])
            assert result.exit_code == 2, result.output
            assert result.stderr == f"Error: the number of workers must be from 1 to 64, not {workers}.\n"
