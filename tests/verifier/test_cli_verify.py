"""``nansen verifier verify --qr IMAGE``: what ``POST /scan`` does, from the command line (the
verifier's settings, trust list and database); the report as JSON, exit 0 only when valid."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from nansen.qr import encode_presentation
from nansen.timeutil import now
from tests.helpers import signed_credential
from tests.verifier.issuing import GOVERNANCE, presentation_at, trust_settings
from tests.verifier.pictures import camera_jpeg
from verifier import Settings, replay
from verifier.cli import app as cli
from verifier.db import create_db_engine, session_factory
from verifier.migrate import upgrade


def environment(directory: Path, trusted: bool = True) -> dict[str, str]:
    env = {"NANSEN_DATA_DIR": str(directory)}
    if trusted:
        env |= {
            "NANSEN_VERIFIER_TRUST_LIST": trust_settings(directory)["trust_list"],
            "NANSEN_VERIFIER_GOVERNANCE_DID": GOVERNANCE.controller,
        }
    return env


def picture(directory: Path, challenge: str | None = None) -> Path:
    path = directory / f"qr-{challenge or 'one-way'}.jpg"
    vp = presentation_at(
        signed_credential(), now(), challenge=challenge, domain="localhost" if challenge else None
    )
    path.write_bytes(camera_jpeg(encode_presentation(vp)))
    return path


def verify(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["verify", *args], env=env)


def test_a_presentation_is_verified_once(tmp_path: Path) -> None:
    env, qr = environment(tmp_path), str(picture(tmp_path))
    first = verify(env, "--qr", qr)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["verdict"] == "VALID"
    assert {"trust", "replay", "freshness"} <= set(report["checks"]) | {
        c for r in report["credentials"] for c in r["checks"]
    }
    again = verify(env, "--qr", qr)
    assert again.exit_code == 1
    assert json.loads(again.stdout)["verdict"] == "NOT VALID"


def test_without_a_trust_list_it_cannot_confirm(tmp_path: Path) -> None:
    result = verify(environment(tmp_path, trusted=False), "--qr", str(picture(tmp_path)))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["verdict"] == "CANNOT CONFIRM"


def test_a_challenge_issued_by_this_verifier_is_spent(tmp_path: Path) -> None:
    env = environment(tmp_path)
    engine = create_db_engine(Settings.from_env(env).database_url)
    try:
        upgrade(engine)
        with session_factory(engine)() as session:
            nonce, _ = replay.issue_challenge(session, now(), timedelta(minutes=5))
    finally:
        engine.dispose()
    qr = str(picture(tmp_path, nonce))
    assert verify(env, "--qr", qr, "--challenge", nonce, "--domain", "localhost").exit_code == 0
    spent = verify(env, "--qr", qr, "--challenge", nonce, "--domain", "localhost")
    assert spent.exit_code == 1
    assert "already been used" in spent.stdout
    wrong = verify(env, "--qr", qr, "--challenge", nonce, "--domain", "elsewhere.example")
    assert wrong.exit_code == 1
    assert "Error: The domain in the options is not this verifier's domain." in wrong.output


def blank(directory: Path) -> Path:
    out = io.BytesIO()
    Image.new("L", (320, 240), 128).save(out, "PNG")
    path = directory / "blank.png"
    path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (blank, "The image has no QR code that can be read."),
        (lambda d: d / "missing.png", "Cannot read"),
        (lambda d: (d / "big.jpg").write_bytes(bytes(10_000_001)) and d / "big.jpg", "larger than the limit"),
    ],
)
def test_a_picture_that_cannot_be_read_is_refused_in_one_sentence(
    tmp_path: Path, make: object, message: str
) -> None:
    assert callable(make)
    result = verify(environment(tmp_path), "--qr", str(make(tmp_path)))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
