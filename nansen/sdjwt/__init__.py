"""SD-JWT VC (IETF RFC 9901 and draft-ietf-oauth-sd-jwt-vc) with selective disclosure, on jwcrypto.

The face of the package: issue (`issue`, `issue_identity_document`), present (`present`), and
verify (`read` then each step, or `verify` for all at once). The verification pipeline
(`nansen.verify`) reports each step as its own check, as for Data Integrity credentials.
"""

from nansen.sdjwt.errors import (
    ClaimsError,
    DisclosureError,
    IssuerKeyError,
    KeyBindingError,
    SdJwtError,
    SdJwtFormatError,
    SignatureError,
    TokenStatusError,
)
from nansen.sdjwt.identity import VCT, issue_identity_document
from nansen.sdjwt.issuance import TYP, IssuerKey, issue
from nansen.sdjwt.jose import ed25519_jwk, ed25519_public_jwk
from nansen.sdjwt.presentation import bind, present, select
from nansen.sdjwt.serialization import looks_like_sd_jwt
from nansen.sdjwt.verification import KeyBinding, SdJwt, read, verify

__all__ = [
    "TYP",
    "VCT",
    "ClaimsError",
    "DisclosureError",
    "IssuerKey",
    "IssuerKeyError",
    "KeyBinding",
    "KeyBindingError",
    "SdJwt",
    "SdJwtError",
    "SdJwtFormatError",
    "SignatureError",
    "TokenStatusError",
    "bind",
    "ed25519_jwk",
    "ed25519_public_jwk",
    "issue",
    "issue_identity_document",
    "looks_like_sd_jwt",
    "present",
    "read",
    "select",
    "verify",
]
