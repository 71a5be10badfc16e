"""Interoperability of SD-JWT VC with the OpenWallet Foundation's @sd-jwt/sd-jwt-vc 0.19.0, both ways.

Node runs ``sdjwt.mjs`` (real processes, packages from this folder's lock file, installed by
``./dev setup``). Theirs issues and presents and Nansen's pipeline verifies; Nansen issues and
presents and theirs verifies; each side refuses the other's tampered presentations. Everything
for node goes in few batches so node starts only a few times.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jwcrypto import jwk

from nansen.did import key as did_key
from nansen.sdjwt import jose, present, serialization
from nansen.sdjwt.encoding import b64decode, b64encode, json_bytes
from nansen.sdjwt.identity import VCT
from nansen.verify import Verdict, Verifier
from tests.sdjwt.support import AUDIENCE, FACTS, HOLDER, ISSUER, NONCE, NOW, identity_sd_jwt

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "sdjwt.mjs"
INSTALL = "npm ci --prefix tests/interop/sdjwt"
DISCLOSE = ["givenName", "familyName", "birthDate"]


def node(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    executable = shutil.which("node")
    if executable is None:
        pytest.fail("node is not on PATH; the interop tests need Node.js 20 or later.")
    if not (HERE / "node_modules" / "@sd-jwt" / "sd-jwt-vc").is_dir():
        pytest.fail(f"The @sd-jwt packages are not installed; run: {INSTALL}")
    done = subprocess.run(
        [executable, str(SCRIPT)],
        input=json.dumps(tasks),
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=60,
    )
    if done.returncode != 0:
        pytest.fail(f"sdjwt.mjs failed: {done.stderr[-2000:]}")
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    failed = [a["failed"] for a in answers if "failed" in a]
    if failed:
        pytest.fail(f"@sd-jwt could not carry out: {failed[0]}")
    return answers


def verifier() -> Verifier:
    return Verifier(clock=lambda: NOW)


def their_issue_task(holder_public: dict[str, Any]) -> dict[str, Any]:
    payload = {
        "iss": ISSUER.did,
        "vct": VCT,
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 86400,
        "cnf": {"jwk": holder_public},
        "documentType": "Passport",
        **FACTS,
    }
    return {
        "op": "issue",
        "issuerJwk": ISSUER.jwk.export_private(as_dict=True),
        "kid": did_key.signing_method(ISSUER.did),
        "payload": payload,
        "disclosable": list(FACTS),
    }


def their_present_task(token: str, holder: jwk.JWK, nonce: str = NONCE) -> dict[str, Any]:
    return {
        "op": "present",
        "token": token,
        "holderJwk": holder.export_private(as_dict=True),
        "disclose": DISCLOSE,
        "iat": int(NOW.timestamp()),
        "aud": AUDIENCE,
        "nonce": nonce,
    }


def their_verify_task(token: str, nonce: str | None = NONCE) -> dict[str, Any]:
    return {
        "op": "verify",
        "token": token,
        "issuerPublicJwk": jose.public_members(ISSUER.jwk),
        "nonce": nonce,
        "now": int(NOW.timestamp()),
    }


def tampered(text: str) -> str:
    """The first disclosure's value replaced, salt and name kept: a forged fact."""
    parts = serialization.split(text)
    salt, name, _ = json.loads(b64decode(parts.disclosures[0]))
    forged = b64encode(json_bytes([salt, name, "Someone else"]))
    return serialization.join(parts.issuer_jwt, [forged, *parts.disclosures[1:]], parts.key_binding_jwt)


@pytest.fixture(scope="module")
def theirs() -> dict[str, Any]:
    """Credentials issued by @sd-jwt for an Ed25519 and a P-256 holder, and presented by it."""
    p256 = jwk.JWK.generate(kty="EC", crv="P-256")
    issued = node(
        [their_issue_task(jose.public_members(HOLDER.jwk)), their_issue_task(jose.public_members(p256))]
    )
    presented = node(
        [their_present_task(issued[0]["token"], HOLDER.jwk), their_present_task(issued[1]["token"], p256)]
    )
    return {"issued": [a["token"] for a in issued], "presented": [a["token"] for a in presented]}


def test_their_presentations_are_valid_here_with_only_the_chosen_facts(theirs: dict[str, Any]) -> None:
    for text in theirs["presented"]:
        result = verifier().verify_sd_jwt(text, nonce=NONCE, audience=AUDIENCE)
        assert result.verdict is Verdict.VALID, result.to_json()
        assert result.document is not None
        assert {k: result.document[k] for k in DISCLOSE} == {k: FACTS[k] for k in DISCLOSE}
        assert "documentNumber" not in result.document
        disclosure = result.credentials[0].check("disclosure")
        assert disclosure is not None
        assert "Not disclosed (or not in the credential): documentTitle, birthPlace" in disclosure.reason


def test_their_credentials_are_presented_by_our_holder_and_valid_here(theirs: dict[str, Any]) -> None:
    text = present(
        theirs["issued"][0],
        [(n,) for n in DISCLOSE],
        HOLDER.jwk,
        nonce=NONCE,
        audience=AUDIENCE,
        issued_at=NOW,
    )
    assert verifier().verify_sd_jwt(text, nonce=NONCE, audience=AUDIENCE).verdict is Verdict.VALID


def test_their_tampered_or_replayed_presentations_are_not_valid_here(theirs: dict[str, Any]) -> None:
    forged = verifier().verify_sd_jwt(tampered(theirs["presented"][0]), nonce=NONCE, audience=AUDIENCE)
    assert forged.verdict is Verdict.NOT_VALID
    assert "not referenced" in forged.credentials[0].checks[0].reason
    replay = verifier().verify_sd_jwt(theirs["presented"][1], nonce="another nonce", audience=AUDIENCE)
    assert replay.verdict is Verdict.NOT_VALID


def test_ours_verify_there_and_tampered_ones_do_not() -> None:
    ours = present(
        identity_sd_jwt(), [(n,) for n in DISCLOSE], HOLDER.jwk, nonce=NONCE, audience=AUDIENCE, issued_at=NOW
    )
    good, forged, replayed, issued = node(
        [
            their_verify_task(ours),
            their_verify_task(tampered(ours)),
            their_verify_task(ours, nonce="another nonce"),
            their_verify_task(identity_sd_jwt(), nonce=None),
        ]
    )
    assert good["verified"] is True, good
    assert good["kb"] is True
    assert {k: good["claims"][k] for k in DISCLOSE} == {k: FACTS[k] for k in DISCLOSE}
    assert "birthPlace" not in good["claims"]
    assert good["claims"]["vct"] == VCT
    assert forged["verified"] is False
    assert replayed["verified"] is False
    assert issued["verified"] is True


def test_our_credentials_are_presented_by_their_holder_and_valid_here() -> None:
    (answer,) = node([their_present_task(identity_sd_jwt(), HOLDER.jwk)])
    result = verifier().verify_sd_jwt(answer["token"], nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.VALID, result.to_json()
