"""The host's API (WEBWALLET-PROTOCOL.md) through a whole story, with a wallet made by the command
line, on SQLite and PostgreSQL: create, header, sign in from a "new device", read, replace with
versions, change verifiers, back up and fetch, sign out, delete."""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select

from nansen.crypto import BlockReader
from nansen.ipfs import CID
from tests.webwallet.host_support import (
    DURESS,
    OCTETS,
    PASSPHRASE,
    Account,
    Host,
    b64u,
    login_key,
    made_wallet,
    unb64u,
    verifier,
)
from wallet import backup, identity
from wallet.container import FILE_SIZE
from wallet.header import SIZE as HEADER_SIZE
from wallet.host.backups import KEPT
from wallet.host.models import Account as AccountRow
from wallet.host.models import Backup as BackupRow
from wallet.host.models import SignIn
from wallet.host.models import WalletFile as WalletFileRow
from wallet.kdf import LEVELS
from wallet.wallet import Wallet


def test_the_whole_story_of_one_account(host: Host, tmp_path: Path) -> None:
    wallet = made_wallet(tmp_path / "phone", duress=DURESS)
    first = host.create(wallet)
    words = first.account.split("-")
    assert [len(group) for group in words] == [4] * 6 + [2]
    assert first.account == first.account.lower()

    # A new device knows only the account and the passphrase: the header, then the login key.
    header = unb64u(host.post("/api/header", {"account": first.account}).json()["header"])
    assert header == wallet.file[:HEADER_SIZE]
    signed = host.sign_in(first.account, login_key(header, PASSPHRASE))
    assert signed.status_code == 200, signed.text
    assert signed.json()["expiresIn"] == host.settings.session_seconds
    second = Account(host, first.account, signed.json()["token"])
    read = second.get()
    assert read.status_code == 200
    assert read.content == wallet.file
    assert read.headers["ETag"] == first.etag
    assert read.headers["Content-Type"] == "application/octet-stream"
    assert (
        second.host.http.get(
            host.url + "/api/container", headers={**second.auth, "If-None-Match": first.etag}
        ).status_code
        == 304
    )

    # The first device saves the wallet (the command line seals it again: same header, same size).
    with Wallet.open(wallet.directory, PASSPHRASE) as held:
        held.save()
    changed = wallet.file
    assert len(changed) == FILE_SIZE
    assert changed != read.content
    saved = first.put(changed, {"If-Match": first.etag})
    assert saved.status_code == 204, saved.text
    assert saved.headers["ETag"] != first.etag
    # The second device, still holding the old version, is told of the conflict and writes nothing.
    conflict = second.put(read.content, {"If-Match": read.headers["ETag"]})
    assert conflict.status_code == 412
    assert conflict.headers["Content-Type"] == "application/problem+json"
    assert second.get().content == changed

    # The duress passphrase signs in too (its verifier among the three), once the verifiers say so.
    duress_key = login_key(header, DURESS)
    assert host.sign_in(first.account, duress_key).status_code == 401
    new_verifiers = wallet.verifiers(duress_key)
    updated = host.http.put(
        host.url + "/api/verifiers",
        json={"verifiers": new_verifiers},
        headers={**first.auth, "If-Match": saved.headers["ETag"]},
    )
    assert updated.status_code == 204, updated.text
    assert host.sign_in(first.account, duress_key).status_code == 200
    # Every other sign-in ended with the change; the one that made it goes on.
    assert second.get().status_code == 401
    assert first.get().status_code == 200

    # A backup made by the command line's format is pinned, and fetched back by anyone with its CID.
    with Wallet.open(wallet.directory, PASSPHRASE) as held:
        sealed = backup.seal(
            held.state.portable(), PASSPHRASE, identity.backup_key(held.state.master), LEVELS["minimum"]
        )
    pinned = host.http.post(host.url + "/api/backups", content=sealed, headers={**first.auth, **OCTETS})
    assert pinned.status_code == 201, pinned.text
    cid = pinned.json()["cid"]
    fetched = host.post("/api/backups/fetch", {"cid": cid})
    assert fetched.status_code == 200
    assert fetched.content == sealed
    restored = backup.open_with_passphrase(fetched.content, PASSPHRASE, [LEVELS["minimum"]])
    assert restored["master"]

    # Signing out ends that token only.
    third = Account(host, first.account, host.sign_in(first.account, wallet.login).json()["token"])
    out = host.http.delete(host.url + "/api/session", headers=third.auth)
    assert out.status_code == 204
    assert third.get().status_code == 401

    # Deleting the account removes the file, the sign-ins and the backup.
    gone = host.http.delete(host.url + "/api/account", headers=first.auth)
    assert gone.status_code == 204, gone.text
    assert first.get().status_code == 401
    assert host.sign_in(first.account, wallet.login).status_code == 401
    fake = unb64u(host.post("/api/header", {"account": first.account}).json()["header"])
    assert fake != header
    assert len(fake) == HEADER_SIZE
    assert host.post("/api/backups/fetch", {"cid": cid}).status_code == 404


def test_a_new_account_has_no_file_until_the_first_upload(host: Host) -> None:
    created = host.post("/api/accounts", {"verifiers": [b64u(os.urandom(32)) for _ in range(3)]})
    account = Account(host, created.json()["account"], created.json()["token"])
    assert account.get().status_code == 404
    assert account.put(bytes(FILE_SIZE), {"If-Match": '"0"'}).status_code in (412, 415)


def _sealed(wallet_dir: Path) -> bytes:
    with Wallet.open(wallet_dir, PASSPHRASE) as held:
        return backup.seal(
            held.state.portable(), PASSPHRASE, identity.backup_key(held.state.master), LEVELS["minimum"]
        )


def _pin(host: Host, account: Account, sealed: bytes) -> str:
    answer = host.http.post(host.url + "/api/backups", content=sealed, headers={**account.auth, **OCTETS})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["cid"])


def test_an_account_keeps_its_newest_backups(host: Host, tmp_path: Path) -> None:
    wallet = made_wallet(tmp_path / "phone")
    account = host.create(wallet)
    cids = [_pin(host, account, _sealed(wallet.directory)) for _ in range(KEPT + 1)]
    assert len(set(cids)) == KEPT + 1
    assert host.post("/api/backups/fetch", {"cid": cids[0]}).status_code == 404
    assert not host.store.has(CID.parse(cids[0]))  # its blocks are gone from the host's disk
    for cid in cids[1:]:
        assert host.post("/api/backups/fetch", {"cid": cid}).status_code == 200


def test_deleting_an_account_leaves_what_others_pinned(host: Host, tmp_path: Path, database_url: str) -> None:
    wallet = made_wallet(tmp_path / "phone")
    mine, theirs = host.create(wallet), host.create(made_wallet(tmp_path / "other"))
    shared = _sealed(wallet.directory)
    only_mine = _sealed(wallet.directory)
    cid = _pin(host, mine, shared)
    assert _pin(host, theirs, shared) == cid  # a copy fetched by CID and pinned again
    mine_only = _pin(host, mine, only_mine)
    # Something else (the command line sharing this store) pinned this one before the account did.
    foreign_bytes = _sealed(wallet.directory)
    foreign = host.store.put(BlockReader([foreign_bytes]))
    assert _pin(host, mine, foreign_bytes) == str(foreign)

    assert host.http.delete(host.url + "/api/account", headers=mine.auth).status_code == 204
    assert host.post("/api/backups/fetch", {"cid": cid}).content == shared
    assert host.post("/api/backups/fetch", {"cid": str(foreign)}).content == foreign_bytes
    assert host.post("/api/backups/fetch", {"cid": mine_only}).status_code == 404
    # Nothing of the deleted account is left in any table.
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(AccountRow)) == 1
            assert connection.scalar(select(func.count()).select_from(WalletFileRow)) == 1
            assert connection.scalar(select(func.count()).select_from(SignIn)) == 1
            assert list(connection.scalars(select(BackupRow.cid))) == [cid]
    finally:
        engine.dispose()


def test_expired_sign_ins_and_ended_counters_are_purged(host: Host, tmp_path: Path) -> None:
    account = host.create(made_wallet(tmp_path / "phone"))
    assert host.sign_in(account.account, os.urandom(32)).status_code == 401
    accounts = host.app.state.host.accounts
    now = int(time.time())
    assert accounts.purge(now) == 0
    removed = accounts.purge(now + max(host.settings.session_seconds, host.settings.rate_window_seconds) + 1)
    # The sign-in, and the counters of creations and sign-ins by address and of sign-ins to the account.
    assert removed == 4
    assert account.get().status_code == 401


def test_one_passphrase_changes_and_the_duress_one_still_signs_in(host: Host, tmp_path: Path) -> None:
    """``PUT /api/verifier``: the old passphrase's verifier becomes the new one's where it stands; the
    duress passphrase's stays. Refused: an old verifier the account does not have (what a session
    opened with the duress passphrase could only guess), a new one it already has, no If-Match, a
    stale one."""
    wallet = made_wallet(tmp_path / "phone", duress=DURESS)
    first = host.create(wallet)
    header = wallet.file[:HEADER_SIZE]
    duress_key = login_key(header, DURESS)
    both = host.http.put(
        host.url + "/api/verifiers",
        json={"verifiers": wallet.verifiers(duress_key)},
        headers={**first.auth, "If-Match": first.etag},
    )
    assert both.status_code == 204, both.text
    other = Account(host, first.account, host.sign_in(first.account, duress_key).json()["token"])
    new_key = os.urandom(32)  # the new passphrase's login key (the app derives it; any 32 bytes here)

    def swap(old: str, new: str, headers: dict[str, str]) -> int:
        answer = host.http.put(
            host.url + "/api/verifier", json={"old": old, "new": new}, headers={**first.auth, **headers}
        )
        return answer.status_code

    guessed = verifier(os.urandom(32))
    assert swap(guessed, verifier(new_key), {"If-Match": first.etag}) == 409
    assert swap(verifier(wallet.login), verifier(duress_key), {"If-Match": first.etag}) == 409
    assert swap(verifier(wallet.login), verifier(new_key), {}) == 428
    assert swap(verifier(wallet.login), verifier(new_key), {"If-Match": '"stale"'}) == 412
    assert host.sign_in(first.account, new_key).status_code == 401  # nothing changed so far

    assert swap(verifier(wallet.login), verifier(new_key), {"If-Match": first.etag}) == 204
    assert host.sign_in(first.account, new_key).status_code == 200
    assert host.sign_in(first.account, wallet.login).status_code == 401
    assert host.sign_in(first.account, duress_key).status_code == 200
    assert other.get().status_code == 401  # every other sign-in ended
    assert first.get().status_code == 200
