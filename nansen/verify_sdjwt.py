"""The one pipeline's checks for an SD-JWT VC (`nansen.sdjwt`), reported as for Data Integrity.

`nansen.verify.Verifier.verify_sd_jwt` calls this; the report has the same checks and promises as
a Data Integrity credential's (docs/threat-model.md): ``format`` (the serialisation and every
disclosure rule of RFC 9901 §7.1), ``trust`` judged first (an untrusted issuer makes the verifier
fetch nothing), ``proof`` and ``issuer key`` (the issuer-signed JWT verifies with a key its DID
lists under ``assertionMethod``; a DID document that cannot be had is CANNOT CONFIRM), ``validity
period`` (``exp``, ``nbf``, ``iat``), ``status`` (IETF Token Status List), ``disclosure`` (which
facts were disclosed and which were not), and, for a presentation, ``holder binding`` (the KB-JWT
with this verifier's nonce and audience, signed by the ``cnf`` key). A presentation that
discloses no fact is NOT VALID: there would be nothing to confirm.
"""

from __future__ import annotations

from datetime import datetime

from nansen.errors import DidDocumentUnavailable, InvalidInput, NansenError
from nansen.jsonutil import check_strings
from nansen.sdjwt import issuer_key, jose, status_list
from nansen.sdjwt.errors import IssuerKeyError, KeyBindingError, TokenStatusError
from nansen.sdjwt.identity import TYPES_BY_VCT, disclosable_claims
from nansen.sdjwt.verification import (
    KeyBinding,
    SdJwt,
    check_key_binding,
    read,
    validity_problem,
    verify_issuer_signature,
)
from nansen.verify import Check, DatedSource, Outcome, StatusTokenSource, VerificationResult, Verifier

_UNTRUSTED = "Not checked: the issuer is not trusted."
_UNOBTAINABLE = "The status list could not be obtained, so the status cannot be confirmed."


__all__ = ["StaticStatusTokens", "StatusTokenSource", "verify_sd_jwt"]


class StaticStatusTokens:
    """Status List Tokens supplied up front, keyed by the URI they publish (their ``sub``)."""

    def __init__(self, tokens: dict[str, str] | None = None) -> None:
        self._by_uri = dict(tokens or {})

    def get_token(self, uri: str) -> str | None:
        return self._by_uri.get(uri)


def verify_sd_jwt(verifier: Verifier, text: str, key_binding: KeyBinding | None) -> VerificationResult:
    """Verify an SD-JWT VC; with ``key_binding`` it is a presentation and its holder binding is required."""
    moment = verifier.clock()
    credential = VerificationResult("credential", sd_jwt=True)
    sd_jwt = _format_check(verifier, credential, text)
    if key_binding is None:
        if sd_jwt is not None:
            _credential_checks(verifier, credential, sd_jwt, moment, presented=False)
        return credential
    presentation = VerificationResult("presentation", sd_jwt=True)
    presentation.credentials = [credential]
    if sd_jwt is None:
        presentation.add("holder binding", Outcome.NOT_CHECKED, "Not checked: the SD-JWT is malformed.")
        return presentation
    presentation.document = credential.document
    _credential_checks(verifier, credential, sd_jwt, moment, presented=True)
    if _outcome(credential, "trust") is Outcome.FAILED:
        presentation.add(
            "holder binding", Outcome.NOT_CHECKED, "Not checked: a credential's issuer is not trusted."
        )
    elif _outcome(credential, "proof") is not Outcome.PASSED:
        presentation.add(
            "holder binding", Outcome.NOT_CHECKED, "Not checked: the credential's proof did not verify."
        )
    else:
        try:
            check_key_binding(sd_jwt, key_binding)
        except KeyBindingError as error:
            presentation.add("holder binding", Outcome.FAILED, str(error))
        else:
            presentation.add(
                "holder binding", Outcome.PASSED, "The credential was presented by its holder (key binding)."
            )
    return presentation


def _format_check(verifier: Verifier, result: VerificationResult, text: str) -> SdJwt | None:
    limits = verifier.limits
    try:
        size = len(text.encode("utf-8"))
        if size > limits.max_document_bytes:
            raise InvalidInput(
                f"The input is {size:,} bytes; the limit is {limits.max_document_bytes:,} bytes."
            )
        sd_jwt = read(text, max_depth=limits.max_json_depth)
        check_strings(sd_jwt.claims)  # as for Data Integrity: no control characters, no integer past 2^53
    except NansenError as error:
        result.add("format", Outcome.FAILED, str(error))
        return None
    result.document = sd_jwt.claims
    result.add(
        "format", Outcome.PASSED, "The SD-JWT VC is well-formed and every disclosure matches a digest."
    )
    return sd_jwt


def _credential_checks(
    verifier: Verifier, result: VerificationResult, sd_jwt: SdJwt, moment: datetime, *, presented: bool
) -> None:
    trust = _trust_check(verifier, sd_jwt)
    if trust.outcome is Outcome.FAILED:
        # Judged first: an untrusted issuer must not make the verifier reach the hosts it names.
        result.add("proof", Outcome.NOT_CHECKED, _UNTRUSTED)
        result.add("issuer key", Outcome.NOT_CHECKED, _UNTRUSTED)
    else:
        _signature_check(verifier, result, sd_jwt)
    problem = validity_problem(sd_jwt.payload, moment, verifier.skew)
    if problem:
        result.add("validity period", Outcome.FAILED, problem)
    else:
        result.add("validity period", Outcome.PASSED, "The credential is within its validity period.")
    if _outcome(result, "proof") is Outcome.PASSED:
        _status_check(verifier, result, sd_jwt, moment)
    else:
        reason = _UNTRUSTED if trust.outcome is Outcome.FAILED else "Not checked: the proof did not verify."
        result.add("status", Outcome.NOT_CHECKED, reason)
    _disclosure_check(result, sd_jwt, presented)
    result.checks.append(trust)


def _trust_check(verifier: Verifier, sd_jwt: SdJwt) -> Check:
    if verifier.trust is None:
        return Check("trust", Outcome.NOT_CHECKED, "Not checked: no trust list is configured.")
    return verifier.trust(sd_jwt.issuer or "", TYPES_BY_VCT.get(sd_jwt.vct, [sd_jwt.vct]))


def _signature_check(verifier: Verifier, result: VerificationResult, sd_jwt: SdJwt) -> None:
    try:
        issuer_key.method_id(sd_jwt.issuer, sd_jwt.kid)
    except IssuerKeyError as error:
        # Resolving another DID's key would fetch a document the token names, not its issuer.
        result.add("proof", Outcome.NOT_CHECKED, "Not checked: the signing key is not the issuer's.")
        result.add("issuer key", Outcome.FAILED, str(error))
        return
    try:
        key = issuer_key.resolve(sd_jwt, verifier.resolver)
    except DidDocumentUnavailable as error:
        result.add("proof", Outcome.UNKNOWN, f"The signature cannot be checked: {_lower_first(str(error))}")
        result.add("issuer key", Outcome.NOT_CHECKED, "Not checked: the proof did not verify.")
        return
    except NansenError as error:
        result.add("proof", Outcome.FAILED, str(error))
        result.add("issuer key", Outcome.NOT_CHECKED, "Not checked: the proof did not verify.")
        return
    try:
        verify_issuer_signature(sd_jwt, key)
    except NansenError as error:
        result.add("proof", Outcome.FAILED, str(error))
        result.add("issuer key", Outcome.NOT_CHECKED, "Not checked: the proof did not verify.")
        return
    result.add(
        "proof",
        Outcome.PASSED,
        f"The issuer's signature verifies ({sd_jwt.issuer_jwt.algorithm}, SD-JWT VC).",
    )
    result.add("issuer key", Outcome.PASSED, "The signing key belongs to the issuer.")


def _status_check(verifier: Verifier, result: VerificationResult, sd_jwt: SdJwt, moment: datetime) -> None:
    try:
        reference = status_list.reference(sd_jwt.payload)
    except TokenStatusError as error:
        result.add("status", Outcome.FAILED, str(error))
        return
    if reference is None:
        result.add("status", Outcome.NOT_CHECKED, "The credential has no status entry to check.")
        return
    source = verifier.status_tokens
    token = source.get_token(reference.uri) if source is not None else None
    # When the list was fetched, for a page to say how fresh the status is, or how old the copy
    # that can no longer be used is (a cache knows).
    at = source.refreshed_at(reference.uri) if isinstance(source, DatedSource) else None
    if token is None:
        result.add("status", Outcome.UNKNOWN, _UNOBTAINABLE, at)
        return
    try:
        listed = status_list.read_token(token, reference.uri, moment, verifier.skew)
        key = issuer_key.resolve_for(
            sd_jwt.issuer, listed.jwt.header.get("kid"), listed.jwt.claims.get("iat"), verifier.resolver
        )
        jose.verify(listed.jwt, key, "status list token")
    except NansenError:
        result.add(
            "status", Outcome.UNKNOWN, "The status list did not verify, so the status cannot be confirmed."
        )
        return
    try:
        value = listed.status(reference.index)
    except TokenStatusError as error:
        result.add("status", Outcome.FAILED, str(error))
        return
    if value == status_list.VALID:
        result.add("status", Outcome.PASSED, "The credential is not revoked or suspended.", at)
    elif value == status_list.INVALID:
        result.add("status", Outcome.FAILED, "The credential has been revoked.", at)
    elif value == status_list.SUSPENDED:
        result.add("status", Outcome.FAILED, "The credential has been suspended.", at)
    else:
        result.add(
            "status", Outcome.UNKNOWN, "The status list gives a status this verifier does not know.", at
        )


def _disclosure_check(result: VerificationResult, sd_jwt: SdJwt, presented: bool) -> None:
    """Which facts were disclosed, and which the type metadata knows of were not (names, never values)."""
    known = disclosable_claims(sd_jwt.vct)
    found = [str(path[0]) for path in sd_jwt.revealed.disclosed if len(path) == 1]
    # In the type metadata's order, so the same disclosure reads the same whatever the digests' order.
    disclosed = [n for n in known if n in found] + [n for n in found if n not in known]
    hidden = [name for name in known if name not in disclosed]
    shown = ", ".join(disclosed) or "none"
    reason = f"Disclosed: {shown}."
    if hidden:
        reason += f" Not disclosed (or not in the credential): {', '.join(hidden)}."
    elif sd_jwt.revealed.undisclosed_digests:
        reason += " Some claims may not have been disclosed."
    if presented and not disclosed:
        result.add("disclosure", Outcome.FAILED, f"The presentation discloses no fact. {reason}")
    else:
        result.add("disclosure", Outcome.PASSED, reason)


def _outcome(result: VerificationResult, name: str) -> Outcome | None:
    found = result.check(name)
    return found.outcome if found is not None else None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
