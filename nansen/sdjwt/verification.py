"""Verifying an SD-JWT VC in steps, so the pipeline can report each as its own check.

RFC 9901 §7.1 (the issuer-signed JWT and its disclosures), §7.3 (key binding) and SD-JWT VC §3
(``typ``, ``vct``, registered claims). `read` does what needs no key: the serialisation, the
header's ``typ`` and ``alg``, ``_sd_alg`` and every disclosure rule. `verify_issuer_signature`,
`validity_problem` and `check_key_binding` each do one more step; `verify` does them all for a
caller that wants one answer (an OpenID4VP response handler, say).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from jwcrypto import jwk

from nansen.sdjwt import jose
from nansen.sdjwt.disclosures import Revealed, reveal
from nansen.sdjwt.encoding import DEFAULT_HASH, HASH_ALGORITHMS
from nansen.sdjwt.errors import ClaimsError, KeyBindingError, SdJwtError, SdJwtFormatError
from nansen.sdjwt.issuance import LEGACY_TYP, TYP
from nansen.sdjwt.serialization import Parts, split

#: RFC 9901 §4.3: the ``typ`` of a Key Binding JWT.
KB_TYP: Final = "kb+jwt"
#: How old a KB-JWT's ``iat`` may be when the verifier's nonce is not checked (RFC 9901 §7.3 step 5).
DEFAULT_KB_MAX_AGE: Final = timedelta(minutes=5)


@dataclass(frozen=True)
class SdJwt:
    """An SD-JWT read and its disclosures applied; nothing about its signatures is known yet."""

    parts: Parts
    issuer_jwt: jose.Jwt
    hash_algorithm: str
    revealed: Revealed

    @property
    def header(self) -> dict[str, Any]:
        return self.issuer_jwt.header

    @property
    def payload(self) -> dict[str, Any]:
        return self.issuer_jwt.claims

    @property
    def claims(self) -> dict[str, Any]:
        """The claims with the given disclosures put back (``_sd``, ``_sd_alg`` removed)."""
        return self.revealed.claims

    @property
    def issuer(self) -> str | None:
        value = self.payload.get("iss")
        return value if isinstance(value, str) else None

    @property
    def vct(self) -> str:
        return str(self.payload["vct"])

    @property
    def kid(self) -> str | None:
        value = self.header.get("kid")
        return value if isinstance(value, str) else None

    @property
    def holder_jwk(self) -> Any:
        cnf = self.payload.get("cnf")
        return cnf.get("jwk") if isinstance(cnf, dict) else None


def read(text: str, *, max_depth: int = 64) -> SdJwt:
    """Read an SD-JWT or SD-JWT+KB and apply its disclosures; refuse what breaks RFC 9901 §7.1."""
    parts = split(text)
    issuer_jwt = jose.read(parts.issuer_jwt, "issuer-signed JWT")
    if issuer_jwt.header.get("typ") not in (TYP, LEGACY_TYP):
        raise SdJwtFormatError(f"The issuer-signed JWT's typ is not {TYP}.")
    algorithm = issuer_jwt.claims.get("_sd_alg", DEFAULT_HASH)
    if algorithm not in HASH_ALGORITHMS:
        raise SdJwtFormatError("The SD-JWT's _sd_alg is a hash algorithm this verifier does not accept.")
    if not isinstance(issuer_jwt.claims.get("vct"), str) or not issuer_jwt.claims["vct"]:
        raise ClaimsError("The SD-JWT VC has no vct (its credential type).")
    revealed = reveal(issuer_jwt.claims, list(parts.disclosures), algorithm, max_depth)
    return SdJwt(parts, issuer_jwt, algorithm, revealed)


def verify_issuer_signature(sd_jwt: SdJwt, key: jwk.JWK) -> None:
    jose.verify(sd_jwt.issuer_jwt, key, "issuer-signed JWT")


def _numeric_date(claims: dict[str, Any], name: str) -> datetime | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ClaimsError(f"The '{name}' claim is not a NumericDate.")
    try:
        return datetime.fromtimestamp(value).astimezone()
    except (OverflowError, OSError, ValueError) as cause:
        raise ClaimsError(f"The '{name}' claim is out of range.") from cause


def validity_problem(claims: dict[str, Any], moment: datetime, skew: timedelta) -> str | None:
    """What is wrong with ``exp``, ``nbf`` and ``iat`` at this moment (RFC 7519 §4.1.4 to §4.1.6), if anything."""
    try:
        expires = _numeric_date(claims, "exp")
        not_before = _numeric_date(claims, "nbf")
        issued = _numeric_date(claims, "iat")
    except ClaimsError as error:
        return str(error)
    if expires is not None and expires < moment - skew:
        return "The credential has expired."
    if not_before is not None and not_before > moment + skew:
        return "The credential is not valid yet."
    if issued is not None and issued > moment + skew:
        return "The credential was issued in the future."
    return None


@dataclass(frozen=True)
class KeyBinding:
    """What the verifier requires of the Key Binding JWT (RFC 9901 §7.3)."""

    #: The nonce this verifier gave; None when none was given (then only ``iat`` limits replay).
    nonce: str | None
    #: This verifier's identifier, which must be the KB-JWT's ``aud``; None skips the check.
    audience: str | None
    moment: datetime
    skew: timedelta
    max_age: timedelta = DEFAULT_KB_MAX_AGE


def check_key_binding(sd_jwt: SdJwt, expect: KeyBinding) -> jose.Jwt:
    """Raise `KeyBindingError` unless a KB-JWT signed by the ``cnf`` key binds this presentation."""
    if sd_jwt.parts.key_binding_jwt is None:
        raise KeyBindingError(
            "The SD-JWT is presented without key binding: it may be a copy, not its holder's presentation."
        )
    holder = sd_jwt.holder_jwk
    if holder is None:
        raise KeyBindingError("The SD-JWT names no holder key (cnf), so nothing binds it to its holder.")
    try:
        key = jose.public_jwk(holder, "holder key (cnf.jwk)")
    except SdJwtError as error:
        raise KeyBindingError(str(error)) from error
    try:
        kb = jose.read(sd_jwt.parts.key_binding_jwt, "Key Binding JWT")
    except SdJwtError as error:
        raise KeyBindingError(str(error)) from error
    if kb.header.get("typ") != KB_TYP:
        raise KeyBindingError(f"The Key Binding JWT's typ is not {KB_TYP}.")
    try:
        jose.verify(kb, key, "Key Binding JWT")
    except SdJwtError as error:
        raise KeyBindingError("The Key Binding JWT is not signed by the holder's key (cnf).") from error
    if kb.claims.get("sd_hash") != sd_jwt.parts.sd_hash(sd_jwt.hash_algorithm):
        raise KeyBindingError("The Key Binding JWT's sd_hash does not match the SD-JWT it is bound to.")
    if not isinstance(kb.claims.get("nonce"), str):
        raise KeyBindingError("The Key Binding JWT has no nonce.")
    if expect.nonce is not None and kb.claims["nonce"] != expect.nonce:
        raise KeyBindingError("The Key Binding JWT's nonce is not the one this verifier gave.")
    audience = kb.claims.get("aud")
    if not isinstance(audience, str):
        raise KeyBindingError("The Key Binding JWT has no audience (aud).")
    if expect.audience is not None and audience != expect.audience:
        raise KeyBindingError("The Key Binding JWT was made for another verifier (aud).")
    try:
        issued = _numeric_date(kb.claims, "iat")
    except ClaimsError as error:
        raise KeyBindingError(f"The Key Binding JWT's iat is not usable: {error}") from error
    if issued is None:
        raise KeyBindingError("The Key Binding JWT has no iat.")
    if issued > expect.moment + expect.skew:
        raise KeyBindingError("The Key Binding JWT was made in the future.")
    if issued < expect.moment - expect.max_age - expect.skew:
        raise KeyBindingError("The Key Binding JWT is too old.")
    return kb


def verify(
    text: str,
    *,
    issuer_key: Callable[[SdJwt], jwk.JWK],
    key_binding: KeyBinding | None,
    max_depth: int = 64,
) -> SdJwt:
    """Every step in one call; raises the first `SdJwtError` met. ``issuer_key`` finds the key
    the issuer-signed JWT must verify with (it must raise when there is none)."""
    sd_jwt = read(text, max_depth=max_depth)
    verify_issuer_signature(sd_jwt, issuer_key(sd_jwt))
    moment, skew = (
        (key_binding.moment, key_binding.skew) if key_binding else (datetime.now().astimezone(), timedelta())
    )
    problem = validity_problem(sd_jwt.payload, moment, skew)
    if problem:
        raise ClaimsError(problem)
    if key_binding is not None:
        check_key_binding(sd_jwt, key_binding)
    return sd_jwt
