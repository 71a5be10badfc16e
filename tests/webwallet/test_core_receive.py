"""Receiving in the browser's engine: an OpenID4VCI offer from the real issuer (uvicorn over HTTPS
on loopback, a test CA) is taken with the PIN in both formats, each credential verified in the
engine before it is kept, and the wallet then lists them with ``nansen wallet``; a wrong PIN, an
offer for someone else, a forged or foreign-signed credential are refused."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import trustme

from nansen.proofs import ProofOptions, add_proof
from nansen.sdjwt import issue_identity_document, serialization
from nansen.sdjwt.encoding import b64encode, json_bytes
from nansen.timeutil import now
from tests.helpers import ISSUED, PARTNER, STRANGER, identity_credential, signed_credential
from tests.sdjwt.support import FACTS
from tests.sdjwt.support import HOLDER as SD_JWT_HOLDER
from tests.sdjwt.support import ISSUER as SD_JWT_ISSUER
from tests.wallet.cli import run
from tests.wallet.services import Issuer, client_context, issuer_service
from tests.wallet.test_openid4vci import offer_to
from tests.webwallet.engine import EngineError, call, unb64
from wallet.container import FILE_NAME

PASSPHRASE = "correct horse battery staple"
CONTEXTS = Path(__file__).resolve().parents[2] / "schemas" / "contexts"


@pytest.fixture
def ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("NANSEN_TLS_CA_FILE", str(ca_file))
    monkeypatch.setenv("NANSEN_ALLOW_PRIVATE_ADDRESSES", "1")  # the issuer is on loopback
    monkeypatch.setenv("NANSEN_WALLET_KDF", "minimum")
    return authority, ca_file


@pytest.fixture
def partner(tmp_path: Path, ca: tuple[trustme.CA, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Issuer]:
    with issuer_service(tmp_path / "issuer", ca[0], monkeypatch) as issuer:
        yield issuer


@pytest.fixture
def phone() -> dict[str, Any]:
    return call("create", passphrase=PASSPHRASE, cost="minimum")


def test_an_offer_is_taken_in_both_formats_and_the_cli_lists_them(
    partner: Issuer, ca: tuple[trustme.CA, Path], phone: dict[str, Any], tmp_path: Path
) -> None:
    uri, pin = offer_to(partner, ca[0], phone["did"])
    taken = call("receiveOffer", state=phone["state"], offer=uri, pin=pin, ca_file=ca[1])
    state = taken["state"]
    assert len(taken["credentialIds"]) == 2
    assert taken["refused"] == []
    assert len(state["credentials"]) == 1
    assert len(state["sdJwts"]) == 1
    assert state["credentials"][0]["credential"]["issuer"] == partner.did
    assert state["credentials"][0]["credential"]["credentialSubject"]["id"] == phone["did"]
    assert not state["sdJwts"][0]["sdJwt"].split("~")[-1]  # kept as issued: no KB-JWT

    made = call("create", passphrase=PASSPHRASE, cost="minimum", state=state)
    directory = tmp_path / "cli"
    directory.mkdir(mode=0o700)
    (directory / FILE_NAME).write_bytes(unb64(made["file"]))
    listed = run("list", "--json", "--wallet", str(directory), passphrase=PASSPHRASE)
    assert listed.exit_code == 0, listed.output
    assert sorted(c["id"] for c in json.loads(listed.stdout)) == sorted(taken["credentialIds"])

    with pytest.raises(EngineError, match="has been used"):  # a replayed offer
        call("receiveOffer", state=state, offer=uri, pin=pin, ca_file=ca[1])


def test_a_wrong_pin_or_no_pin_is_refused(
    partner: Issuer, ca: tuple[trustme.CA, Path], phone: dict[str, Any]
) -> None:
    uri, pin = offer_to(partner, ca[0], phone["did"])
    wrong = "000000" if pin != "000000" else "111111"
    with pytest.raises(EngineError, match="The issuer refused \\(the token request\\)"):
        call("receiveOffer", state=phone["state"], offer=uri, pin=wrong, ca_file=ca[1])
    with pytest.raises(EngineError, match="needs the PIN"):
        call("receiveOffer", state=phone["state"], offer=uri, pin="", ca_file=ca[1])


def test_an_offer_for_someone_else_is_refused(
    partner: Issuer, ca: tuple[trustme.CA, Path], phone: dict[str, Any]
) -> None:
    uri, pin = offer_to(partner, ca[0], STRANGER.controller)
    with pytest.raises(EngineError, match=r"someone else|refused"):
        call("receiveOffer", state=phone["state"], offer=uri, pin=pin, ca_file=ca[1])


def test_an_offer_over_plain_http_or_malformed_is_refused(phone: dict[str, Any]) -> None:
    plain = {
        "credential_issuer": "http://127.0.0.1:9/issuer",
        "credential_configuration_ids": ["IdentityDocumentCredential_ldp_vc"],
        "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {"pre-authorized_code": "x"}},
    }
    with pytest.raises(EngineError, match="https URL"):
        call(
            "receiveOffer",
            state=phone["state"],
            offer=f"openid-credential-offer://?credential_offer={quote(json.dumps(plain))}",
            pin=None,
        )
    with pytest.raises(EngineError, match="starts with openid-credential-offer"):
        call("receiveOffer", state=phone["state"], offer="https://example.org/", pin=None)
    with pytest.raises(EngineError, match="not JSON"):
        call(
            "receiveOffer",
            state=phone["state"],
            offer="openid-credential-offer://?credential_offer=%7B",
            pin=None,
        )


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_verify_credential_in_the_engine(suite: str) -> None:
    credential = signed_credential(suite)
    assert call("verifyCredential", credential=credential) == {"verified": True, "problems": []}

    forged = copy.deepcopy(credential)
    forged["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
    assert call("verifyCredential", credential=forged)["verified"] is False

    foreign = add_proof(identity_credential(), STRANGER, ProofOptions(cryptosuite=suite, created=ISSUED))
    result = call("verifyCredential", credential=foreign)
    assert result["verified"] is False
    assert "does not belong to the issuer" in result["problems"][0]

    unsigned = copy.deepcopy(credential)
    del unsigned["proof"]
    assert call("verifyCredential", credential=unsigned)["verified"] is False

    later = add_proof(
        identity_credential(), PARTNER, ProofOptions(cryptosuite=suite, created=now() + timedelta(days=1))
    )
    assert call("verifyCredential", credential=later)["problems"] == [
        "The proof was created in the future, or its date is not a date."
    ]
    for nonsense in (42, None, [credential]):
        assert call("verifyCredential", credential=nonsense) == {
            "verified": False,
            "problems": ["This is not a credential."],
        }


def test_a_term_no_context_defines_is_refused_under_rdfc() -> None:
    """A term added after signing that no context defines: JSON-LD would drop it from the N-Quads,
    so the signature would still verify without covering it. Refused (jsonld.js safe mode)."""
    credential = signed_credential("eddsa-rdfc-2022")
    credential["credentialSubject"]["favouriteColour"] = "blue"
    assert call("verifyCredential", credential=credential)["verified"] is False


def test_the_contexts_are_the_bundled_ones() -> None:
    index = json.loads((CONTEXTS / "index.json").read_text())
    found = call("contexts")["contexts"]
    assert set(found) == set(index)
    for url, entry in index.items():
        assert found[url] == json.loads((CONTEXTS / entry["file"]).read_text()), url


def test_verify_an_sd_jwt_in_the_engine() -> None:
    moment = now()
    token = issue_identity_document(
        signer=SD_JWT_ISSUER.signer,
        holder_did=SD_JWT_HOLDER.did,
        document_type="Passport",
        facts=FACTS,
        issued_at=moment,
        expires_at=moment + timedelta(days=30),
    )
    assert call("verifyCredential", credential=token) == {"verified": True, "problems": []}
    parts = serialization.split(token)
    extra = b64encode(json_bytes(["c2FsdA", "givenName", "Someone"]))
    for forged in (
        serialization.join(parts.issuer_jwt, [*parts.disclosures, extra]),  # a disclosure not signed
        serialization.join(parts.issuer_jwt[:-4] + "AAAA", parts.disclosures),  # another signature
    ):
        assert call("verifyCredential", credential=forged)["verified"] is False
    expired = issue_identity_document(
        signer=SD_JWT_ISSUER.signer,
        holder_did=SD_JWT_HOLDER.did,
        document_type="Passport",
        facts=FACTS,
        issued_at=moment - timedelta(days=60),
        expires_at=moment - timedelta(days=30),
    )
    assert call("verifyCredential", credential=expired) == {
        "verified": False,
        "problems": ["The credential has expired."],
    }


def test_one_refused_credential_does_not_lose_the_others(
    partner: Issuer, ca: tuple[trustme.CA, Path], phone: dict[str, Any]
) -> None:
    """The same credential offered twice: the second offer's Data Integrity copy is refused (the
    wallet holds it), its SD-JWT VC (issued afresh) is kept, and the refusal is said."""
    auth = {"Authorization": f"Bearer {partner.api_key}"}
    uri, pin = offer_to(partner, ca[0], phone["did"])
    first = call("receiveOffer", state=phone["state"], offer=uri, pin=pin, ca_file=ca[1])
    credential = first["state"]["credentials"][0]["credential"]
    with httpx.Client(verify=client_context(ca[0]), timeout=60) as http:
        made = http.post(f"{partner.url}/openid4vci/offers", json={"credential": credential}, headers=auth)
    assert made.status_code == 201, made.text
    second = call(
        "receiveOffer",
        state=first["state"],
        offer=made.json()["credentialOffer"],
        pin=made.json()["txCode"],
        ca_file=ca[1],
    )
    assert second["refused"] == ["This credential is already in the wallet."]
    assert len(second["credentialIds"]) == 1
    assert len(second["state"]["credentials"]) == 1
    assert len(second["state"]["sdJwts"]) == 2
