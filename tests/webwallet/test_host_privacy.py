"""What the host receives, keeps and logs (issue #14, "Shape"): a story through the API with a
wallet made by the command line holding a credential; then every request the host received is
searched for the passphrase, the slot key, the holder DID, the credential and its facts; every
database row and every file it wrote for those and the login key; and its logs for the account,
the tokens, the CIDs and the wallet file."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from nansen.verify import Verifier
from tests.wallet.issuing import credential
from tests.webwallet.host_support import (
    DURESS,
    OCTETS,
    PASSPHRASE,
    Account,
    Host,
    b64u,
    made_wallet,
    running_host,
)
from wallet import Issuance, backup, identity
from wallet.header import Header
from wallet.kdf import LEVELS
from wallet.wallet import Wallet

FACTS = ("Amina", "Haddad", "N0123456")


def _story(host: Host, phone: Path) -> dict[str, bytes]:
    """Create, upload, sign in again, save, change verifiers, back up, fetch; the secrets involved."""
    wallet = made_wallet(phone, duress=DURESS)
    with Wallet.open(phone, PASSPHRASE) as held:
        received = held.receive(Issuance.from_json(credential(held.did)), Verifier())
        did = held.did
        document = json.dumps(received.held.credential, separators=(",", ":"))
        sealed = backup.seal(
            held.state.portable(), PASSPHRASE, identity.backup_key(held.state.master), LEVELS["minimum"]
        )
    header = Header.parse(wallet.file, b"NSWALLET", 3)
    assert header is not None
    slot_key = header.key_for(PASSPHRASE)
    account = host.create(wallet)
    again = host.sign_in(account.account, wallet.login)
    assert again.status_code == 200, again.text
    second = Account(host, account.account, again.json()["token"], account.etag)
    assert second.get().content == wallet.file
    with Wallet.open(phone, PASSPHRASE) as held:
        held.save()
    saved = second.put(wallet.file, {"If-Match": account.etag})
    assert saved.status_code == 204, saved.text
    changed = host.http.put(
        host.url + "/api/verifiers",
        json={"verifiers": wallet.verifiers()},
        headers={**second.auth, "If-Match": saved.headers["ETag"]},
    )
    assert changed.status_code == 204, changed.text
    pinned = host.http.post(host.url + "/api/backups", content=sealed, headers={**second.auth, **OCTETS})
    assert pinned.status_code == 201, pinned.text
    cid = pinned.json()["cid"]
    assert host.post("/api/backups/fetch", {"cid": cid}).content == sealed
    return {
        "passphrase": PASSPHRASE.encode(),
        "duress passphrase": DURESS.encode(),
        "slot key": slot_key,
        "login key": wallet.login,
        "holder DID": did.encode(),
        "credential": document.encode(),
        "proof value": received.held.credential["proof"]["proofValue"].encode(),
        **{f"fact {fact}": fact.encode() for fact in FACTS},
        # What may be stored, but never logged:
        "account": account.account.encode(),
        "token": account.token.encode(),
        "second token": second.token.encode(),
        "CID": cid.encode(),
        "container": base64.b64encode(wallet.file[40:100]),
        "container (base64url)": b64u(wallet.file[40:100]).encode(),
    }


NEVER_STORED = (
    "passphrase",
    "duress passphrase",
    "slot key",
    "login key",
    "holder DID",
    "credential",
    "proof value",
    *(f"fact {fact}" for fact in FACTS),
)


def _forms(secret: bytes) -> Iterator[bytes]:
    """A secret as raw bytes and as the texts it could have been written in."""
    yield secret
    yield secret.hex().encode()
    yield base64.b64encode(secret).rstrip(b"=")
    yield b64u(secret).encode()


def _rows(database_url: str) -> bytes:
    engine = create_engine(database_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        dumped = []
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                for row in connection.execute(select(table)):
                    for value in row:
                        dumped.append(value if isinstance(value, bytes) else str(value).encode())
        return b"\0".join(dumped)
    finally:
        engine.dispose()


def _files(directory: Path) -> bytes:
    return b"\0".join(path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file())


def test_the_host_stores_and_logs_nothing_it_must_not(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "host"
    data.mkdir()
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{data / 'host.sqlite3'}"
    caplog.set_level(logging.DEBUG)
    with running_host(database_url, data) as host:
        secrets = _story(host, tmp_path / "phone")
        received = b"\0".join(host.received)
    # The app sends the login key (to sign in) and nothing else it derives; never what opens the wallet.
    assert b64u(secrets["login key"]).encode() in received
    for name in NEVER_STORED:
        if name != "login key":
            for form in _forms(secrets[name]):
                assert form not in received, f"the host received the {name}"
    stored = _rows(database_url) + b"\0" + _files(data)
    # The dump holds what the host must keep: the backup's CID (a row) and the wallet file (a row).
    assert secrets["CID"] in stored
    assert base64.b64decode(secrets["container"]) in stored
    for name in NEVER_STORED:
        for form in _forms(secrets[name]):
            assert form not in stored, f"the host stored the {name}"
    access = [record.getMessage() for record in caplog.records if record.name == "wallet.host.access"]
    assert "PUT /api/container 204" in "\n".join(access)
    logged = "\n".join(record.getMessage() for record in caplog.records).encode()
    for name, secret in secrets.items():
        for form in _forms(secret):
            assert form not in logged, f"the {name} was logged"
