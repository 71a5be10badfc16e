"""Verifying a presentation as this service does: the core pipeline, then challenge or one-way checks.

With a challenge this verifier issued (``POST /challenges``), the holder's proof must carry it
and this verifier's domain, and the challenge is spent when the presentation is accepted, once.
Without one (one-way scanning), the holder's proof must have been made within the configured
window, and the presentation (the digest of its proof values) is accepted once. A challenge is
spent, or a presentation remembered, only when everything else verified: a presentation that
fails cannot use up the holder's challenge.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from nansen.errors import NansenError
from nansen.proofs.dataintegrity import proofs_of
from nansen.timeutil import parse_datetime
from nansen.verify import Check, Outcome, Verdict, VerificationResult, Verifier
from verifier import replay
from verifier.problems import Problem
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


def check_presentation(
    document: Any, options: PresentationOptions, *, verifier: Verifier, session: Session, settings: Settings
) -> VerificationResult:
    if settings.mode is Mode.CHALLENGE and options.challenge is None:
        raise Problem(
            400, "This verifier requires a challenge: ask POST /challenges for one.", "challenge-required"
        )
    if options.challenge is not None and settings.mode is not Mode.ONE_WAY:
        if options.domain is not None and options.domain != settings.domain:
            raise Problem(400, "The domain in the options is not this verifier's domain.", "wrong-domain")
        result = verifier.verify_presentation(document, challenge=options.challenge, domain=settings.domain)
        _challenge_check(result, session, options.challenge, verifier.clock())
    else:
        result = verifier.verify_presentation(document, challenge=options.challenge, domain=options.domain)
        _one_way_checks(result, session, settings, verifier)
    return result


def _challenge_check(result: VerificationResult, session: Session, nonce: str, moment: datetime) -> None:
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


def _duration(seconds: int) -> str:
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
    moment = verifier.clock()
    window = timedelta(seconds=settings.one_way_window_seconds)
    times = _proof_times(result)
    if times is None:
        result.add(
            "freshness",
            Outcome.FAILED,
            "The presentation's proof does not say when it was made, so its freshness cannot be checked.",
        )
    elif min(times) < moment - window:
        result.add(
            "freshness",
            Outcome.FAILED,
            f"The presentation was made more than {_duration(settings.one_way_window_seconds)} ago; "
            "ask the holder to show it again.",
        )
    else:
        result.add(
            "freshness",
            Outcome.PASSED,
            f"The presentation was made within the last {_duration(settings.one_way_window_seconds)}.",
        )
    if times is None or result.verdict is not Verdict.VALID:
        result.add("replay", Outcome.NOT_CHECKED, "Not checked: the presentation did not verify.")
        return
    # Kept while the presentation is fresh enough to be accepted, allowing for clock skew.
    until = max(times) + window + verifier.skew
    if replay.remember_presentation(session, replay.presentation_digest(result.document), moment, until):
        result.add("replay", Outcome.PASSED, "The presentation is used for the first time.")
    else:
        result.add(
            "replay",
            Outcome.FAILED,
            "This presentation has already been accepted once; ask the holder to show it again.",
        )
