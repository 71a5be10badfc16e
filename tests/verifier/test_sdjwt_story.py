"""A wallet → verifier story with an SD-JWT VC: the holder presents only some facts as a QR code
(``nansen wallet present --disclose … --qr``), and ``nansen verifier verify --qr`` reads that
picture as ``POST /scan`` would: VALID, with only those facts; the same picture again is refused."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nansen.sdjwt import issue_identity_document
from nansen.timeutil import now
from tests.verifier.sdjwt_issuing import FACTS, PARTNER_KEY
from tests.verifier.test_cli_verify import environment
from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE
from verifier.cli import app as verifier_cli

SHOWN = ("givenName", "birthDate")


@pytest.fixture
def wallet_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NANSEN_WALLET_DIR", str(tmp_path / "phone"))
    made = run("init", "--no-recovery", passphrase=PASSPHRASE)
    assert made.exit_code == 0, made.output
    return run("did", passphrase=PASSPHRASE).output.strip()


def test_a_wallets_qr_code_is_valid_at_the_verifier_with_only_the_chosen_facts(
    wallet_did: str, tmp_path: Path
) -> None:
    moment = now()
    issued = tmp_path / "issued.sd-jwt"
    issued.write_text(
        issue_identity_document(
            signer=PARTNER_KEY,  # the partner the verifier's trust list names
            holder_did=wallet_did,
            document_type="Passport",
            facts=FACTS,
            issued_at=moment - timedelta(minutes=5),
            expires_at=moment + timedelta(days=30),
        )
    )
    received = run("receive", str(issued), passphrase=PASSPHRASE)
    assert received.exit_code == 0, received.output
    ident = json.loads(run("list", "--json", passphrase=PASSPHRASE).output)[-1]["id"]
    image = tmp_path / "code.png"
    shown = run("present", ident, "--disclose", ",".join(SHOWN), "--qr", str(image), passphrase=PASSPHRASE)
    assert shown.exit_code == 0, shown.output

    (tmp_path / "verifier").mkdir()
    env = environment(tmp_path / "verifier")
    first = CliRunner().invoke(verifier_cli, ["verify", "--qr", str(image)], env=env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["verdict"] == "VALID"
    credential = report["credentials"][0]
    disclosure = next(r for r in credential["results"] if r["check"] == "disclosure")["reason"]
    assert disclosure.startswith("Disclosed: givenName, birthDate.")
    for hidden in ("familyName", "birthPlace", "documentNumber"):
        assert hidden in disclosure.split("Not disclosed", 1)[1]
    for value in (FACTS["familyName"], FACTS["birthPlace"], FACTS["documentNumber"]):
        assert value not in first.stdout  # the hidden facts never reached the verifier
    again = CliRunner().invoke(verifier_cli, ["verify", "--qr", str(image)], env=env)
    assert again.exit_code == 1
    replay = next(r for r in json.loads(again.stdout)["results"] if r["check"] == "replay")
    assert replay["outcome"] == "failed"
