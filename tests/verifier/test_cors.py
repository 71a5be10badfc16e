"""CORS for browser wallets on the verifier (``NANSEN_VERIFIER_CORS_ORIGINS``), against the running
service: the listed origin may fetch a request object and post its answer (direct_post); the
making of requests, their progress and verdict (the read key's), the pages and the VC-API never
answer CORS; another origin gets nothing; with no origin listed nothing does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.verifier.support import Service, service, sqlite_url

WALLET = "https://wallet.example"
ALLOW = "access-control-allow-origin"


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[Service]:
    with service(sqlite_url(tmp_path), tmp_path, cors_origins=(WALLET,)) as running:
        yield running


def opened(verifier: Service) -> tuple[dict[str, str], str]:
    made = verifier.client.post(f"{verifier.url}/openid4vp/requests", headers={"Origin": WALLET})
    assert made.status_code == 201
    assert ALLOW not in made.headers  # a verifier's own caller, never a browser wallet
    return made.json(), parse_qs(urlsplit(made.json()["request"]).query)["request_uri"][0]


def test_the_listed_origin_may_fetch_the_request_and_post_the_answer(verifier: Service) -> None:
    made, request_uri = opened(verifier)
    fetched = verifier.client.get(request_uri, headers={"Origin": WALLET})
    assert fetched.status_code == 200
    assert fetched.headers[ALLOW] == WALLET
    assert "access-control-allow-credentials" not in fetched.headers
    response_uri = request_uri.replace("/requests/", "/responses/")
    preflight = verifier.client.options(
        response_uri, headers={"Origin": WALLET, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert preflight.headers[ALLOW] == WALLET
    answered = verifier.client.post(
        response_uri, data={"vp_token": json.dumps({}), "state": "x"}, headers={"Origin": WALLET}
    )
    assert answered.status_code == 400  # refused, and the wallet's page can read why
    assert answered.headers[ALLOW] == WALLET
    assert answered.json()["error"] == "invalid_request"

    other = verifier.client.get(request_uri, headers={"Origin": "https://evil.example"})
    assert ALLOW not in other.headers
    for path in (f"/openid4vp/requests/{made['id']}/progress", f"/openid4vp/requests/{made['id']}/verdict"):
        read = verifier.client.get(
            verifier.url + path, headers={"Origin": WALLET, "Authorization": f"Bearer {made['readKey']}"}
        )
        assert read.status_code == 200
        assert ALLOW not in read.headers, path
    for path in ("/", "/ask", "/openid4vp/requests", "/presentations/verify", "/scan"):
        asked = verifier.client.options(
            verifier.url + path, headers={"Origin": WALLET, "Access-Control-Request-Method": "POST"}
        )
        assert ALLOW not in asked.headers, path


def test_with_no_origin_listed_nothing_answers_cors(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path) as running:
        _, request_uri = opened(running)
        assert ALLOW not in running.client.get(request_uri, headers={"Origin": WALLET}).headers
