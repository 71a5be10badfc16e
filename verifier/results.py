"""What a result page shows, read from a verification: the verdict, each credential's attested facts
and issuing partner, when the trust list and the status lists were last refreshed, every check.

Facts are shown only from a credential whose issuer's signature verified: what a forger wrote is
never displayed as if attested. The partner's name comes from the trust list, and only when the
trust check passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from nansen import vcdm
from nansen.errors import NansenError
from nansen.verify import Check, Outcome, VerificationResult

#: The identityDocument facts in reading order (schemas/credentials/IdentityDocumentCredential.json).
FACTS: Final = (
    "documentTitle",
    "givenName",
    "familyName",
    "birthDate",
    "birthPlace",
    "gender",
    "nationality",
    "fatherName",
    "motherName",
    "documentNumber",
    "issuingCountry",
    "issuingAuthority",
    "dateOfIssue",
    "dateOfExpiry",
)


@dataclass(frozen=True)
class CredentialView:
    result: VerificationResult
    #: The kind of document (``Passport``, …), when the credential is an identity credential.
    document_type: str | None
    #: Whether the issuer's signature verified: only then are facts shown.
    attested: bool
    #: (name, value) pairs of the identity document's facts.
    facts: tuple[tuple[str, str], ...]
    partner: str | None

    @classmethod
    def of(cls, result: VerificationResult, partners: Callable[[str], str | None]) -> CredentialView:
        credential = result.document or {}
        attested = _passed(result.check("proof"))
        document = _identity_document(credential) if attested else {}
        kinds = [k for k in vcdm.as_list(document.get("type")) if k != "IdentityDocument"]
        facts = tuple((name, str(document[name])) for name in FACTS if isinstance(document.get(name), str))
        partner = partners(_issuer(credential)) if attested and _passed(result.check("trust")) else None
        return cls(result, str(kinds[0]) if kinds else None, attested, facts, partner)


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
        named = any((r.document or {}).get("credentialStatus") for r in results)
        return cls(
            result,
            tuple(CredentialView.of(r, partners) for r in results),
            Refreshed.of((c for c in checks if c.name == "trust"), named=bool(results)),
            Refreshed.of((c for c in checks if c.name.startswith("status")), named=named),
            moment,
        )


def _passed(check: Check | None) -> bool:
    return check is not None and check.outcome is Outcome.PASSED


def _identity_document(credential: dict[str, Any]) -> dict[str, Any]:
    try:
        subjects = vcdm.subjects(credential)
    except NansenError:
        return {}
    documents = [s["identityDocument"] for s in subjects if isinstance(s.get("identityDocument"), dict)]
    return documents[0] if documents else {}


def _issuer(credential: dict[str, Any]) -> str:
    try:
        return vcdm.issuer_id(credential)
    except NansenError:
        return ""
