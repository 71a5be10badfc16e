"""Keys, tokens and forgeries for the SD-JWT tests: real keys, real signatures, no mocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from jwcrypto import jwk

from nansen.did import key as did_key
from nansen.keys import Ed25519KeyPair
from nansen.sdjwt import IssuerKey, ed25519_jwk, issue_identity_document, jose, serialization
from nansen.sdjwt.encoding import b64decode, b64encode, json_bytes

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
SKEW = timedelta(seconds=300)
NONCE = "nonce-from-the-verifier"
AUDIENCE = "did:web:shelter.example"

FACTS = {
    "givenName": "Amina",
    "familyName": "Karimi",
    "birthDate": "1990-01-01",
    "birthPlace": "Herat",
    "nationality": "AF",
    "documentNumber": "P1234567",
    "issuingCountry": "AF",
}
THREE = [("givenName",), ("familyName",), ("birthDate",)]


@dataclass(frozen=True)
class Party:
    pair: Ed25519KeyPair
    did: str

    @property
    def jwk(self) -> jwk.JWK:
        return ed25519_jwk(self.pair)

    @property
    def signer(self) -> IssuerKey:
        return IssuerKey(self.jwk, self.did, did_key.signing_method(self.did))


def party(seed: int) -> Party:
    pair = Ed25519KeyPair.from_seed(bytes([seed]) * 32)
    return Party(pair, did_key.did_from_public_key(pair.public_key))


ISSUER = party(1)
HOLDER = party(2)
STRANGER = party(3)


def identity_sd_jwt(
    issued_at: datetime = NOW, expires_at: datetime | None = None, status: dict[str, Any] | None = None
) -> str:
    return issue_identity_document(
        signer=ISSUER.signer,
        holder_did=HOLDER.did,
        document_type="Passport",
        facts=FACTS,
        issued_at=issued_at,
        expires_at=expires_at or NOW + timedelta(days=365),
        status=status,
    )


def resign(text: str, edit: Any, key: jwk.JWK | None = None, header: dict[str, Any] | None = None) -> str:
    """The SD-JWT with its issuer-signed payload changed by ``edit`` and signed again (by the
    issuer unless another key is given): what a faulty or hostile issuer could produce."""
    parts = serialization.split(text)
    jwt = jose.read(parts.issuer_jwt, "issuer-signed JWT")
    claims = dict(jwt.claims)
    edit(claims)
    new_header = header if header is not None else {k: v for k, v in jwt.header.items() if k != "alg"}
    token = jose.sign(new_header, claims, key or ISSUER.jwk)
    return serialization.join(token, parts.disclosures, parts.key_binding_jwt)


def disclosure(*array: Any) -> str:
    return b64encode(json_bytes(list(array)))


def decode_disclosure(encoded: str) -> list[Any]:
    import json

    value: list[Any] = json.loads(b64decode(encoded))
    return value


def bind_raw(text: str, key: jwk.JWK, nonce: str = NONCE, audience: str = AUDIENCE) -> str:
    """A KB-JWT over any SD-JWT, read or not: what a holder's software could append to a forgery."""
    parts = serialization.split(text)
    claims = {
        "iat": int(NOW.timestamp()),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": parts.sd_hash("sha-256"),
    }
    return serialization.join(parts.issuer_jwt, parts.disclosures, jose.sign({"typ": "kb+jwt"}, claims, key))
