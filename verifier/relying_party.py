"""``POST /presentations/verify`` in the VC-API model: the caller is the relying party.

With ``NANSEN_VERIFIER_PRESENTATIONS=relying-party`` the caller chose the challenge (and the domain)
it gave the holder, and answers for that challenge's single use: this verifier checks the
presentation's proof against ``options.challenge`` and ``options.domain`` (Data Integrity 1.0 §2.1,
``challenge`` and ``domain``; VC-API "Verify Presentation"), and neither issues nor remembers them.

What stays true here: a challenge is required (a presentation bound to none could be replayed for
ever, and the caller would have nothing to answer for); a proof made for a domain is accepted only
when the caller names that domain; every proof must verify, and an unsigned presentation is refused
by the pipeline. The scan pages, ``POST /scan`` and the QR flow never come here: they keep this
verifier's own challenges or one-way scanning (`verifier.verification.check_scanned`), and their
holder binding.
"""

from __future__ import annotations

from typing import Any

from nansen.errors import NansenError
from nansen.proofs.dataintegrity import proofs_of
from nansen.verify import HolderBinding, Outcome, VerificationResult, Verifier

#: The problem's words when a caller gives no challenge (the endpoint answers 400 ``challenge-required``).
CHALLENGE_REQUIRED = (
    "This verifier checks presentations for their relying party: give the challenge you chose "
    "in options.challenge."
)
_DOMAIN_NOT_GIVEN = (
    "The presentation was made for a domain, and the request names none in options.domain; "
    "a presentation made for another relying party is not accepted."
)
_ANSWERED = (
    "The proof answers the challenge the relying party gave; the relying party answers for its single use."
)


def check_for_relying_party(
    document: Any, *, challenge: str, domain: str | None, verifier: Verifier, holder_binding: HolderBinding
) -> VerificationResult:
    """The pipeline's presentation checks against the caller's ``challenge`` and ``domain`` (the
    endpoint refuses a request without a challenge before calling this, with `CHALLENGE_REQUIRED`)."""
    result = verifier.verify_presentation(
        document, challenge=challenge, domain=domain, holder_binding=holder_binding
    )
    if result.document is None:
        return result
    if domain is None and _carries_domain(result.document):
        result.add("domain", Outcome.FAILED, _DOMAIN_NOT_GIVEN)
    proof = result.check("proof")
    if proof is not None and proof.outcome is Outcome.PASSED:
        result.add("challenge", Outcome.PASSED, _ANSWERED)
    else:
        result.add("challenge", Outcome.NOT_CHECKED, "Not checked: the presentation's proof did not verify.")
    return result


def _carries_domain(document: dict[str, Any]) -> bool:
    try:
        return any("domain" in proof for proof in proofs_of(document))
    except NansenError:
        return False


_KEY_BOUND = (
    "The Key Binding JWT answers the nonce (challenge) and audience (domain) the relying party gave; "
    "the relying party answers for the nonce's single use."
)
_AUDIENCE_NOT_GIVEN = (
    "An SD-JWT presentation is always made for an audience (its Key Binding JWT's aud), and the "
    "request names none in options.domain; a presentation made for another relying party is not accepted."
)


def check_sd_jwt_for_relying_party(
    text: str, *, challenge: str, domain: str | None, verifier: Verifier
) -> VerificationResult:
    """An SD-JWT+KB against the caller's ``challenge`` (the KB-JWT's ``nonce``) and ``domain`` (its
    ``aud``, RFC 9901 §7.3): without a domain it is refused, as a proof made for a domain is."""
    result = verifier.verify_sd_jwt(text, nonce=challenge, audience=domain)
    if domain is None:
        result.add("domain", Outcome.FAILED, _AUDIENCE_NOT_GIVEN)
    binding = result.check("holder binding")
    if binding is not None and binding.outcome is Outcome.PASSED:
        result.add("challenge", Outcome.PASSED, _KEY_BOUND)
    else:
        result.add(
            "challenge", Outcome.NOT_CHECKED, "Not checked: the presentation's key binding did not verify."
        )
    return result
