"""Idempotent document requests under way: a retry while the first is pinning waits (409), and a
reservation left by a request that never finished is taken over, so the retry is issued once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select, update

from issuer.documents import ABANDONED_AFTER
from issuer.models import Document, IssuedCredential
from nansen.ipfs import CID
from nansen.ipfs.importer import Readable
from tests.issuer.conftest import CountingStore, LiveServer, add_partner
from tests.issuer.payloads import document_fields, png


class GatedStore(CountingStore):
    """The first put waits at the gate (a request that is slow to pin); later ones go straight in."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.waiting = threading.Event()
        self.gate = threading.Event()
        self._first = True

    def put(self, stream: Readable) -> CID:
        first, self._first = self._first, False
        if first:
            self.waiting.set()
            self.gate.wait(timeout=60)
        return super().put(stream)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GatedStore]:
    gated = GatedStore(tmp_path / "ipfs")
    yield gated
    gated.gate.set()


def count(engine: Engine, model: type[object]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def test_retry_during_pinning_waits_and_abandoned_reservation_is_taken_over(
    live_server: LiveServer, store: GatedStore, engine: Engine
) -> None:
    partner = add_partner(live_server.settings)
    headers = {**partner.headers, "Idempotency-Key": "slow-upload"}
    scan = png(marker=b"slow")

    def send() -> httpx.Response:
        return httpx.post(
            f"{live_server.url}/documents",
            data=document_fields(),
            files={"scan": ("scan.png", scan, "image/png")},
            headers=headers,
            timeout=120,
        )

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(send)
        assert store.waiting.wait(timeout=60)
        retry = send()
        assert retry.status_code == 409
        assert retry.headers["retry-after"] == "5"

        long_ago = datetime.now(UTC) - ABANDONED_AFTER * 2
        with engine.begin() as connection:
            connection.execute(update(Document).values(started_at=long_ago))
        taken_over = send()
        assert taken_over.status_code == 201, taken_over.text

        store.gate.set()
        late = first.result()
    assert late.status_code == 409
    assert "taken over" in late.json()["detail"]
    again = send()
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == taken_over.json()
    assert count(engine, IssuedCredential) == count(engine, Document) == 1
    assert store.puts == 2  # the late request's ciphertext: pinned, but its key is gone with it
