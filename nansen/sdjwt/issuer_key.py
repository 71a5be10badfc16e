"""The issuer's key for an SD-JWT VC whose ``iss`` is a DID (SD-JWT VC §3.5, "DID Document Resolution").

The header's ``kid`` is a DID URL; its DID must be ``iss`` (a relative ``#fragment`` is taken as
``iss`` + fragment), and the method must be listed under the DID document's ``assertionMethod``,
be controlled by that DID, not be marked compromised, and not have been retired before the JWT's
``iat`` — the same rules as a Data Integrity proof's key (`nansen.proofs.dataintegrity`).
Resolution goes through the project's one `Resolver` (did:key offline, did:web bounded and cached).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from jwcrypto import jwk

from nansen.did.resolver import Resolver
from nansen.errors import KeyFormatError
from nansen.sdjwt import jose
from nansen.sdjwt.errors import IssuerKeyError
from nansen.sdjwt.verification import SdJwt


def method_id(issuer: str | None, kid: str | None) -> str:
    """The verification method a JWT names, checked to be the issuer's before anything is fetched."""
    if issuer is None or not issuer.startswith("did:"):
        raise IssuerKeyError("The SD-JWT's issuer (iss) is not a DID, so its key cannot be found.")
    if kid is None:
        raise IssuerKeyError("The SD-JWT does not name its signing key (kid).")
    if kid.startswith("#"):
        kid = issuer + kid
    if kid.split("#", 1)[0] != issuer or "#" not in kid:
        raise IssuerKeyError("The SD-JWT was signed with a key that does not belong to its issuer.")
    return kid


def resolve(sd_jwt: SdJwt, resolver: Resolver) -> jwk.JWK:
    """The issuer's public key; `DidDocumentUnavailable` when its DID document cannot be had now."""
    return resolve_for(sd_jwt.issuer, sd_jwt.kid, sd_jwt.payload.get("iat"), resolver)


def resolve_for(issuer: str | None, kid: str | None, issued: Any, resolver: Resolver) -> jwk.JWK:
    """The key ``kid`` names, if it is ``issuer``'s for assertions at the time ``issued`` (``iat``)."""
    document, method = resolver.verification_method(method_id(issuer, kid))
    if method.controller != document.id or document.id != issuer:
        raise IssuerKeyError("The signing key is not controlled by the SD-JWT's issuer.")
    if not document.has_relationship(method.id, "assertionMethod"):
        raise IssuerKeyError("The signing key is not authorised for assertionMethod.")
    if method.revoked is not None:
        raise IssuerKeyError("The signing key has been revoked as compromised.")
    if method.expires is not None and (
        not isinstance(issued, int) or datetime.fromtimestamp(issued, UTC) > method.expires
    ):
        raise IssuerKeyError("The SD-JWT was signed after its key was retired.")
    try:
        return jose.ed25519_public_jwk(method.ed25519_public_key())
    except KeyFormatError as cause:
        raise IssuerKeyError("The issuer's key is malformed.") from cause
