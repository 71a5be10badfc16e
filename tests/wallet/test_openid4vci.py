"""``nansen wallet receive openid-credential-offer://…``: the wallet takes a partner's offer from the
real issuer (uvicorn over HTTPS with a test CA) with the PIN, verifies both formats with the one
pipeline and keeps them; a wrong PIN is refused with the issuer's reason and nothing is kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme

from tests.wallet.cli import run
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.services import Issuer, client_context, issuer_service

FACTS = {
    "documentNumber": "N0123456",
    "givenName": "Amina",
    "familyName": "Haddad",
    "birthDate": "1990-04-01",
    "issuingCountry": "SY",
}


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("NANSEN_TLS_CA_FILE", str(ca_file))
    monkeypatch.setenv("NANSEN_ALLOW_PRIVATE_ADDRESSES", "1")  # the issuer is on loopback
    return authority


@pytest.fixture
def partner(tmp_path: Path, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    with issuer_service(tmp_path / "issuer", ca, monkeypatch) as issuer:
        yield issuer


def offer_to(partner: Issuer, ca: trustme.CA, holder: str) -> tuple[str, str]:
    """What the partner does: upload the scan for the holder, then make an offer of its credential."""
    auth = {"Authorization": f"Bearer {partner.api_key}"}
    with httpx.Client(verify=client_context(ca), timeout=60) as http:
        issued = http.post(
            f"{partner.url}/documents",
            files={"scan": ("passport.png", b"\x89PNG\r\n\x1a\n" + bytes(512), "image/png")},
            data={
                "holder": holder,
                "documentType": "Passport",
                "facts": json.dumps(FACTS),
                "checkMethod": "Original inspected",
            },
            headers=auth,
        )
        assert issued.status_code == 201, issued.text
        made = http.post(
            f"{partner.url}/openid4vci/offers", json={"credential": issued.json()["credential"]}, headers=auth
        )
    assert made.status_code == 201, made.text
    return made.json()["credentialOffer"], made.json()["txCode"]


@pytest.fixture
def holder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("NANSEN_WALLET_DIR", str(tmp_path / "phone"))
    assert run("init", "--no-recovery", passphrase=PASSPHRASE).exit_code == 0
    return run("did", passphrase=PASSPHRASE).stdout.strip()


def test_the_wallet_takes_both_formats_with_the_pin(partner: Issuer, ca: trustme.CA, holder: str) -> None:
    uri, pin = offer_to(partner, ca, holder)
    result = run("receive", uri, "--pin", pin, passphrase=PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "IdentityDocumentCredential" in result.output or "Passport" in result.output
    assert "SD-JWT VC, can disclose: " in result.output
    assert "Amina" not in result.output
    listed = json.loads(run("list", "--json", passphrase=PASSPHRASE).output)
    assert len(listed) == 2

    again = run("receive", uri, "--pin", pin, passphrase=PASSPHRASE)
    assert again.exit_code != 0
    assert "has been used" in again.output


def test_a_wrong_pin_is_refused_and_nothing_is_kept(partner: Issuer, ca: trustme.CA, holder: str) -> None:
    uri, pin = offer_to(partner, ca, holder)
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    result = run("receive", uri, passphrase=PASSPHRASE, input=f"{wrong}\n")
    assert result.exit_code != 0
    assert "The PIN is wrong; 4 attempts are left." in result.output
    assert json.loads(run("list", "--json", passphrase=PASSPHRASE).output) == []
    plain_http = "openid-credential-offer://?credential_offer_uri=http%3A%2F%2F127.0.0.1%3A1%2Fo"
    refused = run("receive", plain_http, "--pin", pin, passphrase=PASSPHRASE)
    assert refused.exit_code != 0
    assert "must name one https URL" in refused.output
