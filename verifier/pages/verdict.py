"""What a result page shows, read from a verification: the verdict, each credential's attested facts
and issuing partner, when the trust list and the status lists were last refreshed, every check.

Facts and the partner's name are shown only from a credential its holder presented (the holder
binding passed) whose issuer's signature, issuer's key and trust all passed: what a forger wrote,
or what a stolen copy says, is never displayed as if attested. Facts are read from the signed graph
(`nansen.facts`), or an SD-JWT VC's disclosed claims (`verifier.facts`), which also names the facts
its holder did not disclose; the partner's name comes from the trust list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from nansen.facts import IdentityFacts
from nansen.verify import Check, Outcome, VerificationResult
from verifier.facts import facts_of, issuer_of, names_status, undisclosed_of

#: What must have passed before a credential's facts and issuer are shown.
_CONFIRMING: Final = ("proof", "issuer key", "trust")


@dataclass(frozen=True)
class CredentialView:
    result: VerificationResult
    #: The kind of document (``Passport``, …), when the credential is an identity credential.
    document_type: str | None
    #: Whether the holder presented it and its proof, issuer key and trust passed: only then are
    #: facts and the partner shown.
    confirmed: bool
    #: (name, value) pairs of the identity document's facts.
    facts: tuple[tuple[str, str], ...]
    partner: str | None
    #: The facts an SD-JWT VC's holder chose not to show (names only), once confirmed.
    undisclosed: tuple[str, ...] = ()
    #: ``VC 2.0``, ``VC 1.1``, ``SD-JWT VC`` (the report's ``dataModel``), once confirmed.
    data_model: str | None = None

    @classmethod
    def of(
        cls, result: VerificationResult, partners: Callable[[str], str | None], presented: bool
    ) -> CredentialView:
        confirmed = presented and all(_passed(result.check(name)) for name in _CONFIRMING)
        read = facts_of(result) if confirmed else IdentityFacts()
        partner = partners(issuer_of(result)) if confirmed else None
        undisclosed = undisclosed_of(result) if confirmed else ()
        data_model = result.data_model if confirmed else None
        return cls(result, read.document_type, confirmed, read.facts, partner, undisclosed, data_model)


@dataclass(frozen=True)
class Refreshed:
    """How fresh the data behind some checks was: ``at`` is the oldest refresh among them, else
    ``state`` says why there is none: ``unavailable`` (never obtained), ``not-checked`` (an
    earlier check failed), ``none`` (no credential names such data)."""

    state: str
    at: datetime | None = None

    @classmethod
    def of(cls, checks: Iterable[Check], named: bool) -> Refreshed:
        made = [c for c in checks if c.outcome is not Outcome.NOT_CHECKED]
        moments = [c.refreshed_at for c in made if c.refreshed_at is not None]
        if moments:
            return cls("refreshed", min(moments))
        return cls("unavailable" if made else "not-checked" if named else "none")


@dataclass(frozen=True)
class ResultView:
    result: VerificationResult
    credentials: tuple[CredentialView, ...]
    trust: Refreshed
    status: Refreshed
    #: The verifier's clock when the page was made (ages are counted from it).
    moment: datetime

    @property
    def concerns(self) -> list[Check]:
        """The checks that failed or could not be made: why the verdict is not VALID."""
        results = [self.result, *(c.result for c in self.credentials if c.result is not self.result)]
        return [c for r in results for c in r.checks if c.outcome in (Outcome.FAILED, Outcome.UNKNOWN)]

    @classmethod
    def of(
        cls, result: VerificationResult, partners: Callable[[str], str | None], moment: datetime
    ) -> ResultView:
        results = result.credentials if result.kind == "presentation" else [result]
        checks = [c for r in results for c in r.checks]
        named = any(names_status(r) for r in results)
        presented = result.kind == "presentation" and _passed(result.check("holder binding"))
        return cls(
            result,
            tuple(CredentialView.of(r, partners, presented) for r in results),
            Refreshed.of((c for c in checks if c.name == "trust"), named=bool(results)),
            Refreshed.of((c for c in checks if c.name.startswith("status")), named=named),
            moment,
        )


def _passed(check: Check | None) -> bool:
    return check is not None and check.outcome is Outcome.PASSED
