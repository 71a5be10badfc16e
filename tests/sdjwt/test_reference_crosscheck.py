"""A cross-check against the IETF reference implementation, ``sd-jwt`` 0.10.4 on PyPI (test-time only).

It follows an older draft, checks no ``exp`` and binds keys with ES256 only (shared/NOTES.md), so
the holder key here is P-256. Its verifier reads what our issuer and holder make, disclosing the
same claims and refusing a tampered disclosure; what its holder makes, our pipeline calls VALID.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from jwcrypto import jwk
from sd_jwt.holder import SDJWTHolder
from sd_jwt.verifier import SDJWTVerifier

from nansen.sdjwt import issue, jose, present, serialization
from nansen.sdjwt.identity import VCT
from nansen.timeutil import now
from nansen.verify import Verdict, Verifier
from tests.sdjwt.support import AUDIENCE, FACTS, ISSUER, NONCE, decode_disclosure, disclosure

HOLDER_P256 = jwk.JWK.generate(kty="EC", crv="P-256")


def ours() -> str:
    moment = now()
    return issue(
        {"documentType": "Passport", **FACTS},
        vct=VCT,
        signer=ISSUER.signer,
        holder_key=HOLDER_P256,
        disclosable=[(name,) for name in FACTS],
        issued_at=moment,
        expires_at=moment + timedelta(days=1),
    )


def issuer_key(issuer: str, header: dict[str, str]) -> jwk.JWK:
    assert issuer == ISSUER.did
    assert header["kid"] == ISSUER.signer.kid
    return jose.public_jwk(jose.public_members(ISSUER.jwk), "issuer key")


def test_the_reference_verifier_reads_our_presentation() -> None:
    shown = present(
        ours(), [("givenName",), ("birthDate",)], HOLDER_P256, nonce=NONCE, audience=AUDIENCE, issued_at=now()
    )
    claims = SDJWTVerifier(
        shown, issuer_key, expected_aud=AUDIENCE, expected_nonce=NONCE
    ).get_verified_payload()
    assert claims["givenName"] == FACTS["givenName"]
    assert claims["birthDate"] == FACTS["birthDate"]
    assert "birthPlace" not in claims
    assert claims["vct"] == VCT


def test_the_reference_verifier_refuses_our_presentation_tampered() -> None:
    shown = present(ours(), [("givenName",)], HOLDER_P256, nonce=NONCE, audience=AUDIENCE, issued_at=now())
    parts = serialization.split(shown)
    salt, name, _ = decode_disclosure(parts.disclosures[0])
    forged = serialization.join(
        parts.issuer_jwt, [disclosure(salt, name, "Someone else")], parts.key_binding_jwt
    )
    with pytest.raises(ValueError, match="Invalid digest in KB-JWT"):  # sd_hash covers the disclosures
        SDJWTVerifier(forged, issuer_key, expected_aud=AUDIENCE, expected_nonce=NONCE).get_verified_payload()


def test_a_presentation_by_the_reference_holder_is_valid_here() -> None:
    holder = SDJWTHolder(ours())
    holder.create_presentation({"givenName": True, "familyName": True}, NONCE, AUDIENCE, HOLDER_P256, "ES256")
    result = Verifier().verify_sd_jwt(holder.sd_jwt_presentation, nonce=NONCE, audience=AUDIENCE)
    assert result.verdict is Verdict.VALID, result.to_json()
    assert result.document is not None
    assert {k: result.document[k] for k in ("givenName", "familyName")} == {
        k: FACTS[k] for k in ("givenName", "familyName")
    }
    assert "documentNumber" not in result.document
