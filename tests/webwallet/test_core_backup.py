"""Backups (wallet/backup.py, version 2) in two runtimes: a backup the engine seals opens with the
Python wallet (``Wallet.recover``) and holds the same wallet; one Python seals opens in the engine;
a wrong passphrase and a changed byte are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from nansen.proofs import ProofOptions, add_proof
from tests.helpers import ISSUED, PARTNER, identity_credential
from tests.webwallet.engine import EngineError, b64, call, unb64
from wallet import Wallet, backup, identity
from wallet.kdf import LEVELS
from wallet.state import HeldCredential

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NANSEN_WALLET_KDF", "minimum")


def python_wallet(directory: Path) -> Wallet:
    with Wallet.create(directory, PASSPHRASE, LEVELS["minimum"]) as wallet:
        unsigned = identity_credential(PARTNER, wallet.identities.holder)
        wallet.state.credentials.append(
            HeldCredential(add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED)), "2026-12-07T00:00:00Z")
        )
        wallet.save()
        return wallet


def test_an_engine_backup_recovers_with_the_python_wallet(tmp_path: Path) -> None:
    made = call("create", passphrase=PASSPHRASE, cost="minimum")
    sealed = unb64(call("sealBackup", state=made["state"], passphrase=PASSPHRASE, cost="minimum")["backup"])
    assert len(sealed) == backup.SIZE == 327_815
    assert sealed.startswith(b"NSDOC\x01")
    with Wallet.recover(tmp_path / "new-phone", sealed, passphrase=PASSPHRASE) as recovered:
        assert recovered.did == made["did"]
    state = {k: v for k, v in made["state"].items() if k not in ("reserved", "duress")}
    master_key = identity.backup_key(bytes(recovered.state.master))
    assert backup.open_with_master(sealed, master_key) == state


def test_a_python_backup_opens_in_the_engine(tmp_path: Path) -> None:
    wallet = python_wallet(tmp_path / "w")
    sealed = backup.seal(
        wallet.state.portable(), PASSPHRASE, identity.backup_key(wallet.state.master), LEVELS["minimum"]
    )
    opened = call("openBackup", backup=b64(sealed), passphrase=PASSPHRASE, cost="minimum")["state"]
    assert opened == wallet.state.portable()
    # A dearer cost named tries each cheaper one too, as wallet.kdf.likely_costs does.
    assert (
        call("openBackup", backup=b64(sealed), passphrase=PASSPHRASE, cost="interactive")["state"] == opened
    )


def test_a_wrong_passphrase_or_a_changed_byte_is_refused() -> None:
    made = call("create", passphrase=PASSPHRASE, cost="minimum")
    sealed = unb64(call("sealBackup", state=made["state"], passphrase=PASSPHRASE, cost="minimum")["backup"])
    with pytest.raises(EngineError, match="does not open with this passphrase") as locked:
        call("openBackup", backup=b64(sealed), passphrase="another passphrase", cost="minimum")
    assert locked.value.code == "locked"
    changed = bytearray(sealed)
    changed[-5] ^= 1
    with pytest.raises(EngineError, match="damaged or was altered") as damaged:
        call("openBackup", backup=b64(bytes(changed)), passphrase=PASSPHRASE, cost="minimum")
    assert damaged.value.code == "damaged"
    with pytest.raises(EngineError, match="damaged or was altered"):
        call("openBackup", backup=b64(sealed[:-1]), passphrase=PASSPHRASE, cost="minimum")
