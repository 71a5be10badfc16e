"""`nansen credential verify` and `nansen presentation verify` take SD-JWT VCs too: the same report."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from nansen.sdjwt import present
from nansen.timeutil import now
from tests.sdjwt.support import AUDIENCE, HOLDER, NONCE, THREE, identity_sd_jwt
from tests.test_cli import assert_no_traceback, run


def _presentation(tmp_path: Path) -> Path:
    moment = now()
    token = identity_sd_jwt(issued_at=moment, expires_at=moment + timedelta(days=30))
    path = tmp_path / "presentation.sd-jwt"
    path.write_text(
        present(token, THREE, HOLDER.jwk, nonce=NONCE, audience=AUDIENCE, issued_at=moment) + "\n"
    )
    return path


def test_a_presentation_verifies_with_its_nonce_and_audience(tmp_path: Path) -> None:
    done = run(
        "presentation", "verify", "--challenge", NONCE, "--domain", AUDIENCE, str(_presentation(tmp_path))
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["verdict"] == "VALID"
    assert report["dataModel"] == report["credentials"][0]["dataModel"] == "SD-JWT VC"
    disclosure = next(c for c in report["credentials"][0]["checks"] if c["check"] == "disclosure")
    assert "Not disclosed (or not in the credential): documentTitle, birthPlace" in disclosure["reason"]


def test_a_replayed_presentation_is_refused_with_its_reason(tmp_path: Path) -> None:
    text = _presentation(tmp_path).read_text()
    done = run("presentation", "verify", "--challenge", "another", "--domain", AUDIENCE, "-", stdin=text)
    assert_no_traceback(done)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["verdict"] == "NOT VALID"
    assert "The Key Binding JWT's nonce is not the one this verifier gave." in report["errors"]


def test_a_held_credential_verifies_and_a_garbled_one_is_a_report(tmp_path: Path) -> None:
    moment = now()
    held = run(
        "credential",
        "verify",
        "-",
        stdin=identity_sd_jwt(issued_at=moment, expires_at=moment + timedelta(days=1)),
    )
    assert held.returncode == 0, held.stdout + held.stderr
    assert json.loads(held.stdout)["kind"] == "credential"
    garbled = run("credential", "verify", "-", stdin="eyJhbGciOiJub25lIn0.e30.~abc~")
    assert_no_traceback(garbled)
    assert garbled.returncode == 1
    assert json.loads(garbled.stdout)["verdict"] == "NOT VALID"
