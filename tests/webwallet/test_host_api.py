"""The host's API (WEBWALLET-PROTOCOL.md) through a whole story, with a wallet made by the command
line, on SQLite and PostgreSQL: create, header, sign in from a "new device", read, replace with
versions, change verifiers, back up and fetch, sign out, delete."""

from __future__ import annotations

import os
from pathlib import Path

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
)
from wallet import backup, identity
from wallet.container import FILE_SIZE
from wallet.header import SIZE as HEADER_SIZE
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
