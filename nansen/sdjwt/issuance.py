"""Issuing an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3; RFC 9901 §4, §5).

The issuer-signed JWT has ``typ: dc+sd-jwt`` and a ``kid`` naming the issuer's verification
method (a DID URL whose DID is ``iss``, SD-JWT VC §3.5 "DID Document Resolution"); ``cnf.jwk``
binds it to the holder's key (RFC 7800 §3.2), so only that key can present it with a KB-JWT.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from jwcrypto import jwk

from nansen.sdjwt import jose, serialization
from nansen.sdjwt.disclosures import NEVER_DISCLOSABLE, Path, conceal
from nansen.sdjwt.encoding import DEFAULT_HASH
from nansen.sdjwt.errors import ClaimsError

#: SD-JWT VC §3.2.1: the media type, and so the ``typ``, of an SD-JWT VC.
TYP: Final = "dc+sd-jwt"
#: The earlier ``typ``, still sent by some implementations; verifiers accept both (SD-JWT VC §3.2.1).
LEGACY_TYP: Final = "vc+sd-jwt"


@dataclass(frozen=True)
class IssuerKey:
    """The issuer's signing key: its DID (``iss``) and the verification method id (``kid``)."""

    key: jwk.JWK
    issuer: str
    kid: str


def issue(
    claims: Mapping[str, Any],
    *,
    vct: str,
    signer: IssuerKey,
    holder_key: jwk.JWK | None,
    disclosable: Collection[Path],
    issued_at: datetime,
    expires_at: datetime | None = None,
    not_before: datetime | None = None,
    status: Mapping[str, Any] | None = None,
    decoys: int = 2,
) -> str:
    """An SD-JWT VC (ending in ``~``, no key binding) for the claims; each ``disclosable`` path
    becomes a disclosure, everything else stays in the clear."""
    reserved = set(claims) & (NEVER_DISCLOSABLE | {"iat", "_sd_alg", "_sd"})
    if reserved:
        raise ClaimsError("The claims may not set registered claims; pass them as arguments instead.")
    concealed = conceal(claims, disclosable, DEFAULT_HASH, decoys)
    payload: dict[str, Any] = {
        "iss": signer.issuer,
        "vct": vct,
        "iat": int(issued_at.timestamp()),
        **concealed.payload,
        "_sd_alg": DEFAULT_HASH,
    }
    if not_before is not None:
        payload["nbf"] = int(not_before.timestamp())
    if expires_at is not None:
        payload["exp"] = int(expires_at.timestamp())
    if holder_key is not None:
        payload["cnf"] = {"jwk": jose.public_members(holder_key)}
    if status is not None:
        payload["status"] = dict(status)
    token = jose.sign({"typ": TYP, "kid": signer.kid}, payload, signer.key)
    return serialization.join(token, [d.encoded for d in concealed.disclosures])
