"""Backups and recovery: by passphrase, by guardian shares, from the store or a CAR file; and the
refusals: a wrong passphrase, wrong shares, a tampered backup, a CID that does not exist."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nansen.crypto import BlockReader
from nansen.ipfs import CID, EmbeddedStore
from nansen.verify import Verifier
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.issuing import SCAN, issuance
from wallet import (
    BackupDamaged,
    BackupLocked,
    BackupNotFound,
    GuardianShareError,
    Issuance,
    Wallet,
    WalletExists,
    aead,
    payload,
)
from wallet import backup as backup_format
from wallet.header import Header
from wallet.kdf import LEVELS
from wallet.store import fetch_backup

NEW_PASSPHRASE = "a brand new passphrase"


@pytest.fixture
def made(tmp_path: Path, store: EmbeddedStore) -> tuple[Path, CID, list[str], str]:
    """A wallet with one credential and its document, backed up; with 3 guardian shares."""
    directory = tmp_path / "phone"
    with Wallet.create(directory, PASSPHRASE) as wallet:
        answer = issuance(wallet.did, store)
        ident = wallet.receive(Issuance.from_json(answer), Verifier(), store).held.id
        wallet.partner_did("Notary")
        cid = wallet.backup(store, PASSPHRASE)
        shares = wallet.guardian_shares(2, 3)
    return directory, cid, shares, ident


def _same_wallet(a: Path, a_pass: str, b: Path, b_pass: str, store: EmbeddedStore, ident: str) -> None:
    with Wallet.open(a, a_pass) as old, Wallet.open(b, b_pass) as new:
        assert new.did == old.did
        assert new.partner_did("Notary") == old.partner_did("Notary")
        assert [c.credential for c in new.state.credentials] == [c.credential for c in old.state.credentials]
        assert b"".join(new.read_document(ident, store)) == SCAN


def test_recover_with_the_passphrase(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    directory, cid, _, ident = made
    with Wallet.recover(tmp_path / "shelter", fetch_backup(store, cid), passphrase=PASSPHRASE):
        pass
    _same_wallet(directory, PASSPHRASE, tmp_path / "shelter", PASSPHRASE, store, ident)


def test_recover_with_two_of_three_guardians(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    directory, cid, shares, ident = made
    data = fetch_backup(store, cid)
    with Wallet.recover(tmp_path / "shelter", data, passphrase=NEW_PASSPHRASE, shares=[shares[2], shares[0]]):
        pass
    _same_wallet(directory, PASSPHRASE, tmp_path / "shelter", NEW_PASSPHRASE, store, ident)


def test_recover_from_a_car_file(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    directory, cid, _, ident = made
    car = io.BytesIO()
    store.export_car(cid, car)
    elsewhere = EmbeddedStore(tmp_path / "another-device")
    data = fetch_backup(elsewhere, cid, io.BytesIO(car.getvalue()))
    with Wallet.recover(tmp_path / "shelter", data, passphrase=PASSPHRASE):
        pass
    _same_wallet(directory, PASSPHRASE, tmp_path / "shelter", PASSPHRASE, store, ident)


def test_a_wrong_passphrase_opens_no_backup(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    with (
        pytest.raises(BackupLocked),
        Wallet.recover(tmp_path / "x", fetch_backup(store, made[1]), passphrase="guess guess"),
    ):
        pass
    assert not (tmp_path / "x").exists()


def test_shares_of_another_wallet_open_no_backup(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    with Wallet.create(tmp_path / "other", PASSPHRASE) as other:
        foreign = other.guardian_shares(2, 3)
    data = fetch_backup(store, made[1])
    with (
        pytest.raises(BackupLocked),
        Wallet.recover(tmp_path / "x", data, passphrase=NEW_PASSPHRASE, shares=foreign[:2]),
    ):
        pass


def test_too_few_or_mixed_shares_are_refused(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    _, cid, shares, _ = made
    data = fetch_backup(store, cid)
    with Wallet.create(tmp_path / "other", PASSPHRASE) as other:
        foreign = other.guardian_shares(2, 3)
    for given in ([shares[0]], [shares[0], foreign[1]], ["not a share at all"]):
        with (
            pytest.raises(GuardianShareError),
            Wallet.recover(tmp_path / "x", data, passphrase=NEW_PASSPHRASE, shares=given),
        ):
            pass


def test_a_tampered_backup_is_refused(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    data = bytearray(fetch_backup(store, made[1]))
    data[-100] ^= 1
    altered = store.put(BlockReader([bytes(data)]))
    with (
        pytest.raises(BackupDamaged),
        Wallet.recover(tmp_path / "x", fetch_backup(store, altered), passphrase=PASSPHRASE),
    ):
        pass


def test_a_backup_whose_blocks_were_altered_in_the_store_is_refused(
    store: EmbeddedStore, made: tuple
) -> None:
    cid = made[1]
    for block in (store.root / "blocks").rglob("*"):
        if block.is_file():
            raw = bytearray(block.read_bytes())
            raw[len(raw) // 2] ^= 1
            block.write_bytes(bytes(raw))
    with pytest.raises(BackupDamaged):
        fetch_backup(store, cid)


def test_a_backup_cid_that_does_not_exist(store: EmbeddedStore) -> None:
    missing = CID.parse("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy")
    with pytest.raises(BackupNotFound):
        fetch_backup(store, missing)


def test_content_that_is_not_a_backup(store: EmbeddedStore) -> None:
    other = store.put(BlockReader([b"just a file"]))
    with pytest.raises(BackupDamaged):
        fetch_backup(store, other)


def test_a_car_that_holds_another_backup(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    other = store.put(BlockReader([b"x" * 10]))
    car = io.BytesIO()
    store.export_car(other, car)
    with pytest.raises(BackupDamaged):
        fetch_backup(EmbeddedStore(tmp_path / "elsewhere"), made[1], io.BytesIO(car.getvalue()))


def test_recovery_never_overwrites_a_wallet(store: EmbeddedStore, made: tuple) -> None:
    directory, cid, _, _ = made
    with (
        pytest.raises(WalletExists),
        Wallet.recover(directory, fetch_backup(store, cid), passphrase=PASSPHRASE),
    ):
        pass


def test_every_backup_has_the_same_size(tmp_path: Path, store: EmbeddedStore, made: tuple) -> None:
    with Wallet.create(tmp_path / "empty", PASSPHRASE) as empty:
        bare = empty.backup(store, PASSPHRASE)
    assert len(fetch_backup(store, bare)) == len(fetch_backup(store, made[1])) == backup_format.SIZE


def test_forget_replaces_the_backups_that_hold_the_keys(
    tmp_path: Path, store: EmbeddedStore, made: tuple
) -> None:
    directory, old, _, ident = made
    with Wallet.open(directory, PASSPHRASE) as wallet:
        done = wallet.forget([ident], store, PASSPHRASE)
        assert done.backup is not None
        assert done.backup != old
        assert wallet.state.backups == [str(done.backup)]
    assert old not in set(store.pins())
    with Wallet.recover(
        tmp_path / "after", fetch_backup(store, done.backup), passphrase=PASSPHRASE
    ) as restored:
        assert restored.state.credentials == []


def test_a_version_1_backup_still_opens_by_passphrase_and_by_master() -> None:
    """Backups made before format 2 (``NSBACKUP`` and the Argon2id cost in a clear header)."""
    state = {"credentials": [], "master": "x"}
    master = b"m" * 32
    cost = LEVELS["minimum"]
    top = Header.new(backup_format.V1_MAGIC, 1, cost)
    raw, key = top.raw, b"k" * 32
    data = b"".join(
        (
            raw,
            aead.seal(top.key_for(PASSPHRASE), key, raw + b"p"),
            aead.seal(master, key, raw + b"m"),
            aead.seal(key, payload.pack(state), raw + b"b"),
        )
    )
    assert backup_format.is_backup_size(len(data))
    assert backup_format.open_with_passphrase(data, PASSPHRASE, [LEVELS["moderate"]]) == state
    assert backup_format.open_with_master(data, master) == state
    with pytest.raises(BackupLocked):
        backup_format.open_with_passphrase(data, NEW_PASSPHRASE, [cost])
