"""``nansen wallet present ID --openid4vp openid4vp://…``: the wallet answers the real verifier's
request (uvicorn over HTTPS with a test CA) with the credential it took from the real issuer by
OpenID4VCI; the verifier says VALID, having seen only the facts it asked for."""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from nansen.status_token_source import FetchedStatusTokens
from tests.servers import loopback_socket
from tests.verifier.issuing import trust_settings
from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.services import Issuer, Trust, client_context, serving_tls
from tests.wallet.test_openid4vci import ca, holder, offer_to, partner
from verifier import Settings as VerifierSettings
from verifier import create_app as create_verifier
from verifier.dependencies import get_resolver, get_status_lists
from verifier.openid4vp.api import get_status_tokens

__all__ = ["ca", "holder", "partner"]  # fixtures shared with the OpenID4VCI tests


@contextlib.contextmanager
def verifier_service(directory: Path, ca: trustme.CA, **settings: Any) -> Iterator[str]:
    """The verifier over HTTPS (a certificate of the test CA), trusting the CA for what it fetches."""
    directory.mkdir()
    app = create_verifier(
        VerifierSettings(database_url=f"sqlite:///{directory / 'v.db'}", data_dir=directory, **settings)
    )
    ca_file = directory.parent / "ca.pem"
    trust = Trust(ca_file, directory / "cache")
    resolver, lists = trust.resolver(), trust.status_lists()
    tokens = FetchedStatusTokens(verify=str(ca_file), allow_private_addresses=True)
    app.dependency_overrides[get_resolver] = lambda: resolver
    app.dependency_overrides[get_status_lists] = lambda: lists
    app.dependency_overrides[get_status_tokens] = lambda: tokens
    sock, port = loopback_socket()
    with serving_tls(app, sock, ca.issue_cert("localhost"), directory):
        yield f"https://localhost:{port}"


@pytest.fixture
def verifier(tmp_path: Path, ca: trustme.CA) -> Iterator[str]:
    with verifier_service(tmp_path / "verifier", ca) as url:
        yield url


def held_ids() -> dict[str, str]:
    listed = json.loads(run("list", "--json", passphrase=PASSPHRASE).output)
    return {("sd-jwt" if "SD-JWT" in c["summary"] else "ldp"): c["id"] for c in listed}


def ask(verifier: str, ca: trustme.CA, claims: list[str]) -> dict[str, str]:
    with httpx.Client(verify=client_context(ca), timeout=60) as http:
        made = http.post(f"{verifier}/openid4vp/requests", json={"claims": claims})
    assert made.status_code == 201, made.text
    answer: dict[str, str] = made.json()
    return answer


def verdict(verifier: str, ca: trustme.CA, made: dict[str, str]) -> dict[str, object]:
    with httpx.Client(verify=client_context(ca), timeout=60) as http:
        read = http.get(
            f"{verifier}/openid4vp/requests/{made['id']}/verdict",
            headers={"Authorization": f"Bearer {made['readKey']}"},
        )
    result: dict[str, object] = read.json()
    return result


def test_the_wallet_answers_with_each_format_and_the_verifier_says_valid(
    partner: Issuer, ca: trustme.CA, holder: str, verifier: str
) -> None:
    uri, pin = offer_to(partner, ca, holder)
    assert run("receive", uri, "--pin", pin, passphrase=PASSPHRASE).exit_code == 0
    ids = held_ids()

    made = ask(verifier, ca, ["givenName", "birthDate"])
    shown = run("present", ids["sd-jwt"], "--openid4vp", made["request"], passphrase=PASSPHRASE)
    assert shown.exit_code == 0, shown.output
    assert "disclosing: givenName, birthDate." in shown.output
    result = verdict(verifier, ca, made)
    assert result["status"] == "answered"
    assert json.dumps(result).count("N0123456") == 0
    assert result["result"]["verdict"] == "VALID", result  # type: ignore[index]

    made = ask(verifier, ca, ["givenName"])
    shown = run("present", ids["ldp"], "--openid4vp", made["request"], passphrase=PASSPHRASE)
    assert shown.exit_code == 0, shown.output
    assert verdict(verifier, ca, made)["result"]["verdict"] == "VALID"  # type: ignore[index]

    again = run("present", ids["sd-jwt"], "--openid4vp", made["request"], passphrase=PASSPHRASE)
    assert again.exit_code != 0
    assert "could not be fetched (HTTP 404)" in again.output  # answered: the request is closed


def test_a_request_not_signed_by_its_client_is_refused(holder: str, verifier: str, ca: trustme.CA) -> None:
    made = ask(verifier, ca, ["givenName"])
    forged = made["request"].replace("did%3Akey%3Az6Mk", "did%3Akey%3Az6MkX", 1)
    shown = run("present", "any", "--openid4vp", forged, passphrase=PASSPHRASE)
    assert shown.exit_code != 0
    assert "cannot be trusted" in shown.output


def test_the_wallet_answers_the_scan_pages_request_and_the_page_shows_valid(
    partner: Issuer, ca: trustme.CA, holder: str, tmp_path: Path
) -> None:
    """The shelter's scan page asks (its QR code's URI, read from the page's link); the command line
    wallet answers it; the page's progress turns to done and its verdict, shown once, is VALID with
    only the facts asked for (the page judges trust: the verifier trusts this partner)."""
    uri, pin = offer_to(partner, ca, holder)
    assert run("receive", uri, "--pin", pin, passphrase=PASSPHRASE).exit_code == 0
    trust = trust_settings(tmp_path, partner.did)
    with (
        verifier_service(tmp_path / "shelter", ca, **trust) as shelter,
        httpx.Client(verify=client_context(ca), timeout=60) as http,
    ):
        page = http.post(f"{shelter}/ask")
        assert page.status_code == 200, page.text
        found = re.search(r'id="ask-link" href="([^"]+)"', page.text)
        assert found is not None
        fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]+)"', page.text))
        shown = run(
            "present", held_ids()["sd-jwt"], "--openid4vp", html.unescape(found[1]), passphrase=PASSPHRASE
        )
        assert shown.exit_code == 0, shown.output
        progress = http.get(
            f"{shelter}/openid4vp/requests/{fields['id']}/progress",
            headers={"Authorization": f"Bearer {fields['key']}"},
        )
        assert progress.json() == {"status": "done"}
        verdict = http.post(f"{shelter}/ask/verdict", data=fields)
        assert verdict.status_code == 200
        assert 'data-verdict="VALID"' in verdict.text
        assert "Amina" in verdict.text
        assert "N0123456" not in verdict.text  # the document number was not asked for
        assert http.post(f"{shelter}/ask/verdict", data=fields).status_code == 410  # once
