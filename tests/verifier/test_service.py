"""Settings from the environment, the ``serve`` and ``migrate`` commands, and purging old rows."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from nansen.demo.roles import answering, free_port
from tests.helpers import ISSUED
from verifier import Mode, Settings, replay
from verifier.cli import app as cli
from verifier.db import create_db_engine, session_factory
from verifier.migrate import upgrade
from verifier.models import Challenge, SeenPresentation
from verifier.settings import SettingsError


def test_settings_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({"NANSEN_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'verifier.sqlite3'}"
    assert settings.data_dir == tmp_path
    assert settings.domain == "localhost"
    assert settings.mode is Mode.MIXED
    assert settings.challenge_ttl_seconds == 300
    assert settings.one_way_window_seconds == 300
    assert settings.migrate_on_start is True
    assert settings.trust_list is None
    assert (settings.max_image_bytes, settings.document_ttl_seconds) == (10_000_000, 300)
    assert settings.max_original_bytes == 20_000_000
    assert settings.status_ttl_seconds == 300
    assert settings.request_threads == 2


def test_settings_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "NANSEN_DATA_DIR": str(tmp_path),
            "NANSEN_VERIFIER_DATABASE_URL": "postgresql+psycopg://db/verifier",
            "NANSEN_VERIFIER_DOMAIN": "shelter.example",
            "NANSEN_VERIFIER_MODE": "one-way",
            "NANSEN_VERIFIER_CHALLENGE_TTL_SECONDS": "60",
            "NANSEN_VERIFIER_ONE_WAY_WINDOW_SECONDS": "120",
            "NANSEN_VERIFIER_MIGRATE_ON_START": "0",
            "NANSEN_VERIFIER_TRUST_LIST": "https://governance.example/trust-list.json",
            "NANSEN_VERIFIER_GOVERNANCE_DID": "did:web:governance.example",
            "NANSEN_VERIFIER_MAX_IMAGE_BYTES": "2000000",
            "NANSEN_VERIFIER_DOCUMENT_TTL_SECONDS": "90",
            "NANSEN_VERIFIER_MAX_ORIGINAL_BYTES": "5000000",
            "NANSEN_VERIFIER_STATUS_TTL_SECONDS": "2",
            "NANSEN_VERIFIER_REQUEST_THREADS": "3",
        }
    )
    assert settings.database_url == "postgresql+psycopg://db/verifier"
    assert settings.domain == "shelter.example"
    assert settings.mode is Mode.ONE_WAY
    assert (settings.challenge_ttl_seconds, settings.one_way_window_seconds) == (60, 120)
    assert settings.migrate_on_start is False
    assert settings.trust_list == "https://governance.example/trust-list.json"
    assert settings.governance_did == "did:web:governance.example"
    assert (settings.max_image_bytes, settings.document_ttl_seconds) == (2_000_000, 90)
    assert settings.max_original_bytes == 5_000_000
    assert settings.status_ttl_seconds == 2
    assert settings.request_threads == 3


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NANSEN_VERIFIER_MODE", "sometimes", "must be one of: mixed, challenge, one-way"),
        ("NANSEN_VERIFIER_CHALLENGE_TTL_SECONDS", "soon", "must be a whole number"),
        ("NANSEN_VERIFIER_ONE_WAY_WINDOW_SECONDS", "-5", "must be positive"),
        ("NANSEN_VERIFIER_MIGRATE_ON_START", "maybe", "must be 1 or 0"),
        ("NANSEN_VERIFIER_TRUST_LIST", "trust.json", "GOVERNANCE_DID must be set"),
        ("NANSEN_VERIFIER_MAX_IMAGE_BYTES", "big", "must be a whole number"),
        ("NANSEN_VERIFIER_DOCUMENT_TTL_SECONDS", "0", "must be positive"),
        ("NANSEN_VERIFIER_MAX_ORIGINAL_BYTES", "-1", "must be positive"),
        ("NANSEN_VERIFIER_STATUS_TTL_SECONDS", "0", "must be positive"),
        ("NANSEN_VERIFIER_REQUEST_THREADS", "0", "must be positive"),
    ],
)
def test_bad_settings_are_refused_in_one_sentence(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({name: value})
    result = CliRunner().invoke(cli, ["migrate"], env={name: value})
    assert result.exit_code == 2  # a usage error, as every bad setting (tests/test_core_settings.py)
    assert message in result.output
    assert "Traceback" not in result.output


def test_serve_runs_uvicorn_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "NANSEN_DATA_DIR": str(tmp_path)}
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "verifier.log"
    with answering("verifier", ["verifier", "serve", "--port", str(port)], env, url + "/", log):
        response = httpx.post(url + "/challenges", timeout=5)
        assert response.status_code == 200
        assert response.json()["domain"] == "localhost"
        assert (tmp_path / "verifier.sqlite3").exists()
    assert "Traceback" not in log.read_text()


def test_purge_removes_only_what_has_expired(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'v.sqlite3'}")
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        replay.issue_challenge(session, ISSUED, timedelta(minutes=5))
        replay.issue_challenge(session, ISSUED, timedelta(minutes=10))
        replay.remember_presentation(session, ["a" * 64], ISSUED, ISSUED + timedelta(minutes=5))
        replay.remember_presentation(session, ["b" * 64], ISSUED, ISSUED + timedelta(minutes=10))
        assert replay.purge(session, ISSUED + timedelta(minutes=7)) == 2
        assert session.scalar(select(func.count()).select_from(Challenge)) == 1
        assert list(session.scalars(select(SeenPresentation.digest))) == ["b" * 64]
    engine.dispose()
