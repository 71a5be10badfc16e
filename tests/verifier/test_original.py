"""The original document: offered only for a valid presentation that carries the holder's capability,
opened once with the page's ticket (fetched by CID, decrypted, checked against the credential's
digest), shown in memory with nothing stored or cached; every refusal."""

from __future__ import annotations

import base64
import re
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from nansen.capability import SharedDocument
from nansen.crypto import DocumentKey
from nansen.crypto.digest import Digest
from nansen.crypto.recipients import Recipient, seal
from nansen.ipfs import EmbeddedStore, Retry, RpcStore
from nansen.qr import encode_presentation
from tests.helpers import STRANGER, signed_credential
from tests.verifier.issuing import StoredDocument, presentation_at, store_document, trust_settings
from tests.verifier.pictures import camera_jpeg
from tests.verifier.support import Service, service, sqlite_url
from verifier import replay
from verifier.dependencies import get_store
from verifier.pages.render import CATALOGUES


@dataclass
class Documents:
    running: Service
    store: EmbeddedStore
    directory: Path

    def offer(self, vp: dict[str, Any]) -> httpx.Response:
        """The verdict page for a scan of the presentation's QR code."""
        return self.running.client.post(
            self.running.url + "/scan",
            content=camera_jpeg(encode_presentation(vp)),
            headers={"Content-Type": "image/jpeg", "Accept": "text/html"},
        )

    def open(self, ticket: str, text: str) -> httpx.Response:
        return self.running.client.post(self.running.url + "/document", data={"ticket": ticket, "text": text})


@pytest.fixture
def documents(tmp_path: Path) -> Iterator[Documents]:
    store = EmbeddedStore(tmp_path / "ipfs")
    with service(sqlite_url(tmp_path), tmp_path, **trust_settings(tmp_path)) as running:
        running.app.dependency_overrides[get_store] = lambda: store
        yield Documents(running, store, tmp_path)


def shared_presentation(
    documents: Documents, stored: StoredDocument, shared: SharedDocument | None = None
) -> dict[str, Any]:
    resource = {**stored.resource, "digestMultibase": (shared or stored.shared).digest_multibase}
    credential = signed_credential(related_resource=[resource])
    access = StoredDocument(shared or stored.shared, stored.plaintext).access(credential["id"])
    return presentation_at(credential, documents.running.clock.moment, access=access)


def ticket_in(page: httpx.Response) -> tuple[str, str]:
    found = re.search(
        r'name="ticket" value="([^"]+)">\s*<input type="hidden" name="text" value="([^"]+)"', page.text
    )
    assert found, page.text
    return found.group(1), found.group(2)


def files_under(directory: Path) -> set[Path]:
    return {p for p in directory.rglob("*") if p.is_file() and "verifier.sqlite3" not in p.name}


def test_the_original_opens_once_and_nothing_is_kept(
    documents: Documents, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = store_document(documents.store)
    page = documents.offer(shared_presentation(documents, stored))
    assert 'data-verdict="VALID"' in page.text
    ticket, text = ticket_in(page)
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    before = files_under(documents.directory)
    opened = documents.open(ticket, text)
    assert opened.status_code == 200, opened.text
    assert opened.headers["cache-control"] == "no-store"
    assert "img-src data:;" in opened.headers["content-security-policy"]
    shown = re.search(r'<img src="data:image/png;base64,([^"]+)"', opened.text)
    assert shown
    assert base64.b64decode(shown.group(1)) == stored.plaintext
    assert files_under(documents.directory) == before
    assert list(temporary.iterdir()) == []
    again = documents.open(ticket, text)
    assert again.status_code == 410
    assert CATALOGUES.entries["en"]["original.used"] in again.text


def test_a_ticket_opens_only_its_own_presentation(documents: Documents) -> None:
    stored = store_document(documents.store)
    ticket, _text = ticket_in(documents.offer(shared_presentation(documents, stored)))
    other = encode_presentation(shared_presentation(documents, stored))
    assert documents.open(ticket, other).status_code == 410
    _ticket, text = ticket_in(documents.offer(shared_presentation(documents, stored)))
    assert documents.open("forged-ticket", text).status_code == 410


def test_a_ticket_expires(documents: Documents) -> None:
    stored = store_document(documents.store)
    ticket, text = ticket_in(documents.offer(shared_presentation(documents, stored)))
    documents.running.clock.advance(documents.running.settings.document_ttl_seconds + 1)
    assert documents.open(ticket, text).status_code == 410


def test_no_original_is_offered_unless_the_presentation_is_valid(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ipfs")
    with service(sqlite_url(tmp_path), tmp_path) as running:  # no trust list: cannot confirm
        unconfirmed = Documents(running, store, tmp_path)
        page = unconfirmed.offer(shared_presentation(unconfirmed, store_document(store)))
        assert 'data-verdict="CANNOT CONFIRM"' in page.text
        assert 'name="ticket"' not in page.text


def test_no_original_is_offered_without_a_capability(documents: Documents) -> None:
    page = documents.offer(presentation_at(signed_credential(), documents.running.clock.moment))
    assert 'data-verdict="VALID"' in page.text
    assert "Original document" not in page.text


def test_a_key_sealed_to_another_verifier_cannot_be_used_here(documents: Documents) -> None:
    stored = store_document(documents.store)
    with DocumentKey(stored.shared.key or b"") as key:
        sealed = seal(key, [Recipient.from_did(STRANGER.controller)])[0]
    page = documents.offer(
        shared_presentation(documents, stored, replace(stored.shared, key=None, sealed_key=sealed))
    )
    assert 'data-verdict="VALID"' in page.text
    assert 'name="ticket"' not in page.text
    assert CATALOGUES.entries["en"]["original.sealed"].replace("'", "&#39;") in page.text


def test_a_capability_for_another_document_is_not_offered(documents: Documents) -> None:
    stored, other = (
        store_document(documents.store),
        store_document(documents.store, b"\x89PNG\r\n\x1a\nother"),
    )
    credential = signed_credential(related_resource=[stored.resource])
    vp = presentation_at(credential, documents.running.clock.moment, access=other.access(credential["id"]))
    page = documents.offer(vp)
    assert 'data-verdict="VALID"' in page.text
    assert 'name="ticket"' not in page.text
    assert CATALOGUES.entries["en"]["original.malformed"].replace("'", "&#39;") in page.text


def digest_of(data: bytes) -> str:
    digest = Digest()
    digest.update(data)
    return digest.multibase


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def corrupt(store: EmbeddedStore) -> None:
    for block in (store.root / "blocks").rglob("*"):
        if block.is_file():
            data = bytearray(block.read_bytes())
            data[-1] ^= 1
            block.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("case", "status", "kind"),
    [
        ("missing", 404, "not-found"),
        ("store unreachable", 503, "store-unavailable"),
        ("altered", 502, "altered"),
        ("wrong digest", 422, "digest"),
        ("wrong key", 422, "undecryptable"),
        ("not a picture", 415, "not-a-picture"),
        ("too large", 413, "too-large"),
    ],
)
def test_an_original_that_cannot_be_shown_is_refused(
    tmp_path: Path, case: str, status: int, kind: str
) -> None:
    store = EmbeddedStore(tmp_path / "ipfs")
    limit = 100 if case == "too large" else 20_000_000
    with service(
        sqlite_url(tmp_path), tmp_path, max_original_bytes=limit, **trust_settings(tmp_path)
    ) as running:
        documents = Documents(running, store, tmp_path)
        stored = store_document(EmbeddedStore(tmp_path / "elsewhere") if case == "missing" else store)
        if case == "not a picture":
            stored = store_document(store, b"%PDF-1.7 a scan kept as a PDF")
        shared = {
            "wrong digest": replace(stored.shared, digest_multibase=digest_of(b"another scan")),
            "wrong key": replace(stored.shared, key=bytes(32)),
        }.get(case, stored.shared)
        if case == "altered":
            corrupt(store)
        reading = (
            RpcStore(f"http://127.0.0.1:{closed_port()}", timeout=2, retry=Retry(1))
            if case == "store unreachable"
            else store
        )
        running.app.dependency_overrides[get_store] = lambda: reading
        opened = documents.open(*ticket_in(documents.offer(shared_presentation(documents, stored, shared))))
        assert opened.status_code == status
        assert f'data-problem="{kind}"' in opened.text
        assert "<img" not in opened.text
        assert opened.headers["cache-control"] == "no-store"


def test_a_presentation_that_no_longer_verifies_is_not_opened(documents: Documents) -> None:
    vp = shared_presentation(documents, store_document(documents.store))
    vp["verifiableCredential"][0]["credentialSubject"]["identityDocument"]["givenName"] = "Mallory"
    moment = documents.running.clock.moment
    with documents.running.app.state.services.sessions() as session:
        ticket = replay.issue_ticket(session, replay.presentation_digest(vp), moment, timedelta(minutes=5))
    opened = documents.open(ticket, encode_presentation(vp))
    assert opened.status_code == 400
    assert 'data-problem="not-valid"' in opened.text


@pytest.mark.parametrize("text", ["", "NV1:%%%", '{"type": "VerifiableCredential"}', "[1, 2]"])
def test_unreadable_text_opens_nothing(documents: Documents, text: str) -> None:
    opened = documents.open("ticket", text)
    assert opened.status_code == 400
    assert 'data-problem="malformed"' in opened.text


def test_every_kind_of_refusal_is_in_both_catalogues() -> None:
    kinds = {"malformed", "sealed", "used", "not-valid", "not-found", "altered", "store-unavailable"}
    kinds |= {"digest", "undecryptable", "not-a-picture", "too-large"}
    for entries in CATALOGUES.entries.values():
        assert {f"original.{kind}" for kind in kinds} <= set(entries)
