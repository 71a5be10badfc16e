"""SD-JWT VCs in the wallet: accepted only if bound to one of this wallet's keys, presented with
only the claims the holder chooses (RFC 9901 §4.3, §6; `nansen.sdjwt`).

An SD-JWT VC is kept when its ``cnf.jwk`` is the key of one of this wallet's DIDs (the holder's
or a per-partner one) and the one pipeline does not find it NOT VALID; one whose status or trust
cannot be confirmed (offline, say) is kept, with the reasons returned to show. A presentation
carries the chosen disclosures and a KB-JWT signed by that key over the verifier's nonce and
audience. With no nonce from the verifier (one way), the wallet makes a random one; the verifier
then judges freshness by the KB-JWT's ``iat``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from nansen.did import key as did_key
from nansen.errors import NansenError
from nansen.keys import Ed25519PublicKey, SigningKey
from nansen.sdjwt import ed25519_jwk, present, read, serialization
from nansen.sdjwt.encoding import b64decode
from nansen.sdjwt.presentation import ONE_WAY_AUDIENCE  # a KB-JWT's aud when no verifier is named
from nansen.timeutil import format_datetime, now
from nansen.verify import Verdict, VerificationResult, Verifier
from wallet.errors import CredentialRefused
from wallet.identity import Identities
from wallet.state import HeldSdJwt


@dataclass(frozen=True)
class ReceivedSdJwt:
    held: HeldSdJwt
    result: VerificationResult


def holder_signer(token: str, identities: Identities) -> SigningKey | None:
    """The wallet's key that ``cnf.jwk`` names, if it is one of this wallet's Ed25519 keys."""
    try:
        jwk = read(token).holder_jwk
        if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            return None
        public = Ed25519PublicKey(b64decode(str(jwk.get("x", ""))))
        return identities.signer_for(did_key.did_from_public_key(public))
    except NansenError:
        return None


def accept(token: str, identities: Identities, verifier: Verifier) -> ReceivedSdJwt:
    """The SD-JWT VC to keep (every disclosure, no KB-JWT), or `CredentialRefused` saying why not."""
    result = verifier.verify_sd_jwt(token, presentation=False)
    if result.verdict is Verdict.NOT_VALID:
        reasons = result.to_json()["errors"] or ["It did not verify."]
        raise CredentialRefused(f"The credential was refused: {reasons[0][:1].lower()}{reasons[0][1:]}")
    if holder_signer(token, identities) is None:
        raise CredentialRefused("This credential was issued to someone else, not to this wallet.")
    parts = serialization.split(token)
    issued = serialization.join(parts.issuer_jwt, parts.disclosures)
    return ReceivedSdJwt(HeldSdJwt(issued, format_datetime(now())), result)


def presentation(
    held: HeldSdJwt,
    identities: Identities,
    disclose: Sequence[str],
    *,
    nonce: str | None = None,
    audience: str | None = None,
) -> str:
    """An SD-JWT+KB disclosing only the claims named (top-level claim names)."""
    signer = holder_signer(held.token, identities)
    if signer is None:
        raise CredentialRefused("This credential was issued to a key this wallet does not hold.")
    return present(
        held.token,
        [(name,) for name in disclose],
        ed25519_jwk(signer.key_pair),
        nonce=nonce or secrets.token_urlsafe(16),
        audience=audience or ONE_WAY_AUDIENCE,
        issued_at=now(),
    )
