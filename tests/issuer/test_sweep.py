"""Orphaned scans: a real ``nansen issuer serve`` killed (SIGKILL) in the middle of a burst of uploads
leaves ciphertexts pinned that no credential names; ``nansen issuer sweep`` unpins exactly those,
keeping what credentials name, what is too recent to judge and what is not an encrypted document."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import Engine, select

from issuer.models import Document
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.crypto import BlockReader, DocumentKey, Encryption
from nansen.ipfs import CID, EmbeddedStore
from tests.issuer.conftest import add_partner
from tests.issuer.payloads import document_fields, png
from tests.servers import free_port
from tests.workers import running_service

HOUR = 3600.0


def _encrypted(store: EmbeddedStore, data: bytes) -> CID:
    """A ciphertext pinned as an upload pins it (nansen.crypto's document format)."""
    with DocumentKey.generate() as key:
        encryption = Encryption(iter([data]), key)
        return store.put(BlockReader(encryption))


def _age(store: EmbeddedStore, cid: CID, seconds: float) -> None:
    pin = store.root / "pins" / str(cid)
    moment = time.time() - seconds
    os.utime(pin, (moment, moment))


def _named(engine: Engine, vault: Vault, pins: set[CID]) -> set[CID]:
    with engine.connect() as connection:
        macs = set(connection.scalars(select(Document.cid_mac).where(Document.cid_mac.is_not(None))))
    assert all(mac is not None for mac in macs)
    named = {cid for cid in pins if vault.mac("document-cid", str(cid).encode()) in macs}
    assert len(named) == len(macs), "a credential names a scan that is not pinned"
    return named


def test_sweep_after_a_kill_mid_burst_leaves_exactly_the_scans_credentials_name(
    settings: Settings, master_key: bytes, engine: Engine, tmp_path: Path
) -> None:
    partner = add_partner(settings)
    data = tmp_path / "data"
    environment = {
        "NANSEN_DATA_DIR": str(data),
        "NANSEN_ISSUER_DATABASE_URL": settings.database_url,
        "NANSEN_ISSUER_MASTER_KEY": master_key.hex(),
        "NANSEN_ISSUER_RATE_BURST": "100000",
        "NANSEN_ISSUER_RATE_PER_SECOND": "10000",
    }
    port = free_port()
    scan = png(width=900, height=900)  # large enough that a kill lands mid-upload now and then
    answered = []
    issued = threading.Event()
    with running_service("issuer", port, environment, tmp_path / "issuer.log") as process:

        def upload(_index: int) -> int | None:
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/documents",
                    data=document_fields(),
                    files={"scan": ("scan.png", scan, "image/png")},
                    headers=partner.headers,
                    timeout=60,
                )
            except httpx.HTTPError:
                return None  # the kill: no answer
            if answer.status_code == 201:
                issued.set()
            return answer.status_code

        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(upload, index) for index in range(40)]
            assert issued.wait(60)
            time.sleep(0.3)
            process.send_signal(signal.SIGKILL)
            answered = [future.result() for future in futures]
        process.wait()
    assert 201 in answered
    # The sweep the service ran at its start found nothing to do yet (and logged counts only).
    assert "Sweep of orphaned scans: 0 pinned:" in (tmp_path / "issuer.log").read_text()
    assert None in answered  # some uploads were cut off by the kill

    store = EmbeddedStore(data / "ipfs")
    vault = Vault(master_key)
    old_orphan = _encrypted(store, b"an upload killed two hours ago")
    _age(store, old_orphan, 2 * HOUR)
    new_orphan = _encrypted(store, b"an upload that may still be on its way")
    not_a_document = store.put(io.BytesIO(b"something else this store keeps"))
    _age(store, not_a_document, 2 * HOUR)
    pinned = set(store.pins())
    named = _named(engine, vault, pinned)
    killed_orphans = pinned - named - {old_orphan, new_orphan, not_a_document}

    def sweep(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "issuer", "sweep", *args],
            env={**os.environ, **environment},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    dry = sweep("--grace-minutes", "10", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.endswith(", 1 orphaned would be unpinned.\n")
    assert set(store.pins()) == pinned

    first = sweep("--grace-minutes", "10")
    assert first.returncode == 0, first.stderr
    assert first.stdout == (
        f"{len(pinned)} pinned: {len(named)} named by credentials, {len(killed_orphans) + 1} too recent to "
        "judge, 1 not encrypted documents, 1 orphaned unpinned.\n"
    )
    assert set(store.pins()) == pinned - {old_orphan}

    second = sweep("--grace-minutes", "0")
    assert second.returncode == 0, second.stderr
    assert set(store.pins()) == named | {not_a_document}
    for cid in named:
        assert store.stat(cid).pinned
    assert (
        str(old_orphan) not in first.stdout + first.stderr + second.stdout + second.stderr
    )  # counts only, never a CID
