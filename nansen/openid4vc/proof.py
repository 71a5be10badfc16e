"""The ``jwt`` proof of possession of OpenID4VCI 1.0 (§8.2.1.1 and Appendix F.1): a wallet signs the
issuer's identifier (``aud``) and a fresh ``c_nonce`` with the key the credential will be bound to.

The key is named either by ``kid``, a did:key DID URL (Ed25519), or by ``jwk`` (Ed25519 or P-256),
never both; ``x5c`` and key attestations are not supported. The JWS is read and checked with the
SD-JWT code's JOSE (`nansen.sdjwt.jose`): ``alg: none`` and any algorithm but EdDSA and ES256 are
refused before a key is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from jwcrypto import jwk

from nansen.did import key as did_key
from nansen.errors import DidResolutionError, NansenError
from nansen.openid4vc.names import PROOF_TYP
from nansen.sdjwt import jose
from nansen.sdjwt.errors import SdJwtError

#: How old a proof's ``iat`` may be (besides clock skew): a proof is made just before it is sent.
MAX_AGE: Final = timedelta(minutes=5)


class ProofError(NansenError):
    """The proof of possession cannot be accepted (OpenID4VCI 1.0 §8.3.1.2 ``invalid_proof``)."""


@dataclass(frozen=True)
class ProvenKey:
    """The key the wallet proved it holds, and its did:key when the proof named it that way."""

    key: jwk.JWK
    did: str | None
    nonce: str


def make(key: jwk.JWK, *, audience: str, nonce: str, issued_at: datetime, did: str | None = None) -> str:
    """A proof JWT signed by ``key``; named by its did:key's verification method when ``did`` is
    given, else by its public JWK."""
    header: dict[str, Any] = {"typ": PROOF_TYP}
    if did is not None:
        header["kid"] = did_key.signing_method(did)
    else:
        header["jwk"] = jose.public_members(key)
    claims = {"aud": audience, "iat": int(issued_at.timestamp()), "nonce": nonce}
    return jose.sign(header, claims, key)


def _key_of(header: dict[str, Any]) -> tuple[jwk.JWK, str | None]:
    kid, public = header.get("kid"), header.get("jwk")
    if (kid is None) == (public is None) or "x5c" in header:
        raise ProofError("The proof must name its key by a did:key 'kid' or by 'jwk', one of the two.")
    if public is not None:
        try:
            return jose.public_jwk(public, "proof's jwk"), None
        except SdJwtError as error:
            raise ProofError(str(error)) from error
    if not isinstance(kid, str) or not kid.startswith(did_key.PREFIX) or "#" not in kid:
        raise ProofError("The proof's kid must be a did:key verification method (did:key:z…#z…).")
    did = kid.split("#", 1)[0]
    try:
        if did_key.signing_method(did) != kid:
            raise ProofError("The proof's kid is not its did:key's own key.")
        return jose.ed25519_public_jwk(did_key.public_key_from_did(did)), did
    except DidResolutionError as error:
        raise ProofError("The proof's did:key does not hold an Ed25519 key.") from error


def verify(token: str, *, audience: str, moment: datetime, skew: timedelta) -> ProvenKey:
    """Check the proof's form, signature, ``aud`` and ``iat``; the caller then checks that ``nonce``
    is a ``c_nonce`` it gave and has not been used (only after the signature, so a forged proof
    cannot use up a nonce)."""
    if not isinstance(token, str):
        raise ProofError("The proof must be a compact JWT.")
    try:
        jwt = jose.read(token, "proof")
    except SdJwtError as error:
        raise ProofError(str(error)) from error
    if jwt.header.get("typ") != PROOF_TYP:
        raise ProofError(f"The proof's typ must be {PROOF_TYP}.")
    key, did = _key_of(jwt.header)
    try:
        jose.verify(jwt, key, "proof")
    except SdJwtError as error:
        raise ProofError(str(error)) from error
    claims = jwt.claims
    if claims.get("aud") != audience:
        raise ProofError("The proof is not addressed to this credential issuer (aud).")
    issued = claims.get("iat")
    if not isinstance(issued, int) or isinstance(issued, bool):
        raise ProofError("The proof has no issuance time (iat).")
    stamp = moment.timestamp()
    if issued > stamp + skew.total_seconds() or issued < stamp - (MAX_AGE + skew).total_seconds():
        raise ProofError("The proof was not made just now (iat).")
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise ProofError("The proof carries no c_nonce.")
    return ProvenKey(key, did, nonce)
