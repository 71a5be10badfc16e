"""The one verification pipeline, used by the verifier service, the wallet and the CLI alike.

A valid signature is not a valid credential (DESIGN.md §4): the data model, every proof, the
binding of the signing key to the issuer, the validity period and the status are separate
checks, each reported with its outcome and a reason a person can read. A check that could not
be made ("unknown": status list unreachable, say) is never reported as valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from nansen import jsonld, status, vcdm
from nansen.cache import ago
from nansen.config import Limits
from nansen.did.resolver import Resolver
from nansen.errors import NansenError, StatusListError
from nansen.jsonutil import check_depth, check_strings
from nansen.proofs import Expectations, ProofResult, verify_proofs
from nansen.timeutil import format_datetime, now


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    #: The check could be made in principle, but the data to decide was not available.
    UNKNOWN = "unknown"
    NOT_CHECKED = "not checked"


class Verdict(StrEnum):
    VALID = "VALID"
    NOT_VALID = "NOT VALID"
    CANNOT_CONFIRM = "CANNOT CONFIRM"


@dataclass(frozen=True)
class Check:
    name: str
    outcome: Outcome
    reason: str
    #: When the data the check used (a status list, the trust list) was last refreshed, if known.
    refreshed_at: datetime | None = None

    def to_json(self) -> dict[str, str]:
        result = {"check": self.name, "outcome": self.outcome.value, "reason": self.reason}
        if self.refreshed_at is not None:
            result["refreshedAt"] = format_datetime(self.refreshed_at)
        return result


@dataclass
class VerificationResult:
    """Every check and its outcome; ``verified`` only when none failed and none is unknown."""

    kind: str
    checks: list[Check] = field(default_factory=list)
    credentials: list[VerificationResult] = field(default_factory=list)
    document: dict[str, Any] | None = None

    @classmethod
    def malformed(cls, kind: str, reason: str) -> VerificationResult:
        """The result for input that could not even be read (not JSON, too large, too deep)."""
        result = cls(kind)
        result.add("format", Outcome.FAILED, reason)
        return result

    def add(self, name: str, outcome: Outcome, reason: str, refreshed_at: datetime | None = None) -> Outcome:
        self.checks.append(Check(name, outcome, reason, refreshed_at))
        return outcome

    @property
    def verdict(self) -> Verdict:
        outcomes = [c.outcome for c in self.checks] + [
            Outcome.FAILED if r.verdict is Verdict.NOT_VALID else Outcome.UNKNOWN
            for r in self.credentials
            if r.verdict is not Verdict.VALID
        ]
        if Outcome.FAILED in outcomes:
            return Verdict.NOT_VALID
        if Outcome.UNKNOWN in outcomes:
            return Verdict.CANNOT_CONFIRM
        return Verdict.VALID

    @property
    def verified(self) -> bool:
        return self.verdict is Verdict.VALID

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "verified": self.verified,
            "verdict": self.verdict.value,
            "kind": self.kind,
            "checks": [c.to_json() for c in self.checks],
            "errors": [c.reason for c in self.checks if c.outcome is Outcome.FAILED],
            "warnings": [c.reason for c in self.checks if c.outcome is Outcome.UNKNOWN],
        }
        if self.credentials:
            result["credentials"] = [r.to_json() for r in self.credentials]
        return result


class StatusListSource(Protocol):
    """Where status list credentials come from: a cache, an HTTP fetcher, files given offline."""

    def get(self, url: str) -> dict[str, Any] | None: ...


@runtime_checkable
class DatedSource(Protocol):
    """A source that knows when it last refreshed what it holds for ``url`` (a cache does)."""

    def refreshed_at(self, url: str) -> datetime | None: ...


class StaticStatusLists:
    """Status list credentials supplied up front (``--status-list FILE``), keyed by their id."""

    def __init__(self, credentials: Iterable[Mapping[str, Any]] = ()) -> None:
        self._by_id = {c["id"]: dict(c) for c in credentials if isinstance(c.get("id"), str)}

    def get(self, url: str) -> dict[str, Any] | None:
        return self._by_id.get(url)


_UNOBTAINABLE = "The status list could not be obtained, so the status cannot be confirmed."

#: Judges whether an issuer may issue a credential of these types (`nansen.trust`).
TrustPolicy = Callable[[str, list[str]], Check]


@dataclass
class Verifier:
    """What verification needs from its surroundings; one instance serves many verifications."""

    resolver: Resolver = field(default_factory=Resolver)
    status_lists: StatusListSource | None = None
    trust: TrustPolicy | None = None
    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], datetime] = now

    @property
    def skew(self) -> timedelta:
        return timedelta(seconds=self.limits.clock_skew_seconds)

    def verify_credential(self, document: Any, *, check_status: bool = True) -> VerificationResult:
        result = VerificationResult("credential")
        moment = self.clock()
        credential = self._format_check(result, document, vcdm.validate_credential)
        if credential is None:
            return result
        proofs = self._proof_check(result, credential, Expectations("assertionMethod", moment=moment))
        issuer = vcdm.issuer_id(credential)
        if proofs:
            if all(p.controller == issuer for p in proofs):
                result.add("issuer key", Outcome.PASSED, "The signing key belongs to the issuer.")
            else:
                result.add(
                    "issuer key",
                    Outcome.FAILED,
                    "The credential was signed with a key that does not belong to its issuer.",
                )
        else:
            result.add("issuer key", Outcome.NOT_CHECKED, "Not checked: the proof did not verify.")
        problem = vcdm.validity_problem(credential, moment, self.skew)
        if problem:
            result.add("validity period", Outcome.FAILED, problem)
        else:
            result.add("validity period", Outcome.PASSED, "The credential is within its validity period.")
        if check_status and not proofs:
            # An unverified credential must not make the verifier fetch the URLs it names.
            result.add("status", Outcome.NOT_CHECKED, "Not checked: the proof did not verify.")
        elif check_status:
            self._status_check(result, credential, issuer, moment)
        if self.trust is not None:
            types = [t for t in vcdm.as_list(credential.get("type")) if isinstance(t, str)]
            result.checks.append(self.trust(issuer, types))
        else:
            result.add("trust", Outcome.NOT_CHECKED, "Not checked: no trust list is configured.")
        return result

    def verify_presentation(
        self, document: Any, *, challenge: str | None, domain: str | None
    ) -> VerificationResult:
        result = VerificationResult("presentation")
        moment = self.clock()
        presentation = self._format_check(result, document, vcdm.validate_presentation)
        if presentation is None:
            return result
        proofs = self._proof_check(
            result, presentation, Expectations("authentication", challenge, domain, moment)
        )
        signers = {p.controller for p in proofs}
        credentials = vcdm.as_list(presentation.get("verifiableCredential", []))
        holder = presentation.get("holder")
        holder = holder.get("id") if isinstance(holder, dict) else holder
        if not proofs:
            result.add(
                "holder binding", Outcome.NOT_CHECKED, "Not checked: the presentation's proof did not verify."
            )
        elif holder is not None and signers != {holder}:
            result.add("holder binding", Outcome.FAILED, "The presentation was not signed by its holder.")
        elif not all(_subject_ids(c) & signers for c in credentials):
            result.add(
                "holder binding",
                Outcome.FAILED,
                "A credential was presented by someone who is not its subject.",
            )
        else:
            result.add("holder binding", Outcome.PASSED, "The credentials were presented by their subject.")
        result.credentials = [self.verify_credential(c) for c in credentials]
        return result

    def _format_check(
        self, result: VerificationResult, document: Any, validate: Callable[[Any], dict[str, Any]]
    ) -> dict[str, Any] | None:
        try:
            check_depth(document, self.limits.max_json_depth)
            check_strings(document)
            valid = validate(document)
            jsonld.check_contexts(valid)
        except NansenError as error:
            result.add("format", Outcome.FAILED, str(error))
            return None
        result.document = valid
        result.add("format", Outcome.PASSED, f"The {result.kind} is well-formed.")
        return valid

    def _proof_check(
        self, result: VerificationResult, document: dict[str, Any], expect: Expectations
    ) -> list[ProofResult]:
        """Every proof must verify; returns them only if all did."""
        try:
            proofs = verify_proofs(document, self.resolver, expect, self.limits)
        except NansenError as error:
            result.add("proof", Outcome.FAILED, str(error))
            return []
        if not proofs:
            result.add("proof", Outcome.FAILED, f"The {result.kind} carries no proof.")
            return []
        failed = [p for p in proofs if not p.verified]
        if failed:
            result.add("proof", Outcome.FAILED, failed[0].reason)
            return []
        suites = ", ".join(sorted({p.cryptosuite or "" for p in proofs}))
        result.add("proof", Outcome.PASSED, f"Every proof verifies ({suites}).")
        return proofs

    def _status_check(
        self, result: VerificationResult, credential: dict[str, Any], issuer: str, moment: datetime
    ) -> None:
        entries = vcdm.as_list(credential.get("credentialStatus", []))
        if not entries:
            result.add("status", Outcome.NOT_CHECKED, "The credential has no status entry to check.")
            return
        for entry in entries:
            purpose = entry.get("statusPurpose", "status")
            name = f"status: {purpose}"
            if entry.get("type") != "BitstringStatusListEntry":
                result.add(
                    name, Outcome.UNKNOWN, "The status entry is of a type this verifier does not know."
                )
                continue
            url = entry.get("statusListCredential")
            if self.status_lists is None or not isinstance(url, str):
                result.add(name, Outcome.UNKNOWN, _UNOBTAINABLE)
                continue
            list_credential = self.status_lists.get(url)
            outcome, reason = (
                (Outcome.UNKNOWN, _UNOBTAINABLE)
                if list_credential is None
                else self._entry_status(entry, list_credential, issuer, moment)
            )
            refreshed = (
                self.status_lists.refreshed_at(url) if isinstance(self.status_lists, DatedSource) else None
            )
            if refreshed is not None:
                reason = f"{reason.rstrip('.')} (status list last refreshed {ago(moment - refreshed)})."
            result.add(name, outcome, reason, refreshed)

    def _entry_status(
        self, entry: dict[str, Any], list_credential: dict[str, Any], issuer: str, moment: datetime
    ) -> tuple[Outcome, str]:
        list_result = self.verify_credential(list_credential, check_status=False)
        if any(c.outcome is Outcome.FAILED for c in list_result.checks if c.name != "trust"):
            return Outcome.UNKNOWN, "The status list did not verify, so the status cannot be confirmed."
        try:
            found = status.check_entry(entry, list_credential, issuer, moment, self.skew)
        except StatusListError as error:
            return Outcome.FAILED, str(error)
        word = "revoked" if found.purpose == "revocation" else "suspended"
        if found.status == "set":
            return Outcome.FAILED, f"The credential has been {word}."
        if found.status == "clear":
            return Outcome.PASSED, f"The credential is not {word}."
        return Outcome.UNKNOWN, found.reason


def _subject_ids(credential: Any) -> set[str]:
    try:
        return {s["id"] for s in vcdm.subjects(credential) if isinstance(s.get("id"), str)}
    except (NansenError, TypeError):
        return set()
