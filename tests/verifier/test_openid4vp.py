"""OpenID4VP 1.0 in the running verifier (uvicorn on loopback, SQLite and PostgreSQL): a request by
reference with a DCQL query and a fresh nonce, answered once by direct_post, judged by the one
pipeline for an SD-JWT VC (with KB-JWT) and a Data Integrity presentation; every attack refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select

from nansen.did import key as did_key
from nansen.openid4vc.presentation import (
    LDP_VC_QUERY,
    SD_JWT_QUERY,
    RequestReference,
    parse_request_uri,
)
from nansen.sdjwt import issue_identity_document, jose, present
from tests.helpers import HOLDER as DI_HOLDER
from tests.helpers import presentation, signed_credential
from tests.sdjwt.support import FACTS, HOLDER, ISSUER
from tests.verifier.support import ISSUED, Service, service, status_list_credential
from verifier.openid4vp.models import PresentationRequest


@pytest.fixture
def verifier(database_url: str, tmp_path: Path) -> Iterator[Service]:
    lists = [status_list_credential("revocation"), status_list_credential("suspension")]
    with service(database_url, tmp_path, status_lists=lists) as running:
        yield running


def open_request(verifier: Service, **body: Any) -> tuple[dict[str, Any], RequestReference, dict[str, Any]]:
    made = verifier.client.post(f"{verifier.url}/openid4vp/requests", json=body)
    assert made.status_code == 201, made.text
    reference = parse_request_uri(
        made.json()["request"].replace("request_uri=http%3A", "request_uri=https%3A")
    )
    # This service is plain http on loopback; a wallet accepts only https (tests/wallet checks that path).
    reference = RequestReference(reference.client_id, reference.request_uri.replace("https:", "http:", 1))
    fetched = verifier.client.get(reference.request_uri)
    assert fetched.headers["content-type"] == "application/oauth-authz-req+jwt"
    jwt = jose.read(fetched.text, "request object")
    did = reference.client_id.removeprefix("decentralized_identifier:")
    assert jwt.header["kid"] == did_key.signing_method(did)
    jose.verify(jwt, jose.ed25519_public_jwk(did_key.public_key_from_did(did)), "request object")
    claims = jwt.claims
    assert claims["client_id"] == reference.client_id
    assert claims["response_mode"] == "direct_post"
    return made.json(), reference, claims


def answer(
    verifier: Service, request: dict[str, Any], vp_token: Any, state: str | None = None
) -> httpx.Response:
    return verifier.client.post(
        request["response_uri"],
        data={"vp_token": json.dumps(vp_token), "state": state or request["state"]},
    )


def verdict(verifier: Service, made: dict[str, Any], key: str | None = None) -> httpx.Response:
    return verifier.client.get(
        f"{verifier.url}/openid4vp/requests/{made['id']}/verdict",
        headers={"Authorization": f"Bearer {key or made['readKey']}"},
    )


def sd_jwt_answer(request: dict[str, Any], **binding: Any) -> str:
    token = issue_identity_document(
        signer=ISSUER.signer, holder_did=HOLDER.did, document_type="Passport", facts=FACTS, issued_at=ISSUED
    )
    options = {"nonce": request["nonce"], "audience": request["client_id"], "issued_at": ISSUED, **binding}
    return present(
        token, [(name,) for name in ("givenName", "familyName", "birthDate")], HOLDER.jwk, **options
    )


def test_an_sd_jwt_answer_is_valid_once_and_only_the_read_key_reads_it(verifier: Service) -> None:
    made, reference, request = open_request(verifier)
    assert reference.client_id.startswith("decentralized_identifier:did:key:z6Mk")
    assert request["response_uri"] == f"{verifier.url}/openid4vp/responses/{made['id']}"
    queries = {q["id"]: q for q in request["dcql_query"]["credentials"]}
    assert [c["path"] for c in queries[SD_JWT_QUERY]["claims"]] == [
        ["givenName"],
        ["familyName"],
        ["birthDate"],
    ]
    assert verdict(verifier, made).json() == {"status": "pending"}

    shown = sd_jwt_answer(request)
    assert answer(verifier, request, {SD_JWT_QUERY: [shown]}).status_code == 200
    read = verdict(verifier, made).json()
    assert read["status"] == "answered"
    assert read["result"]["verdict"] == "VALID", read
    assert verdict(verifier, made, key="not-the-key").status_code == 404

    replayed = answer(verifier, request, {SD_JWT_QUERY: [shown]})
    assert replayed.status_code == 400
    assert "answered already" in replayed.json()["error_description"]
    assert verifier.client.get(reference.request_uri).status_code == 404


def test_a_data_integrity_answer_is_valid_when_signed_for_the_nonce_and_client(verifier: Service) -> None:
    made, _, request = open_request(verifier, claims=["givenName"])
    shown = presentation(
        signed_credential(), DI_HOLDER, challenge=request["nonce"], domain=request["client_id"]
    )
    assert answer(verifier, request, {LDP_VC_QUERY: [shown]}).status_code == 200
    result = verdict(verifier, made).json()["result"]
    assert result["verdict"] == "VALID", result


def test_answers_for_another_nonce_or_client_are_not_valid(verifier: Service) -> None:
    made, _, request = open_request(verifier)
    other_nonce = sd_jwt_answer(request, nonce="a-nonce-of-another-request")
    assert answer(verifier, request, {SD_JWT_QUERY: [other_nonce]}).status_code == 200
    assert verdict(verifier, made).json()["result"]["verdict"] == "NOT VALID"

    made, _, request = open_request(verifier)
    elsewhere = presentation(
        signed_credential(),
        DI_HOLDER,
        challenge=request["nonce"],
        domain="decentralized_identifier:did:key:z6MkElsewhere",
    )
    assert answer(verifier, request, {LDP_VC_QUERY: [elsewhere]}).status_code == 200
    assert verdict(verifier, made).json()["result"]["verdict"] == "NOT VALID"


def test_malformed_answers_are_refused_and_leave_the_request_open(verifier: Service) -> None:
    made, _, request = open_request(verifier)
    shown = sd_jwt_answer(request)
    wrong_state = answer(verifier, request, {SD_JWT_QUERY: [shown]}, state="guessed")
    assert wrong_state.status_code == 400
    assert "state" in wrong_state.json()["error_description"]
    assert answer(verifier, request, {"other": [shown]}).status_code == 400
    assert answer(verifier, request, {SD_JWT_QUERY: [shown, shown]}).status_code == 400
    as_json = verifier.client.post(request["response_uri"], json={"vp_token": {}})
    assert as_json.status_code == 400
    deep = verifier.client.post(
        request["response_uri"], data={"vp_token": "[" * 5000, "state": request["state"]}
    )
    assert deep.status_code == 400
    assert "depth limits" in deep.json()["error_description"]
    assert verdict(verifier, made).json() == {"status": "pending"}
    assert answer(verifier, request, {SD_JWT_QUERY: [shown]}).status_code == 200

    bad = verifier.client.post(f"{verifier.url}/openid4vp/requests", json={"claims": ["password"]})
    assert bad.status_code == 422


def test_an_expired_request_takes_no_answer(verifier: Service) -> None:
    _, reference, request = open_request(verifier)
    verifier.clock.advance(verifier.settings.challenge_ttl_seconds + 1)
    late = answer(verifier, request, {SD_JWT_QUERY: [sd_jwt_answer(request)]})
    assert late.status_code == 400
    assert "has expired" in late.json()["error_description"]
    assert verifier.client.get(reference.request_uri).status_code == 404


def progress(verifier: Service, made: dict[str, Any], key: str | None = None) -> httpx.Response:
    return verifier.client.get(
        f"{verifier.url}/openid4vp/requests/{made['id']}/progress",
        headers={"Authorization": f"Bearer {key or made['readKey']}"},
    )


def test_the_verdict_waits_sealed_and_is_given_once_to_one_of_racing_readers(
    verifier: Service, database_url: str
) -> None:
    made, _, request = open_request(verifier)
    assert progress(verifier, made).json() == {"status": "waiting"}
    assert answer(verifier, request, {SD_JWT_QUERY: [sd_jwt_answer(request)]}).status_code == 200
    assert progress(verifier, made).json() == {"status": "done"}
    assert progress(verifier, made, key="not-the-key").status_code == 404

    engine = create_engine(database_url)
    try:  # the database alone never opens the verdict: sealed to the read key, which it does not hold
        with engine.connect() as connection:
            stored = " ".join(map(str, connection.execute(select(PresentationRequest.__table__)).one()))
    finally:
        engine.dispose()
    for secret in ("Amina", "Haddad", "VALID", made["readKey"]):
        assert secret not in stored

    with ThreadPoolExecutor(4) as pool:
        read = list(pool.map(lambda _: verdict(verifier, made), range(4)))
    given = [r.json() for r in read if r.status_code == 200]
    assert len(given) == 1, [r.status_code for r in read]
    assert given[0]["result"]["verdict"] == "VALID"
    assert sorted(r.status_code for r in read) == [200, 404, 404, 404]
    assert progress(verifier, made).status_code == 404  # forgotten once shown
