"""The verifier behind a proxy: ``NANSEN_VERIFIER_PUBLIC_URL`` names every URL a wallet is given
(``request_uri``, ``response_uri``), whatever ``Host`` or ``X-Forwarded-*`` a client sends; without
it only a loopback ``Host`` is believed, so nobody can have this verifier sign a request object that
sends a wallet's answer elsewhere. Real uvicorn on loopback; the "proxy" is a client forging headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from nansen.sdjwt import jose
from service.settings import SettingsError
from tests.verifier.support import Service, service, sqlite_url
from verifier.settings import Settings

PUBLIC = "https://verify.shelter.example/checks"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[Service]:
    with service(sqlite_url(tmp_path), tmp_path, public_url=PUBLIC) as running:
        yield running


def request_uri_of(made: dict[str, str]) -> str:
    return parse_qs(urlsplit(made["request"]).query)["request_uri"][0]


def test_a_request_made_through_a_forging_proxy_names_the_configured_url(behind_proxy: Service) -> None:
    made = behind_proxy.client.post(f"{behind_proxy.url}/openid4vp/requests", headers=FORGED)
    assert made.status_code == 201, made.text
    assert request_uri_of(made.json()) == f"{PUBLIC}/openid4vp/requests/{made.json()['id']}"

    local = f"{behind_proxy.url}/openid4vp/requests/{made.json()['id']}"
    claims = jose.read(behind_proxy.client.get(local, headers=FORGED).text, "request object").claims
    assert claims["response_uri"] == f"{PUBLIC}/openid4vp/responses/{made.json()['id']}"

    page = behind_proxy.client.post(f"{behind_proxy.url}/ask", headers=FORGED)
    assert page.status_code == 200
    assert "evil.example" not in page.text
    assert "openid4vp://?client_id=" in page.text


def test_without_a_public_url_a_forged_host_gets_no_signed_request(tmp_path: Path) -> None:
    with service(sqlite_url(tmp_path), tmp_path) as running:
        refused = running.client.post(f"{running.url}/openid4vp/requests", headers=FORGED)
        assert refused.status_code == 421
        assert "NANSEN_VERIFIER_PUBLIC_URL" in refused.json()["detail"]

        made = running.client.post(f"{running.url}/openid4vp/requests")  # Host: 127.0.0.1 (loopback)
        assert made.status_code == 201
        assert request_uri_of(made.json()).startswith(f"{running.url}/openid4vp/requests/")
        local = request_uri_of(made.json())
        redirected = running.client.get(local, headers={"Host": "evil.example"})
        assert redirected.status_code == 421  # no request object naming evil.example's response_uri
        assert "evil.example" not in redirected.text
        claims = jose.read(running.client.get(local).text, "request object").claims
        assert claims["response_uri"].startswith(f"{running.url}/openid4vp/responses/")

        page = running.client.post(f"{running.url}/ask", headers={"Host": "evil.example"})
        assert page.status_code == 421
        assert "openid4vp://" not in page.text


@pytest.mark.parametrize(
    "value",
    [
        "http://verify.shelter.example",
        "verify.shelter.example",
        "https://x.example/?a=1",
        "https://x.example/#f",
        "https://u@x.example",
    ],
)
def test_a_public_url_that_cannot_be_used_is_refused(value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="NANSEN_VERIFIER_PUBLIC_URL"):
        Settings.from_env({"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_VERIFIER_PUBLIC_URL": value})


def test_a_public_url_is_read_without_its_trailing_slash(tmp_path: Path) -> None:
    env = {"NANSEN_DATA_DIR": str(tmp_path), "NANSEN_VERIFIER_PUBLIC_URL": PUBLIC + "/"}
    assert Settings.from_env(env).public_url == PUBLIC
    loopback = {**env, "NANSEN_VERIFIER_PUBLIC_URL": "http://127.0.0.1:8082"}
    assert Settings.from_env(loopback).public_url == "http://127.0.0.1:8082"
