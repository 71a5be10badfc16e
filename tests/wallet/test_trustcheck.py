"""Before presenting to a verifier that names itself, the wallet looks it up on the trust list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nansen import trust
from nansen.trust import TrustedIssuer, TrustListSource
from tests.helpers import HOLDER, PARTNER, STRANGER
from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.issuing import credential
from wallet.trustcheck import standing

#: The governance that signs the trust list (any key will do in these tests).
GOVERNANCE = HOLDER


@pytest.fixture
def trust_list(tmp_path: Path) -> Path:
    shelter = TrustedIssuer(PARTNER.controller, "Shelter of Hope", ("IdentityDocumentCredential",))
    signed = trust.sign(trust.build(GOVERNANCE.controller, [shelter]), GOVERNANCE)
    path = tmp_path / "trust-list.json"
    path.write_text(json.dumps(signed))
    return path


def _source(path: Path, tmp_path: Path) -> TrustListSource:
    return TrustListSource(path, GOVERNANCE.controller, cache_dir=tmp_path / "cache")


def test_a_listed_verifier(trust_list: Path, tmp_path: Path) -> None:
    found = standing(PARTNER.controller, _source(trust_list, tmp_path))
    assert found.listed is True
    assert found.message == "The verifier is Shelter of Hope, on the trust list."


def test_an_unlisted_verifier(trust_list: Path, tmp_path: Path) -> None:
    found = standing(STRANGER.controller, _source(trust_list, tmp_path))
    assert found.listed is False
    assert "not a registered shelter or authority" in found.message


def test_no_list_or_an_unreadable_one(tmp_path: Path) -> None:
    assert standing(STRANGER.controller, None).listed is None
    assert standing(STRANGER.controller, _source(tmp_path / "missing.json", tmp_path)).listed is None


def test_present_warns_before_showing_to_an_unlisted_verifier(
    trust_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NANSEN_WALLET_TRUST_LIST", str(trust_list))
    monkeypatch.setenv("NANSEN_WALLET_GOVERNANCE_DID", GOVERNANCE.controller)
    monkeypatch.setenv("NANSEN_WALLET_DIR", str(tmp_path / "w"))
    assert run("init", "--no-recovery", passphrase=PASSPHRASE).exit_code == 0
    did = run("did", passphrase=PASSPHRASE).stdout.strip()
    path = tmp_path / "c.json"
    path.write_text(json.dumps(credential(did)))
    assert run("receive", str(path), passphrase=PASSPHRASE).exit_code == 0
    ident = json.loads(run("list", "--json", passphrase=PASSPHRASE).stdout)[0]["id"]
    unlisted = run("present", ident, "--verifier", STRANGER.controller, passphrase=PASSPHRASE)
    assert unlisted.exit_code == 0
    assert unlisted.stderr.startswith("Warning: This verifier is not on the trust list")
    listed = run("present", ident, "--verifier", PARTNER.controller, passphrase=PASSPHRASE)
    assert listed.stderr == "The verifier is Shelter of Hope, on the trust list.\n"
