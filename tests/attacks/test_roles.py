# ruff: noqa: F811  (the issuer's fixtures are imported, and named as parameters)
"""Attacks on the roles' own state (issue 9): the audit chain, console sessions, the wallet's
forgotten keys and backups on the device, and file permissions. Each test sends the attack through
the CLI or the running service and checks the refusal."""

from __future__ import annotations

import json
import os
import re
import stat
import struct
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from issuer.audit import GENESIS
from issuer.db import make_engine
from nansen.crypto import BlockReader, DocumentKey, Encryption
from nansen.crypto.stream import PREFIX
from nansen.ipfs import CID, EmbeddedStore, dagpb
from tests.conftest import REPO
from tests.issuer.conftest import (  # noqa: F401  (fixtures)
    LiveServer,
    add_partner,
    database_url,
    live_server,
    master_key,
    postgres_admin,
    settings,
    store,
)
from tests.issuer.test_cli import env  # noqa: F401  (fixture: the issuer command's environment)
from tests.issuer.test_cli import run as run_issuer
from tests.wallet.cli import run as wallet_run
from tests.wallet.conftest import DURESS, PASSPHRASE
from tests.wallet.issuing import issuance
from wallet.kdf import LEVELS

# -- the audit chain ----------------------------------------------------------------------------


def _issuer(env: dict[str, str], *args: str) -> tuple[int, str]:
    """The issuer's command, as `tests.issuer.test_cli` runs it; what it printed, both streams."""
    code, out, err = run_issuer(env, *args)
    return code, out + err


def _tamper(database_url: str, *statements: str) -> None:
    """What someone with the database's owner rights (and not the master key) can do."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.execute(text("DROP TRIGGER issuer_audit_log_no_delete"))
            else:
                connection.execute(text("DROP TRIGGER issuer_audit_log_append_only ON issuer_audit_log"))
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def _three_entries(env: dict[str, str], database_url: str) -> list[str]:
    for name in ("One", "Two", "Three"):
        assert _issuer(env, "partner", "add", name)[0] == 0
    engine = make_engine(database_url)
    with engine.connect() as connection:
        hashes = list(connection.execute(text("SELECT hash FROM issuer_audit_log ORDER BY seq")).scalars())
    engine.dispose()
    assert _issuer(env, "audit", "verify") == (0, "3 entries checked. The audit chain is intact.\n")
    return hashes


def test_cutting_the_log_and_rewinding_the_head_is_found(env: dict[str, str], database_url: str) -> None:
    hashes = _three_entries(env, database_url)
    _tamper(
        database_url,
        "DELETE FROM issuer_audit_log WHERE seq = 3",
        f"UPDATE issuer_audit_head SET seq = 2, hash = '{hashes[1]}'",
    )
    code, out = _issuer(env, "audit", "verify")
    assert code == 1
    assert "head was altered" in out


def test_deleting_the_whole_log_and_resetting_the_head_is_found(
    env: dict[str, str],
    database_url: str,
) -> None:
    _three_entries(env, database_url)
    _tamper(
        database_url,
        "DELETE FROM issuer_audit_log",
        f"UPDATE issuer_audit_head SET seq = 0, hash = '{GENESIS}'",
    )
    code, out = _issuer(env, "audit", "verify")
    assert code == 1
    assert "0 entries checked" in out
    assert "head was altered" in out


def test_removing_the_heads_seal_is_found(env: dict[str, str], database_url: str) -> None:
    _three_entries(env, database_url)
    _tamper(
        database_url, "DELETE FROM issuer_audit_log WHERE seq = 3", "UPDATE issuer_audit_head SET seal = NULL"
    )
    assert _issuer(env, "audit", "verify")[0] == 1
    # `migrate` (idempotent) must not seal a head it did not just introduce the seal for.
    assert _issuer(env, "migrate")[0] == 0
    assert _issuer(env, "audit", "verify")[0] == 1


def test_an_empty_log_verifies_after_migrate(tmp_path: Path, master_key: bytes) -> None:
    env = {
        "NANSEN_DATA_DIR": str(tmp_path / "data"),
        "NANSEN_ISSUER_MASTER_KEY": master_key.hex(),
        "NANSEN_ISSUER_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
    }
    assert _issuer(env, "migrate")[0] == 0
    assert _issuer(env, "audit", "verify") == (0, "0 entries checked. The audit chain is intact.\n")


# -- console sessions ---------------------------------------------------------------------------


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_a_cookie_copied_before_sign_out_opens_nothing_after(live_server: LiveServer) -> None:
    partner = add_partner(live_server.settings)
    with httpx.Client(base_url=live_server.url, timeout=30) as browser:
        token = _csrf(browser.get("/console/sign-in").text)
        signed = browser.post("/console/sign-in", data={"csrf": token, "api_key": partner.api_key})
        assert signed.status_code == 303
        stolen = browser.cookies["nansen_console"]
        assert browser.get("/console/credentials").status_code == 200
        page = browser.get("/console/credentials").text
        out = browser.post("/console/sign-out", data={"csrf": _csrf(page)})
        assert out.status_code == 303
    with httpx.Client(base_url=live_server.url, timeout=30) as attacker:
        attacker.cookies.set("nansen_console", stolen, path="/console")
        replayed = attacker.get("/console/credentials")
        assert replayed.status_code == 303
        assert replayed.headers["location"].endswith("/console/sign-in")
        listed = attacker.get("/console/onboard")
        assert listed.status_code == 303


# -- the wallet: forgotten keys must not come back from the device's own store -------------------

_BACKUP_CID = re.compile(r"Backup CID: (\S+)")


@pytest.fixture
def phone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A wallet made with `nansen wallet init`, its store the embedded one in NANSEN_DATA_DIR."""
    monkeypatch.setenv("NANSEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NANSEN_WALLET_KDF", "minimum")
    monkeypatch.setenv("NANSEN_WALLET_DIR", str(tmp_path / "phone"))
    for name in ("NANSEN_IPFS_API", "NANSEN_IPFS_PINNING_URL", "NANSEN_IPFS_REPLICAS"):
        monkeypatch.delenv(name, raising=False)
    assert wallet_run("init", "--no-recovery", passphrase=PASSPHRASE).exit_code == 0
    return tmp_path / "data"


def _receive_one(tmp_path: Path, data: Path) -> str:
    did = wallet_run("did", passphrase=PASSPHRASE).output.strip()
    issued = tmp_path / "issued.json"
    issued.write_text(json.dumps(issuance(did, EmbeddedStore(data / "ipfs"))))
    assert wallet_run("receive", str(issued), passphrase=PASSPHRASE).exit_code == 0
    return str(json.loads(wallet_run("list", "--json", passphrase=PASSPHRASE).output)[0]["id"])


def test_forget_then_recovering_the_old_backup_on_the_device_fails(phone: Path, tmp_path: Path) -> None:
    ident = _receive_one(tmp_path, phone)
    made = wallet_run("backup", passphrase=PASSPHRASE)
    old = _BACKUP_CID.search(made.output)
    assert old is not None
    assert (
        wallet_run(
            "recover", "--cid", old[1], "--wallet", str(tmp_path / "before"), passphrase=PASSPHRASE
        ).exit_code
        == 0
    )

    forgotten = wallet_run("forget", ident, "--yes", passphrase=PASSPHRASE)
    assert forgotten.exit_code == 0, forgotten.output
    assert "Destroyed: 1 credential(s) and their document keys" in forgotten.output
    # (the document itself was pinned by its issuer into this same store, so the wallet leaves it be)
    assert "1 earlier backup(s) and 0 encrypted document(s)" in forgotten.output
    assert "still opens with your passphrase or guardian shares" in forgotten.stderr
    replaced = wallet_run("backup", "--replace", passphrase=PASSPHRASE)
    assert replaced.exit_code == 0, replaced.output
    assert "earlier backup(s) were unpinned and deleted from this device's store" in replaced.output

    again = wallet_run("recover", "--cid", old[1], "--wallet", str(tmp_path / "after"), passphrase=PASSPHRASE)
    assert again.exit_code != 0
    assert "No backup with this CID can be found" in again.stderr
    device = EmbeddedStore(phone / "ipfs")
    assert not device.has(CID.parse(old[1]))
    # Nothing unpinned is left on the device to collect.
    assert CID.parse(old[1]) not in set(device.pins())
    assert device.gc() == 0


# -- file permissions -----------------------------------------------------------------------------


def test_everything_the_roles_create_is_the_owners_only(tmp_path: Path) -> None:
    """Run each role's commands as a person would, in fresh processes with a permissive umask, then
    look at every file and directory under the data directory."""
    data = tmp_path / "data"
    env = {
        "PATH": os.environ["PATH"],
        "NANSEN_DATA_DIR": str(data),
        "NANSEN_ISSUER_DATABASE_URL": f"sqlite:///{data / 'issuer' / 'issuer.db'}",
        "NANSEN_ISSUER_PUBLIC_HOST": "issuer.example",
        "NANSEN_VERIFIER_DATABASE_URL": f"sqlite:///{data / 'verifier' / 'verifier.db'}",
        "NANSEN_WALLET_DIR": str(data / "phone"),
        "NANSEN_WALLET_KDF": "minimum",
        "NANSEN_WALLET_PASSPHRASE": PASSPHRASE,
    }
    for command in (
        ["issuer", "migrate"],
        ["issuer", "partner", "add", "Shelter"],
        ["verifier", "migrate"],
        ["wallet", "init", "--no-recovery"],
        ["wallet", "backup"],
    ):
        # The `nansen` command, after a umask that would leave files readable by everyone.
        script = f"import os, sys; os.umask(0o022); sys.argv = {['nansen', *command]!r}; from nansen.cli.main import run; run()"
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (command, done.stderr)
    seen = {path.relative_to(data).as_posix(): stat.S_IMODE(path.stat().st_mode) for path in data.rglob("*")}
    assert {"issuer/issuer.db", "issuer/master.key", "verifier/verifier.db", "phone/wallet"} <= set(seen)
    assert any(name.startswith("ipfs/blocks/") for name in seen)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    opened = {
        name: oct(mode) for name, mode in seen.items() if mode != (0o700 if (data / name).is_dir() else 0o600)
    }
    assert opened == {}


# -- the wallet: a decoy session must not find the real wallet's backups on disk -----------------


def test_nothing_on_disk_tells_a_backup_from_an_encrypted_document(phone: Path, tmp_path: Path) -> None:
    """What a coercer shown the decoy wallet can do: read every file of the device's IPFS store."""
    _receive_one(tmp_path, phone)
    real = _BACKUP_CID.search(wallet_run("backup", passphrase=PASSPHRASE).output)
    assert real is not None
    set_duress = wallet_run("duress", passphrase=PASSPHRASE, NANSEN_WALLET_DURESS_PASSPHRASE=DURESS)
    assert set_duress.exit_code == 0, set_duress.output
    decoy = _BACKUP_CID.search(wallet_run("backup", passphrase=DURESS).output)
    assert decoy is not None
    device = EmbeddedStore(phone / "ipfs")
    # A scan of the size a backup is shaped as (5 chunks), encrypted as the issuer does.
    with DocumentKey.generate() as key:
        scan = device.put(BlockReader(Encryption([b"%PDF-1.7 a long scan " * 14_000], key)))

    files = [path for path in device.root.rglob("*") if path.is_file()]
    assert len(files) > 6
    costs = [struct.pack(">IQ", cost.opslimit, cost.memlimit) for cost in LEVELS.values()]
    for path in files:
        content = path.read_bytes()
        assert b"NSBACKUP" not in content, path
        assert not any(cost in content for cost in costs), path
        assert b"NSBACKUP" not in path.name.encode()

    def shape(cid: CID) -> tuple[list[int], bytes]:
        """The sizes of the DAG's blocks, and how its first leaf (the file's first bytes) starts."""
        blocks = [block.data for block in device.blocks(cid)]
        return [len(block) for block in blocks], blocks[1][: len(PREFIX) + 2]

    assert shape(CID.parse(real[1]))[0] == shape(CID.parse(decoy[1]))[0] == shape(scan)[0]
    assert {shape(CID.parse(c))[1][: len(PREFIX)] for c in (real[1], decoy[1], str(scan))} == {PREFIX}
    roots = [
        dagpb.decode(next(iter(device.blocks(CID.parse(c)))).data) for c in (real[1], decoy[1], str(scan))
    ]
    # The roots differ only in their links' CIDs (random content): sizes and UnixFS data are the same.
    assert len({(root.data, tuple((link.name, link.tsize) for link in root.links)) for root in roots}) == 1
