"""Presentations signed in the browser's engine are what the verifier accepts: a Data Integrity VP
(eddsa-jcs-2022) as an NV1 QR code through ``nansen verifier verify --qr`` says VALID with the
challenge it issued, and NOT VALID once a fact is changed; an SD-JWT+KB discloses only what was
chosen and verifies with the nonce and audience. The engine reads Python's NV1 texts as well."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from nansen.proofs import ProofOptions, add_proof
from nansen.qr import decode_presentation, encode_presentation, qr_png
from nansen.qr.sdjwt import decode_sd_jwt
from nansen.sdjwt import issue_identity_document, serialization
from nansen.timeutil import now
from nansen.verify import Outcome, Verdict, Verifier
from tests.helpers import ISSUED, PARTNER, identity_credential
from tests.sdjwt.support import FACTS
from tests.sdjwt.support import ISSUER as SD_JWT_ISSUER
from tests.verifier.issuing import GOVERNANCE, trust_settings
from tests.webwallet.engine import EngineError, b64, call
from verifier import Settings, replay
from verifier.cli import app as verifier_cli
from verifier.db import create_db_engine, session_factory
from verifier.migrate import upgrade
from wallet import Wallet
from wallet.container import FILE_NAME
from wallet.kdf import LEVELS
from wallet.state import HeldCredential, HeldSdJwt

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The engine's view of a wallet that holds an identity credential (eddsa-rdfc-2022, by PARTNER)
    and an SD-JWT VC, both issued to its holder DID."""
    monkeypatch.setenv("NANSEN_WALLET_KDF", "minimum")
    directory = tmp_path / "phone"
    with Wallet.create(directory, PASSPHRASE, LEVELS["minimum"]) as wallet:
        unsigned = identity_credential(PARTNER, wallet.identities.holder)
        wallet.state.credentials.append(
            HeldCredential(add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED)), "2026-12-07T00:00:00Z")
        )
        moment = now()
        token = issue_identity_document(
            signer=SD_JWT_ISSUER.signer,
            holder_did=wallet.did,
            document_type="Passport",
            facts=FACTS,
            issued_at=moment,
            expires_at=moment + timedelta(days=30),
        )
        wallet.state.sd_jwts.append(HeldSdJwt(token, "2026-12-07T00:00:00Z"))
        wallet.save()
    opened = call("open", file=b64((directory / FILE_NAME).read_bytes()), passphrase=PASSPHRASE)
    return dict(opened["state"], _cards=opened["credentials"])


def card(state: dict[str, Any], kind: str) -> str:
    return str(next(c["id"] for c in state["_cards"] if c["format"] == kind))


def verifier_env(directory: Path) -> dict[str, str]:
    return {
        "NANSEN_DATA_DIR": str(directory),
        "NANSEN_VERIFIER_TRUST_LIST": trust_settings(directory)["trust_list"],
        "NANSEN_VERIFIER_GOVERNANCE_DID": GOVERNANCE.controller,
    }


def challenge(env: dict[str, str]) -> str:
    engine = create_db_engine(Settings.from_env(env).database_url)
    try:
        upgrade(engine)
        with session_factory(engine)() as session:
            nonce, _ = replay.issue_challenge(session, now(), timedelta(minutes=5))
    finally:
        engine.dispose()
    return nonce


def scan(directory: Path, env: dict[str, str], text: str, *args: str) -> Result:
    picture = directory / "code.png"
    picture.write_bytes(qr_png(text))
    return CliRunner().invoke(verifier_cli, ["verify", "--qr", str(picture), *args], env=env)


def present(state: dict[str, Any], ident: str, **options: Any) -> dict[str, Any]:
    return call(
        "present", state={k: v for k, v in state.items() if k != "_cards"}, credentialId=ident, **options
    )


def test_a_vp_signed_in_the_engine_is_valid_at_the_verifier(state: dict[str, Any], tmp_path: Path) -> None:
    env = verifier_env(tmp_path)
    nonce = challenge(env)
    made = present(state, card(state, "ldp_vc"), challenge=nonce, domain="localhost")
    vp = made["presentation"]
    assert vp["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert vp["proof"]["challenge"] == nonce
    assert decode_presentation(made["nv1"]) == vp

    result = scan(tmp_path, env, made["nv1"], "--challenge", nonce, "--domain", "localhost")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report
    assert report["verdict"] == "VALID"


def test_a_changed_fact_or_signature_is_not_valid(state: dict[str, Any], tmp_path: Path) -> None:
    env = verifier_env(tmp_path)
    vp = present(state, card(state, "ldp_vc"))["presentation"]
    forged = copy.deepcopy(vp)
    forged["verifiableCredential"][0]["credentialSubject"]["identityDocument"]["givenName"] = "Someone"
    result = scan(tmp_path, env, encode_presentation(forged))
    assert result.exit_code == 1
    assert json.loads(result.stdout)["verdict"] == "NOT VALID"

    other = copy.deepcopy(vp)
    other["holder"] = PARTNER.controller
    result = scan(tmp_path, env, encode_presentation(other))
    assert json.loads(result.stdout)["verdict"] == "NOT VALID"


def test_a_one_way_vp_is_valid_once(state: dict[str, Any], tmp_path: Path) -> None:
    env = verifier_env(tmp_path)
    text = present(state, card(state, "ldp_vc"))["nv1"]
    first = scan(tmp_path, env, text)
    assert json.loads(first.stdout)["verdict"] == "VALID", first.stdout
    again = scan(tmp_path, env, text)
    assert json.loads(again.stdout)["verdict"] == "NOT VALID"


def test_an_sd_jwt_presentation_discloses_only_what_was_chosen(state: dict[str, Any]) -> None:
    nonce, audience = "a-nonce-from-the-shelter", "did:web:shelter.example"
    made = present(state, card(state, "dc+sd-jwt"), challenge=nonce, domain=audience, disclose=["givenName"])
    text = made["presentation"]
    assert decode_sd_jwt(made["nv1"]) == text
    result = Verifier().verify_sd_jwt(text, nonce=nonce, audience=audience)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.document is not None
    assert result.document.get("givenName") == "Amina"
    for hidden in ("familyName", "birthDate"):
        assert hidden not in result.document
    assert len(serialization.split(text).disclosures) == 1
    assert Verifier().verify_sd_jwt(text, nonce="another", audience=audience).verdict is Verdict.NOT_VALID


def test_one_way_sd_jwt_and_refusals(state: dict[str, Any]) -> None:
    text = present(state, card(state, "dc+sd-jwt"), disclose=["givenName", "familyName"])["presentation"]
    assert Verifier().verify_sd_jwt(text).verdict is Verdict.VALID
    with pytest.raises(EngineError, match="not in the credential"):
        present(state, card(state, "dc+sd-jwt"), disclose=["favouriteColour"])
    with pytest.raises(EngineError, match="No credential"):
        present(state, "ffffffff")


def test_python_nv1_decodes_in_the_engine(state: dict[str, Any]) -> None:
    vp = present(state, card(state, "ldp_vc"), challenge="c-1", domain="localhost")["presentation"]
    text = encode_presentation(vp)
    assert call("nv1Decode", text=text)["presentation"] == vp
    assert decode_presentation(call("nv1Encode", presentation=vp)["nv1"]) == vp


def test_a_credential_issued_to_a_partner_did_is_presented_with_that_key(tmp_path: Path) -> None:
    """Unlinkability: the presentation is signed by the partner DID's key, not the holder's."""
    with Wallet.create(tmp_path / "w", PASSPHRASE, LEVELS["minimum"]) as wallet:
        partner_did = wallet.partner_did("Shelter of Hope")
        unsigned = identity_credential(PARTNER, wallet.identities.partners["Shelter of Hope"])
        credential = add_proof(unsigned, PARTNER, ProofOptions(created=ISSUED))
        wallet.state.credentials.append(HeldCredential(credential, ""))
        state = wallet.state.to_json()
        ident = HeldCredential(credential, "").id
    vp = call("present", state=state, credentialId=ident, challenge="c-1", domain="localhost")["presentation"]
    assert vp["holder"] == partner_did
    assert vp["proof"]["verificationMethod"].startswith(partner_did + "#")
    result = Verifier().verify_presentation(vp, challenge="c-1", domain="localhost")
    for name in ("proof", "holder binding"):
        check = result.check(name)
        assert check is not None
        assert check.outcome is Outcome.PASSED, result.to_json()
