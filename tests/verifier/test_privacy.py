"""No personal data at rest or in logs: after real verifications (the VC-API, the paste page, a
scanned picture, the original document opened), the database and the logs are searched for the
DIDs, the name, the document number, the proof values, the clear nonces and tickets, the CID and
the document key."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from nansen import multibase
from nansen.ipfs import EmbeddedStore
from nansen.qr import encode_presentation
from tests.helpers import HOLDER, ISSUED, PARTNER, presentation, signed_credential
from tests.verifier.issuing import presentation_at, store_document, trust_settings
from tests.verifier.pictures import camera_jpeg
from tests.verifier.support import one_way, service
from verifier.db import create_db_engine
from verifier.dependencies import get_store


def database_text(database_url: str, data_dir: Path) -> str:
    """Everything the database holds: the SQLite files' bytes, or every PostgreSQL row."""
    if database_url.startswith("sqlite"):
        files = sorted(data_dir.glob("verifier.sqlite3*"))
        assert files
        return "".join(path.read_bytes().decode("latin-1") for path in files)
    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = [
                repr(row)
                for table in inspect(engine).get_table_names()
                for row in connection.execute(text(f'SELECT * FROM "{table}"'))
            ]
    finally:
        engine.dispose()
    assert rows
    return "\n".join(rows)


def test_no_personal_data_in_the_database_or_the_logs(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    credential = signed_credential()
    secrets: list[str] = [
        HOLDER.controller.removeprefix("did:key:"),
        PARTNER.controller.removeprefix("did:key:"),
        "Amina",
        "Haddad",
        "N0123456",
        credential["proof"]["proofValue"],
    ]
    with service(database_url, tmp_path) as running:
        assert running.post("/credentials/verify", {"verifiableCredential": credential}).status_code == 200
        nonce = running.challenge()
        challenged = presentation(credential, challenge=nonce)
        assert running.verify_presentation(challenged, challenge=nonce).status_code == 200
        assert running.verify_presentation(challenged, challenge=nonce).status_code == 400
        scanned = one_way(credential)
        assert running.verify_presentation(scanned).status_code == 200
        assert running.verify_presentation(scanned).status_code == 400
        pasted = one_way(credential, moment=ISSUED + timedelta(seconds=1))
        page = running.client.post(running.url + "/verify-page", data={"text": json.dumps(pasted)})
        assert page.status_code == 200
        secrets += [nonce] + [vp["proof"]["proofValue"] for vp in (challenged, scanned, pasted)]
    stored = database_text(database_url, tmp_path)
    logs = caplog.text
    assert "A presentation was verified" in logs
    for secret in secrets:
        assert secret not in stored
        assert secret not in logs


def test_no_personal_data_from_scanning_or_opening_the_original(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = EmbeddedStore(tmp_path / "ipfs")
    stored = store_document(store)
    credential = signed_credential(related_resource=[stored.resource])
    with service(database_url, tmp_path, **trust_settings(tmp_path)) as running:
        running.app.dependency_overrides[get_store] = lambda: store
        vp = presentation_at(credential, running.clock.moment, access=stored.access(credential["id"]))
        text = encode_presentation(vp)
        picture = camera_jpeg(text)
        page = running.client.post(
            running.url + "/scan",
            content=picture,
            headers={"Content-Type": "image/jpeg", "Accept": "text/html"},
        )
        ticket = re.search(r'name="ticket" value="([^"]+)"', page.text)
        assert ticket
        opened = running.client.post(
            running.url + "/document", data={"ticket": ticket.group(1), "text": text}
        )
        assert opened.status_code == 200
        replayed = running.client.post(
            running.url + "/scan", files={"image": ("qr.jpg", picture, "image/jpeg")}
        )
        assert replayed.json()["verdict"] == "NOT VALID"
    secrets = [
        HOLDER.controller.removeprefix("did:key:"),
        PARTNER.controller.removeprefix("did:key:"),
        "Amina",
        "Haddad",
        "N0123456",
        credential["proof"]["proofValue"],
        vp["proof"]["proofValue"],
        str(stored.shared.cid),
        multibase.encode_base64url(stored.shared.key or b""),
        ticket.group(1),
        text[4:40],
    ]
    stored_text = database_text(database_url, tmp_path)
    logs = caplog.text
    for secret in secrets:
        assert secret not in stored_text
        assert secret not in logs
