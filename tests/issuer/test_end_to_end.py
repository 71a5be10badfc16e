"""The service as partners and verifiers meet it: a real uvicorn server on loopback, real databases."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import Engine, func, select

from issuer.models import Document, IssuedCredential
from nansen.did.resolver import Resolver
from nansen.did.web import did_to_url
from nansen.ipfs import CID
from nansen.verify import StaticStatusLists, Verifier
from tests.issuer.conftest import CountingStore, LiveServer, add_partner
from tests.issuer.payloads import document_fields, issue_request, png
from tests.issuer.test_isolation import status_change

CONCURRENT = 50


def fetch_json(http: httpx.Client, server: LiveServer, public_url: str) -> Any:
    response = http.get(server.local(public_url))
    assert response.status_code == 200, response.text
    return response.json()


def verifier_for(http: httpx.Client, server: LiveServer, credential: dict[str, Any]) -> Verifier:
    """A verifier that knows only what the running service publishes: the DID document, the lists."""
    document = fetch_json(http, server, did_to_url(credential["issuer"]))
    lists = [fetch_json(http, server, e["statusListCredential"]) for e in credential["credentialStatus"]]
    return Verifier(resolver=Resolver(documents=[document]), status_lists=StaticStatusLists(lists))


def test_issued_credential_verifies_then_revoked_does_not(
    live_server: LiveServer, http: httpx.Client
) -> None:
    partner = add_partner(live_server.settings, "Shelter")
    response = http.post(
        f"{live_server.url}/credentials/issue", json=issue_request(), headers=partner.headers
    )
    assert response.status_code == 201
    credential = response.json()
    assert credential["issuer"] == partner.did
    assert did_to_url(partner.did).startswith(live_server.settings.base_url)

    verified = verifier_for(http, live_server, credential).verify_credential(credential)
    assert verified.verdict.value == "VALID", verified.to_json()

    revoked = http.post(
        f"{live_server.url}/credentials/status", json=status_change(credential["id"]), headers=partner.headers
    )
    assert revoked.status_code == 200
    result = verifier_for(http, live_server, credential).verify_credential(credential)
    assert result.verdict.value == "NOT VALID"
    assert result.check("status: revocation").outcome.value == "failed"


def test_jcs_credential_verifies(live_server: LiveServer, http: httpx.Client) -> None:
    partner = add_partner(live_server.settings)
    body = issue_request(cryptosuite="eddsa-jcs-2022")
    credential = http.post(f"{live_server.url}/credentials/issue", json=body, headers=partner.headers).json()
    assert verifier_for(http, live_server, credential).verify_credential(credential).verified


def test_concurrent_issuances_get_distinct_indexes(
    live_server: LiveServer, http: httpx.Client, engine: Engine
) -> None:
    partner = add_partner(live_server.settings)

    def issue_one(_: int) -> dict[str, Any]:
        with httpx.Client(timeout=120) as own:
            response = own.post(
                f"{live_server.url}/credentials/issue", json=issue_request(), headers=partner.headers
            )
        assert response.status_code == 201, response.text
        issued: dict[str, Any] = response.json()
        return issued

    with ThreadPoolExecutor(CONCURRENT) as pool:
        credentials = list(pool.map(issue_one, range(CONCURRENT)))
    for purpose_position in (0, 1):
        slots = {
            (
                c["credentialStatus"][purpose_position]["statusListCredential"],
                c["credentialStatus"][purpose_position]["statusListIndex"],
            )
            for c in credentials
        }
        assert len(slots) == CONCURRENT
    assert len({c["id"] for c in credentials}) == CONCURRENT
    assert count(engine, IssuedCredential) == CONCURRENT


def count(engine: Engine, model: type[Any]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def post_document(server: LiveServer, headers: dict[str, str], scan: bytes) -> httpx.Response:
    with httpx.Client(timeout=120) as own:
        return own.post(
            f"{server.url}/documents",
            data=document_fields(),
            files={"scan": ("scan.png", scan, "image/png")},
            headers=headers,
        )


def test_concurrent_document_issuances_get_distinct_indexes_and_pins(
    live_server: LiveServer, engine: Engine, store: CountingStore
) -> None:
    partner = add_partner(live_server.settings)

    def issue_one(number: int) -> dict[str, Any]:
        response = post_document(live_server, partner.headers, png(marker=f"scan {number}".encode()))
        assert response.status_code == 201, response.text
        answer: dict[str, Any] = response.json()
        return answer

    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(issue_one, range(CONCURRENT)))
    for purpose_position in (0, 1):
        slots = {
            (
                a["credential"]["credentialStatus"][purpose_position]["statusListCredential"],
                a["credential"]["credentialStatus"][purpose_position]["statusListIndex"],
            )
            for a in answers
        }
        assert len(slots) == CONCURRENT
    cids = {a["cid"] for a in answers}
    assert len(cids) == CONCURRENT
    assert all(store.stat(CID.parse(cid)).pinned for cid in cids)
    assert store.puts == CONCURRENT
    assert count(engine, IssuedCredential) == count(engine, Document) == CONCURRENT


def test_concurrent_document_retries_pin_and_issue_once(
    live_server: LiveServer, engine: Engine, store: CountingStore
) -> None:
    partner = add_partner(live_server.settings)
    headers = {**partner.headers, "Idempotency-Key": "upload-storm"}
    scan = png(marker=b"the one scan")

    def until_answered(_: int) -> bytes:
        while True:
            response = post_document(live_server, headers, scan)
            if response.status_code != 409:
                assert response.status_code == 201, response.text
                return response.content
            time.sleep(0.02)  # another retry is in progress: try again

    with ThreadPoolExecutor(10) as pool:
        answers = set(pool.map(until_answered, range(10)))
    assert len(answers) == 1
    assert store.puts == 1
    assert count(engine, IssuedCredential) == count(engine, Document) == 1


def test_concurrent_retries_issue_once(live_server: LiveServer, engine: Engine) -> None:
    partner = add_partner(live_server.settings)
    headers = {**partner.headers, "Idempotency-Key": "retry-storm"}

    def issue_one(_: int) -> bytes:
        with httpx.Client(timeout=120) as own:
            response = own.post(f"{live_server.url}/credentials/issue", json=issue_request(), headers=headers)
        assert response.status_code == 201, response.text
        return response.content

    with ThreadPoolExecutor(10) as pool:
        answers = set(pool.map(issue_one, range(10)))
    assert len(answers) == 1
    assert count(engine, IssuedCredential) == 1
