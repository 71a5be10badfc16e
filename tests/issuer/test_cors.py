"""CORS for browser wallets on the issuer (``NANSEN_ISSUER_CORS_ORIGINS``), against the running
service (uvicorn on loopback): the listed origin, exactly, may call the OpenID4VCI metadata, token,
nonce and credential endpoints and read the partners' DID documents and the status lists (preflights
answered, never with credentials); another origin gets no CORS header; the partner API (the status
update above all), the offers and the console never answer CORS; with no origin listed nothing does."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import httpx
import pytest

from issuer.settings import Settings
from nansen.ipfs import EmbeddedStore
from service.settings import SettingsError
from tests.issuer.conftest import LiveServer, add_partner, app_with_store
from tests.issuer.payloads import issue_request
from tests.servers import loopback_socket, serving

WALLET = "https://wallet.example"
ALLOW = "access-control-allow-origin"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, cors_origins=(WALLET,))


def preflight(http: httpx.Client, url: str, origin: str = WALLET) -> httpx.Response:
    return http.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )


def wallet_urls(live: LiveServer, partner_id: str) -> list[str]:
    issuer = f"{live.url}/openid4vci/{partner_id}"
    return [
        f"{live.url}/.well-known/openid-credential-issuer/openid4vci/{partner_id}",
        f"{issuer}/.well-known/openid-credential-issuer",
        f"{live.url}/.well-known/oauth-authorization-server/openid4vci/{partner_id}",
        f"{issuer}/.well-known/oauth-authorization-server",
        f"{live.url}/partners/{partner_id}/did.json",  # the web wallet checks the issuer's key
    ]


def test_the_listed_origin_may_call_the_wallet_endpoints(live_server: LiveServer, http: httpx.Client) -> None:
    partner = add_partner(live_server.settings)
    for url in wallet_urls(live_server, partner.id):
        answer = http.get(url, headers={"Origin": WALLET})
        assert answer.status_code == 200, url
        assert answer.headers[ALLOW] == WALLET
        assert "access-control-allow-credentials" not in answer.headers
    issuer = f"{live_server.url}/openid4vci/{partner.id}"
    for endpoint in ("token", "nonce", "credential"):
        allowed = preflight(http, f"{issuer}/{endpoint}")
        assert allowed.status_code == 200, endpoint
        assert allowed.headers[ALLOW] == WALLET
        assert "POST" in allowed.headers["access-control-allow-methods"]
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        assert "access-control-allow-credentials" not in allowed.headers
    refused = http.post(f"{issuer}/token", data={"grant_type": "nothing"}, headers={"Origin": WALLET})
    assert refused.status_code == 400  # a refusal the wallet's page can read, with its reason
    assert refused.headers[ALLOW] == WALLET
    assert refused.json()["error"]


def test_the_listed_origin_may_read_the_status_lists(live_server: LiveServer, http: httpx.Client) -> None:
    """The web wallet checks revocation and suspension itself (W3C Bitstring Status List v1.0 §3.2)."""
    partner = add_partner(live_server.settings)
    issued = http.post(
        f"{live_server.url}/credentials/issue", json=issue_request(), headers=partner.headers
    ).json()
    lists = {e["statusPurpose"]: e["statusListCredential"] for e in issued["credentialStatus"]}
    assert set(lists) == {"revocation", "suspension"}
    paths = [urlsplit(url).path for url in lists.values()]
    paths.append(urlsplit(lists["revocation"]).path + "/token")  # the SD-JWT VC's Token Status List
    for path in paths:
        answer = http.get(live_server.url + path, headers={"Origin": WALLET})
        assert answer.status_code == 200, path
        assert answer.headers[ALLOW] == WALLET
        assert "access-control-allow-credentials" not in answer.headers
        other = http.get(live_server.url + path, headers={"Origin": "https://evil.example"})
        assert ALLOW not in other.headers
    # A path beside them is not a status list and gets nothing.
    assert ALLOW not in http.get(f"{live_server.url}/status/a/b/c", headers={"Origin": WALLET}).headers


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://wallet.example", "https://wallet.example:8443", "null"]
)
def test_another_origin_gets_no_cors(live_server: LiveServer, http: httpx.Client, origin: str) -> None:
    partner = add_partner(live_server.settings)
    answer = http.get(wallet_urls(live_server, partner.id)[0], headers={"Origin": origin})
    assert ALLOW not in answer.headers
    denied = preflight(http, f"{live_server.url}/openid4vci/{partner.id}/credential", origin)
    assert denied.status_code == 400
    assert ALLOW not in denied.headers


def test_the_partner_api_and_the_console_never_answer_cors(
    live_server: LiveServer, http: httpx.Client
) -> None:
    partner = add_partner(live_server.settings)
    paths = ("/openid4vci/offers", "/documents", "/credentials/issue", "/credentials/status", "/credentials")
    for path in (*paths, "/console/sign-in"):
        asked = preflight(http, live_server.url + path)
        assert ALLOW not in asked.headers, path
        assert asked.status_code != 200 or "access-control-allow-methods" not in asked.headers, path
    offers = http.post(
        f"{live_server.url}/openid4vci/offers", json={}, headers={**partner.headers, "Origin": WALLET}
    )
    assert ALLOW not in offers.headers
    revoke = http.post(
        f"{live_server.url}/credentials/status", json={}, headers={**partner.headers, "Origin": WALLET}
    )
    assert ALLOW not in revoke.headers
    console = http.get(f"{live_server.url}/console/sign-in", headers={"Origin": WALLET})
    assert ALLOW not in console.headers
    status = http.get(f"{live_server.url}/healthz", headers={"Origin": WALLET})
    assert ALLOW not in status.headers


def test_with_no_origin_listed_nothing_answers_cors(
    live_server: LiveServer, store: EmbeddedStore, http: httpx.Client
) -> None:
    partner = add_partner(live_server.settings)
    sock, port = loopback_socket()
    with serving(app_with_store(replace(live_server.settings, cors_origins=()), store), sock):
        url = f"http://127.0.0.1:{port}/.well-known/openid-credential-issuer/openid4vci/{partner.id}"
        answer = http.get(url, headers={"Origin": WALLET})
        assert answer.status_code == 200
        assert ALLOW not in answer.headers
        assert ALLOW not in preflight(http, f"http://127.0.0.1:{port}/openid4vci/{partner.id}/token").headers


@pytest.mark.parametrize(
    "value",
    ["*", "https://wallet.example/", "https://wallet.example/app", "wallet.example", "ftp://w.example"],
)
def test_origins_that_are_not_exact_are_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="NANSEN_ISSUER_CORS_ORIGINS"):
        Settings.from_env({"NANSEN_ISSUER_CORS_ORIGINS": value})


def test_origins_are_read_from_a_list() -> None:
    env = {
        "NANSEN_ISSUER_CORS_ORIGINS": "https://wallet.example, http://localhost:5173 https://wallet.example"
    }
    assert Settings.from_env(env).cors_origins == ("https://wallet.example", "http://localhost:5173")
