"""The service logs no names, DIDs, credential ids or proof values."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from issuer.settings import Settings
from tests.issuer.conftest import add_partner
from tests.issuer.payloads import PERSONAL, issue_request
from tests.issuer.test_isolation import status_change


def test_logs_carry_no_personal_data(
    client: TestClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    partner = add_partner(settings)
    with caplog.at_level(logging.DEBUG):
        credential = client.post("/credentials/issue", json=issue_request(), headers=partner.headers).json()
        client.post("/credentials/status", json=status_change(credential["id"]), headers=partner.headers)
        client.get(f"/credentials/{quote(credential['id'], safe='')}", headers=partner.headers)
        client.get(f"/partners/{partner.id}/did.json")
        client.post(
            "/credentials/issue", json=issue_request(issuer="did:web:other.example"), headers=partner.headers
        )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /credentials/issue 201" in logged
    assert "GET /credentials/{credential_id:path} 200" in logged
    forbidden = [
        *PERSONAL,
        partner.did,
        credential["id"],
        credential["proof"]["proofValue"],
        "did:web:other.example",
    ]
    for value in forbidden:
        assert value not in logged
