"""No personal data at rest or in logs: after real verifications, the database and the logs are
searched for the DIDs, the name, the document number, the proof values and the clear nonces."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.helpers import HOLDER, PARTNER, presentation, signed_credential
from tests.verifier.support import service
from verifier.db import create_db_engine


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
        one_way = presentation(credential, challenge="wallet-chosen")
        assert running.verify_presentation(one_way).status_code == 200
        assert running.verify_presentation(one_way).status_code == 400
        pasted = presentation(credential, challenge="pasted")
        page = running.client.post(running.url + "/verify-page", data={"text": json.dumps(pasted)})
        assert page.status_code == 200
        secrets += [nonce] + [vp["proof"]["proofValue"] for vp in (challenged, one_way, pasted)]
    stored = database_text(database_url, tmp_path)
    logs = caplog.text
    assert "A presentation was verified" in logs
    for secret in secrets:
        assert secret not in stored
        assert secret not in logs
