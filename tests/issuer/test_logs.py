"""The service logs no names, DIDs, credential ids or proof values."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from issuer.settings import Settings
from tests.issuer.conftest import add_partner
from tests.issuer.payloads import PERSONAL, document_fields, issue_request, png
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


def test_document_logs_carry_no_cid_did_or_facts(
    client: TestClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    partner = add_partner(settings)
    with caplog.at_level(logging.DEBUG):
        answer = client.post(
            "/documents",
            data=document_fields(),
            files={"scan": ("scan.png", png(), "image/png")},
            headers=partner.headers,
        ).json()
        client.post(
            "/documents",
            data=document_fields(holder="did:web:someone.example"),
            files={"scan": ("scan.png", png(), "image/png")},
            headers=partner.headers,
        )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /documents 201" in logged
    assert "POST /documents 422" in logged
    forbidden = [
        *PERSONAL,
        partner.did,
        answer["cid"],
        answer["credential"]["id"],
        answer["sealedKeys"][0]["sealedKey"],
        "did:web:someone.example",
    ]
    for value in forbidden:
        assert value not in logged
