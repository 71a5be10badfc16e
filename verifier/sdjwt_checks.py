"""Checking an SD-JWT VC presentation (SD-JWT+KB, RFC 9901) as this service checks a Data
Integrity one (`verifier.verification`): the one pipeline (`Verifier.verify_sd_jwt`), then the
same single-use rules.

The verifier's challenge is the Key Binding JWT's ``nonce`` and its domain the KB-JWT's ``aud``
(RFC 9901 §4.3, §7.3 step 5). A KB-JWT whose ``aud`` is `ONE_WAY_AUDIENCE` (what a wallet puts in
a QR code made with no verifier named) is one way: it must have been made (its ``iat``) within the
one-way window, and it is accepted once, keyed on the KB-JWT's signature: its bytes, decoded from
canonical base64url (anything else is refused by the pipeline) and, for ES256, in low-S form, since
``(r, n - s)`` verifies as well as ``(r, s)``. Any other KB-JWT was made for one verifier: its
``aud`` must be this verifier's domain and its ``nonce`` (or ``options.challenge``) a challenge
this verifier issued and has not used, spent only when everything else verified; a one-way
verifier issues none, so it accepts no such presentation. An SD-JWT with no KB-JWT (a pasted copy)
is never valid: the pipeline requires holder binding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from nansen import vcdm
from nansen.ecdsa import P256, canonical_signature
from nansen.errors import NansenError
from nansen.sdjwt import jose, serialization
from nansen.sdjwt.encoding import b64decode
from nansen.sdjwt.presentation import ONE_WAY_AUDIENCE
from nansen.verify import Outcome, VerificationResult, Verifier
from service.problems import Problem
from verifier import replay
from verifier.settings import Mode, Settings
from verifier.verification import (
    NO_CHALLENGE,
    ONE_WAY_BOUND,
    PresentationOptions,
    challenge_check,
    check_facts,
    one_way_checks,
)


@dataclass(frozen=True)
class CarriedBinding:
    """What a KB-JWT says of itself, read before it is verified: only to choose how to verify it."""

    nonce: str | None
    audience: str | None
    issued_at: datetime | None
    #: The signature's identity for single use (see the module's description).
    signature: bytes


def carried_binding(text: str) -> CarriedBinding | None:
    """The KB-JWT's claims and signature, unverified; None if there is none or it cannot be read
    (the pipeline then says why the holder binding fails)."""
    try:
        token = serialization.split(text).key_binding_jwt
        if token is None:
            return None
        kb = jose.read(token, "Key Binding JWT")
        signature = b64decode(token.rsplit(".", 1)[1])
    except NansenError:
        return None
    if kb.algorithm == "ES256" and len(signature) == P256.signature_size:
        signature = canonical_signature(P256, signature)
    nonce, audience, iat = kb.claims.get("nonce"), kb.claims.get("aud"), kb.claims.get("iat")
    issued = datetime.fromtimestamp(iat, UTC) if isinstance(iat, int) and not isinstance(iat, bool) else None
    return CarriedBinding(
        nonce if isinstance(nonce, str) else None,
        audience if isinstance(audience, str) else None,
        issued,
        signature,
    )


def check_sd_jwt(
    text: str,
    options: PresentationOptions,
    *,
    verifier: Verifier,
    session: Session,
    settings: Settings,
    shown: bool,
) -> VerificationResult:
    """Check an SD-JWT+KB as the module says; with ``shown`` (a page will show it), its facts too,
    before any challenge is spent or the presentation remembered."""
    if options.domain is not None and options.domain != settings.domain:
        raise Problem(400, "The domain in the options is not this verifier's domain.", "wrong-domain")
    carried = carried_binding(text)
    if options.challenge is None and (carried is None or carried.audience == ONE_WAY_AUDIENCE):
        if carried is not None and settings.mode is Mode.CHALLENGE:
            raise Problem(
                400, "This verifier requires a challenge: ask POST /challenges for one.", "challenge-required"
            )
        result = _verify(verifier, text, None, ONE_WAY_AUDIENCE if carried else None, shown)
        if carried is not None:
            _one_way_checks(result, carried, session, settings, verifier)
        return result
    nonce = options.challenge if options.challenge is not None else carried.nonce if carried else None
    result = _verify(verifier, text, nonce, settings.domain, shown)
    if settings.mode is Mode.ONE_WAY:
        result.add("challenge", Outcome.FAILED, ONE_WAY_BOUND)
    elif nonce is None:
        result.add("challenge", Outcome.FAILED, NO_CHALLENGE)
    else:
        challenge_check(result, session, nonce, verifier.clock())
    return result


def _verify(
    verifier: Verifier, text: str, nonce: str | None, audience: str | None, shown: bool
) -> VerificationResult:
    result = verifier.verify_sd_jwt(text, nonce=nonce, audience=audience)
    if shown:
        for credential in result.credentials:
            check_facts(credential)
    return result


def _one_way_checks(
    result: VerificationResult,
    carried: CarriedBinding,
    session: Session,
    settings: Settings,
    verifier: Verifier,
) -> None:
    made = carried.issued_at
    one_way_checks(
        result,
        session,
        settings,
        verifier,
        times=None if made is None else [made],
        undated="The Key Binding JWT does not say when it was made (iat).",
        replay_keys=lambda: [replay.key_binding_digest(carried.signature)],
    )


#: How ``POST /presentations/verify`` takes an SD-JWT+KB: as an enveloped presentation (VC Data
#: Model 2.0 §4.13 "Enveloped Verifiable Presentations", a ``data:`` URL, RFC 2397) of the SD-JWT
#: VC media type (draft-ietf-oauth-sd-jwt-vc §3.1), so that ``verifiablePresentation`` stays an object.
ENVELOPED_TYPE = "EnvelopedVerifiablePresentation"
SD_JWT_DATA_URL = "data:application/dc+sd-jwt,"


def enveloped_sd_jwt(presentation: dict[str, Any]) -> str | None:
    """The SD-JWT+KB an enveloped presentation carries; None if it is not one (a JSON-LD
    presentation); a `Problem` if it is enveloped in anything but an SD-JWT VC data URL."""
    if presentation.get("type") != ENVELOPED_TYPE and ENVELOPED_TYPE not in vcdm.as_list(
        presentation.get("type")
    ):
        return None
    value = presentation.get("id")
    if (
        not isinstance(value, str)
        or not value.startswith(SD_JWT_DATA_URL)
        or len(value) == len(SD_JWT_DATA_URL)
    ):
        raise Problem(
            400,
            f"An enveloped presentation must carry an SD-JWT VC as its id: {SD_JWT_DATA_URL}<SD-JWT+KB>.",
            "not-sd-jwt",
        )
    return value[len(SD_JWT_DATA_URL) :]
