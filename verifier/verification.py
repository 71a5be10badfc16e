"""Verifying a presentation as this service does: the core pipeline, then challenge or one-way checks.

A presentation whose proof carries a ``challenge`` or a ``domain`` was made for one verifier: it
is accepted only with a challenge this verifier issued and has not used, and this verifier's own
domain, never by falling back to one-way (Data Integrity 1.0 §2.1, ``challenge`` and ``domain``).
The challenge is the caller's ``options.challenge`` or, without one, the one the proof carries
(a challenged QR code is scanned with no options); either is spent when the presentation is
accepted, once. A one-way verifier issues no challenges, so it accepts no bound presentation.
A presentation with neither (one-way scanning) must have been made within the configured window,
and is accepted once, keyed on its signatures (`verifier.replay`). A challenge is spent, or a
presentation remembered, only when everything else verified: a presentation that fails cannot
use up the holder's challenge.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from nansen import vcdm
from nansen.errors import NansenError
from nansen.proofs.dataintegrity import proofs_of
from nansen.timeutil import parse_datetime
from nansen.verify import Check, HolderBinding, Outcome, Verdict, VerificationResult, Verifier
from service.metrics import record_verdict
from service.problems import Problem
from verifier import replay
from verifier.facts import facts_of
from verifier.replay import ChallengeState
from verifier.settings import Mode, Settings

_CHALLENGE_REFUSED = {
    ChallengeState.UNKNOWN: "The challenge was not issued by this verifier; ask for a new one.",
    ChallengeState.EXPIRED: "The challenge has expired; ask for a new one.",
    ChallengeState.SPENT: "The challenge has already been used; ask for a new one.",
}


def _no_trust_list(_issuer: str, _types: list[str]) -> Check:
    return Check(
        "trust",
        Outcome.UNKNOWN,
        "No trust list is loaded, so the issuer cannot be confirmed as a trusted partner.",
    )


def judging_trust(verifier: Verifier) -> Verifier:
    """The pipeline as scanning uses it: trust is always judged, and unknown without a trust list
    (the VC-API endpoints judge it only when a list is configured, as the W3C suites expect)."""
    return verifier if verifier.trust is not None else dataclasses.replace(verifier, trust=_no_trust_list)


@dataclass(frozen=True)
class PresentationOptions:
    """VC-API ``options`` of ``POST /presentations/verify``."""

    challenge: str | None = None
    domain: str | None = None


def is_a(document: Any, kind: str) -> bool:
    """Whether the document is a JSON object whose ``type`` names ``kind``."""
    return isinstance(document, dict) and kind in vcdm.as_list(document.get("type"))


_NOT_PRESENTED = (
    "The credential was not presented by its holder: anyone with a copy can show it. "
    "Ask the holder to show it from their wallet."
)


def check_scanned(
    document: Any, options: PresentationOptions, *, verifier: Verifier, session: Session, settings: Settings
) -> VerificationResult:
    """What a scan shows (the pages, ``POST /scan``, ``nansen verifier verify --qr``): a presentation,
    checked as `check_presentation` does, with a ``facts`` check on each credential (a page shows
    the facts, so what it cannot show faithfully is not valid). A credential on its own is checked
    too, but it is never valid: it was not presented by its holder. Text is an SD-JWT VC
    (`verifier.sdjwt_checks`): the same rules, its Key Binding JWT in place of the proof."""
    if isinstance(document, str):
        from verifier.sdjwt_checks import check_sd_jwt  # it builds on this module

        result = check_sd_jwt(
            document, options, verifier=verifier, session=session, settings=settings, shown=True
        )
    elif is_a(document, "VerifiableCredential") and not is_a(document, "VerifiablePresentation"):
        result = verifier.verify_credential(document)
        result.add("holder binding", Outcome.FAILED, _NOT_PRESENTED)
        check_facts(result)
    else:
        result = check_presentation(
            document,
            options,
            verifier=verifier,
            session=session,
            settings=settings,
            shown=True,
            holder_binding=HolderBinding.REQUIRED,  # what a page promises; never configurable
        )
    record_verdict(result.verdict.value)
    return result


def check_facts(result: VerificationResult) -> None:
    """On a credential's result, for a page: a ``facts`` check (`nansen.facts`) when its issuer's
    signature and key verified; otherwise no facts are read, and its trust is not judged, since
    the issuer it names is not known to have issued it (a forger may name a trusted partner),
    unless it failed already: an untrusted issuer is never VALID."""
    if result.document is None or not (_passed(result, "proof") and _passed(result, "issuer key")):
        # A trust check that failed stays: the signature went unchecked *because* the issuer it
        # names is untrusted, and replacing that failure would leave nothing failed (VALID).
        result.checks = [
            _UNJUDGED_TRUST if c.name == "trust" and c.outcome is not Outcome.FAILED else c
            for c in result.checks
        ]
        result.add("facts", Outcome.NOT_CHECKED, "Not read: the issuer's signature or key did not verify.")
        return
    problems = facts_of(result).problems
    if problems:
        result.add("facts", Outcome.FAILED, " ".join(problems))
    else:
        result.add("facts", Outcome.PASSED, "Every fact the issuer signed can be shown as it is.")


_UNJUDGED_TRUST = Check(
    "trust",
    Outcome.NOT_CHECKED,
    "Not judged: the credential's signature or key did not verify, so who issued it is not known.",
)


def _passed(result: VerificationResult, name: str) -> bool:
    check = result.check(name)
    return check is not None and check.outcome is Outcome.PASSED


def check_presentation(
    document: Any,
    options: PresentationOptions,
    *,
    verifier: Verifier,
    session: Session,
    settings: Settings,
    shown: bool = False,
    holder_binding: HolderBinding = HolderBinding.REQUIRED,
) -> VerificationResult:
    """Check a presentation as the module says; with ``shown`` (a page will show it), each
    credential's facts too, before any challenge is spent or the presentation remembered.
    ``holder_binding`` is the VC-API's policy; a scan (`check_scanned`) always requires it."""
    if options.domain is not None and options.domain != settings.domain:
        raise Problem(400, "The domain in the options is not this verifier's domain.", "wrong-domain")
    bound, carried = _binding(document)
    if options.challenge is None and not bound:
        if settings.mode is Mode.CHALLENGE:
            raise Problem(
                400, "This verifier requires a challenge: ask POST /challenges for one.", "challenge-required"
            )
        result = _verify(verifier, document, None, None, shown, holder_binding)
        _one_way_checks(result, session, settings, verifier)
        return result
    nonce = options.challenge if options.challenge is not None else carried
    result = _verify(verifier, document, nonce, settings.domain, shown, holder_binding)
    if settings.mode is Mode.ONE_WAY:
        result.add("challenge", Outcome.FAILED, ONE_WAY_BOUND)
    elif nonce is None:
        result.add("challenge", Outcome.FAILED, NO_CHALLENGE)
    else:
        challenge_check(result, session, nonce, verifier.clock())
    return result


def _verify(
    verifier: Verifier,
    document: Any,
    challenge: str | None,
    domain: str | None,
    shown: bool,
    holder_binding: HolderBinding,
) -> VerificationResult:
    result = verifier.verify_presentation(
        document, challenge=challenge, domain=domain, holder_binding=holder_binding
    )
    if shown:
        for credential in result.credentials:
            check_facts(credential)
    return result


ONE_WAY_BOUND = (
    "The presentation was made for a challenge or a domain, and this verifier issues no challenges; "
    "ask the holder to show it again."
)
NO_CHALLENGE = (
    "The presentation names a domain but no challenge this verifier issued; ask the holder to show it again."
)


def _binding(document: Any) -> tuple[bool, str | None]:
    """Whether any proof carries a ``challenge`` or a ``domain``, and the first challenge carried
    (None if none is a string). A document whose proofs cannot be read is left to the pipeline."""
    try:
        proofs = proofs_of(document) if isinstance(document, dict) else []
    except NansenError:
        return False, None
    bound = any("challenge" in proof or "domain" in proof for proof in proofs)
    carried = next((proof["challenge"] for proof in proofs if "challenge" in proof), None)
    return bound, carried if isinstance(carried, str) else None


def challenge_check(result: VerificationResult, session: Session, nonce: str, moment: datetime) -> None:
    """Spend the challenge if the presentation verified; a ``challenge`` check says what came of it."""
    verified = result.verdict is Verdict.VALID
    if verified and replay.spend_challenge(session, nonce, moment):
        result.add("challenge", Outcome.PASSED, "The challenge was issued by this verifier and is now used.")
        return
    state = replay.challenge_state(session, nonce, moment)
    if state is ChallengeState.USABLE and not verified:
        result.add("challenge", Outcome.NOT_CHECKED, "Not used: the presentation did not verify.")
    else:
        refused = _CHALLENGE_REFUSED.get(state, _CHALLENGE_REFUSED[ChallengeState.SPENT])
        result.add("challenge", Outcome.FAILED, refused)


def duration(seconds: int) -> str:
    return f"{seconds // 60} minutes" if seconds % 60 == 0 else f"{seconds} seconds"


def _proof_times(result: VerificationResult) -> list[datetime] | None:
    try:
        proofs = proofs_of(result.document or {})
        return [parse_datetime(proof["created"]) for proof in proofs] or None
    except (NansenError, KeyError, ValueError):
        return None


def _one_way_checks(
    result: VerificationResult, session: Session, settings: Settings, verifier: Verifier
) -> None:
    if result.document is None:
        return
    document = result.document
    one_way_checks(
        result,
        session,
        settings,
        verifier,
        times=_proof_times(result),
        undated="The presentation's proof does not say when it was made, so its freshness cannot be checked.",
        replay_keys=lambda: replay.signature_digests(document),
    )


def one_way_checks(
    result: VerificationResult,
    session: Session,
    settings: Settings,
    verifier: Verifier,
    *,
    times: list[datetime] | None,
    undated: str,
    replay_keys: Callable[[], Collection[str]],
) -> None:
    """Freshness and single use of a presentation made for no challenge, whatever its format: made
    within the one-way window (``times``: when its holder's proofs say they were made; None, or
    ``undated`` as the reason, when they do not say) and accepted once, keyed on ``replay_keys``
    (its holder's signatures), remembered while it could still be accepted."""
    moment = verifier.clock()
    window = timedelta(seconds=settings.one_way_window_seconds)
    if times is None:
        result.add("freshness", Outcome.FAILED, undated)
    elif min(times) < moment - window:
        result.add(
            "freshness",
            Outcome.FAILED,
            f"The presentation was made more than {duration(settings.one_way_window_seconds)} ago; "
            "ask the holder to show it again.",
        )
    else:
        result.add(
            "freshness",
            Outcome.PASSED,
            f"The presentation was made within the last {duration(settings.one_way_window_seconds)}.",
        )
    if times is None or result.verdict is not Verdict.VALID:
        result.add("replay", Outcome.NOT_CHECKED, "Not checked: the presentation did not verify.")
        return
    # Kept while the presentation is fresh enough to be accepted, allowing for clock skew.
    until = max(times) + window + verifier.skew
    if replay.remember_presentation(session, replay_keys(), moment, until):
        result.add("replay", Outcome.PASSED, "The presentation is used for the first time.")
    else:
        result.add(
            "replay",
            Outcome.FAILED,
            "This presentation has already been accepted once; ask the holder to show it again.",
        )
