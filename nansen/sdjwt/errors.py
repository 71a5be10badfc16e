"""Errors of SD-JWT processing, one per kind of refusal (RFC 9901 §7, SD-JWT VC §3).

Messages are one sentence a person can act on, with no personal data: no claim values, salts,
digests, DIDs or keys.
"""

from __future__ import annotations

from nansen.errors import NansenError


class SdJwtError(NansenError):
    """The SD-JWT cannot be used: malformed, or a check of RFC 9901 or SD-JWT VC failed."""


class SdJwtFormatError(SdJwtError):
    """The compact serialisation, a JWT or a disclosure is not well-formed (RFC 9901 §4)."""


class SignatureError(SdJwtError):
    """A JWS does not verify with the key it must, or uses an algorithm not allowed."""


class DisclosureError(SdJwtError):
    """A disclosure breaks a rule of RFC 9901 §7.1: unreferenced, repeated, reserved name …"""


class ClaimsError(SdJwtError):
    """A registered claim is missing or out of bounds (``exp``, ``nbf``, ``iat``, ``vct``, ``cnf``)."""


class KeyBindingError(SdJwtError):
    """The Key Binding JWT is missing, or is not the holder's for this verifier (RFC 9901 §7.3)."""


class IssuerKeyError(SdJwtError):
    """The issuer's key cannot be found, or is not one the issuer controls for assertions."""


class TokenStatusError(SdJwtError):
    """A Token Status List reference or Status List Token cannot be used."""
