"""The one verification pipeline, used by the verifier service, the wallet and the CLI alike.

A valid signature is not a valid credential (DESIGN.md §4): the data model, every proof, the
binding of the signing key to the issuer, the validity period and the status are separate
checks, each reported with its outcome and a reason a person can read. A check that could not
be made ("unknown": status list unreachable, say) is never reported as valid.

What VALID promises (issue 9, DESIGN.md §4): at least one credential was presented and every one
passed every check; each proof verifies with a key its signer controls, judged from a DID
document no older than a bound (`nansen.did.web_resolver`); no status entry is set, judged from
a list no older than its bound (`nansen.status_source`); every proof of a presentation is its
holder's, each credential's subject signed it (the default `HolderBinding` policy; the pages
always use it), and no proof is repeated; the issuer is trusted
where a trust list is configured, judged before anything the credential names is fetched.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from nansen import jsonld, status, vcdm
from nansen.cache import ago
from nansen.config import Limits, configured_limits
from nansen.did.resolver import Resolver
from nansen.errors import NansenError, StatusListError
from nansen.jsonutil import check_depth, check_strings
from nansen.proofs import Expectations, ProofResult, verify_proofs
from nansen.proofs.cryptosuites import suite_label
from nansen.proofs.dataintegrity import proofs_of, signature_identity
from nansen.sdjwt.verification import KeyBinding
from nansen.timeutil import format_datetime, now
from nansen.verified_lists import VerifiedLists


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    #: The check could be made in principle, but the data to decide was not available.
    UNKNOWN = "unknown"
    NOT_CHECKED = "not checked"


class HolderBinding(StrEnum):
    """Whom a presentation's signer must be (VC Data Model 2.0 §4.13, §7.1 "holder")."""

    #: The holder, and the subject of every credential presented: the scan pages and the QR flow
    #: always (the scan page promises a credential "presented by its holder"), and the VC-API by default.
    REQUIRED = "required"
    #: The holder when one is named; the credentials need not be about the signer (VC 2.0 allows a
    #: holder who is not the subject), and there may be none (VC 2.0 §4.13: ``verifiableCredential``
    #: MAY be present; such a presentation proves only that its signer controls its key). The proof
    #: must still verify. Offered to VC-API callers only.
    HOLDER_ONLY = "holder-only"


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
    #: Whether this is the result of an SD-JWT VC (`nansen.verify_sdjwt`): ``document`` is then its
    #: disclosed claims, not a JSON-LD document.
    sd_jwt: bool = False

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

    @property
    def data_model(self) -> str | None:
        """What the document is: ``SD-JWT VC`` (IETF SD-JWT VC), or the W3C data model its first
        ``@context`` names (``VC 2.0``, ``VC 1.1``, else ``unknown``); None with no document."""
        if self.document is None:
            return None
        return SD_JWT_VC if self.sd_jwt else data_model_of(self.document)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "verified": self.verified,
            "verdict": self.verdict.value,
            "kind": self.kind,
            "checks": [c.to_json() for c in self.checks],
            "errors": [c.reason for c in self.checks if c.outcome is Outcome.FAILED],
            "warnings": [c.reason for c in self.checks if c.outcome is Outcome.UNKNOWN],
        }
        if self.document is not None:
            result["dataModel"] = self.data_model
            result["proofSuites"] = proof_suites_of(self.document)
        if self.credentials:
            result["credentials"] = [r.to_json() for r in self.credentials]
        return result


class StatusListSource(Protocol):
    """Where status list credentials come from: a cache, an HTTP fetcher, files given offline."""

    def get(self, url: str) -> dict[str, Any] | None: ...


class StatusTokenSource(Protocol):
    """Where IETF Status List Tokens (compact JWTs, for SD-JWT VCs) come from: a cache, an HTTPS
    fetcher (`nansen.status_token_source`), tokens given up front (`nansen.verify_sdjwt`)."""

    def get_token(self, uri: str) -> str | None: ...


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
_UNTRUSTED = "Not checked: the issuer is not trusted."

#: Judges whether an issuer may issue a credential of these types (`nansen.trust`).
TrustPolicy = Callable[[str, list[str]], Check]


@dataclass
class Verifier:
    """What verification needs from its surroundings; one instance serves many verifications."""

    resolver: Resolver = field(default_factory=Resolver)
    status_lists: StatusListSource | None = None
    trust: TrustPolicy | None = None
    limits: Limits = field(default_factory=configured_limits)
    clock: Callable[[], datetime] = now
    #: Status List Tokens for SD-JWT VCs (IETF Token Status List; `nansen.verify_sdjwt`).
    status_tokens: StatusTokenSource | None = None
    #: Status lists whose proof already verified (`nansen.verified_lists`); None checks each every time.
    verified_lists: VerifiedLists | None = None

    @property
    def skew(self) -> timedelta:
        return timedelta(seconds=self.limits.clock_skew_seconds)

    def verify_credential(self, document: Any, *, check_status: bool = True) -> VerificationResult:
        result = VerificationResult("credential")
        moment = self.clock()
        credential = self._format_check(result, document, vcdm.validate_credential)
        if credential is None:
            return result
        issuer = vcdm.issuer_id(credential)
        trust = self._trust_check(credential, issuer)
        if trust.outcome is Outcome.FAILED:
            # Judged first: an untrusted issuer must not make the verifier reach the hosts its
            # credential names (its DID document, its status list), revealing who scans and when.
            result.add("proof", Outcome.NOT_CHECKED, _UNTRUSTED)
            result.add("issuer key", Outcome.NOT_CHECKED, _UNTRUSTED)
            proofs: list[ProofResult] = []
        else:
            proofs = self._issuer_proof_check(result, credential, issuer, moment)
        problem = vcdm.validity_problem(credential, moment, self.skew)
        if problem:
            result.add("validity period", Outcome.FAILED, problem)
        else:
            result.add("validity period", Outcome.PASSED, "The credential is within its validity period.")
        if check_status and not proofs:
            # An unverified credential must not make the verifier fetch the URLs it names.
            reason = (
                _UNTRUSTED if trust.outcome is Outcome.FAILED else "Not checked: the proof did not verify."
            )
            result.add("status", Outcome.NOT_CHECKED, reason)
        elif check_status:
            self._status_check(result, credential, issuer, moment)
        result.checks.append(trust)
        return result

    def verify_presentation(
        self,
        document: Any,
        *,
        challenge: str | None,
        domain: str | None,
        holder_binding: HolderBinding = HolderBinding.REQUIRED,
    ) -> VerificationResult:
        result = VerificationResult("presentation")
        moment = self.clock()
        presentation = self._format_check(result, document, vcdm.validate_presentation)
        if presentation is None:
            return result
        credentials = vcdm.as_list(presentation.get("verifiableCredential", []))
        subjects_sign = holder_binding is HolderBinding.REQUIRED
        if not credentials and subjects_sign:
            result.add("credentials", Outcome.FAILED, "The presentation carries no credential.")
        elif not credentials:
            result.add("credentials", Outcome.PASSED, _NO_CREDENTIAL)
        # The credentials first: one from an untrusted issuer must not make the verifier fetch
        # the holder's DID document either (the attacker may have named both).
        result.credentials = [self.verify_credential(c) for c in credentials]
        holder = presentation.get("holder")
        holder = holder.get("id") if isinstance(holder, dict) else holder
        foreign = _foreign_signers(
            _named_signers(presentation), holder, credentials if subjects_sign else None
        )
        if any(_failed(r, "trust") for r in result.credentials):
            untrusted = "Not checked: a credential's issuer is not trusted."
            result.add("proof", Outcome.NOT_CHECKED, untrusted)
            result.add("holder binding", Outcome.NOT_CHECKED, untrusted)
        elif foreign is not None:
            # Resolving a key of someone else would fetch a DID document the presentation names.
            result.add("proof", Outcome.NOT_CHECKED, "Not checked: a proof was made by someone else.")
            result.add("holder binding", Outcome.FAILED, foreign)
        else:
            # A holder's DID document is kept nowhere: the verifier keeps nothing about holders.
            expect = Expectations("authentication", challenge, domain, moment, remember=False)
            proofs = self._proof_check(result, presentation, expect)
            signers = {p.controller or "" for p in proofs}
            if subjects_sign:
                problem = _binding_problem(signers, holder, credentials)
                bound = "The credentials were presented by their subject."
            else:
                problem = _foreign_signers(signers, holder, None)
                bound = _HOLDER_ONLY_BOUND if holder is not None else _SIGNED_ONLY
            if not proofs:
                result.add(
                    "holder binding",
                    Outcome.NOT_CHECKED,
                    "Not checked: the presentation's proof did not verify.",
                )
            elif problem:
                result.add("holder binding", Outcome.FAILED, problem)
            else:
                result.add("holder binding", Outcome.PASSED, bound)
        return result

    def verify_sd_jwt(
        self, text: str, *, nonce: str | None = None, audience: str | None = None, presentation: bool = True
    ) -> VerificationResult:
        """An SD-JWT VC, with the same checks and report as a Data Integrity credential.

        As a presentation (the default) a Key Binding JWT by the ``cnf`` key is required, with
        this ``nonce`` and ``audience`` when given (RFC 9901 §7.3); a copy without one is NOT VALID.
        ``presentation=False`` verifies it as a credential held, with no holder binding.
        """
        from nansen.verify_sdjwt import verify_sd_jwt  # the SD-JWT checks build on this module

        binding = KeyBinding(nonce, audience, self.clock(), self.skew) if presentation else None
        return verify_sd_jwt(self, text, binding)

    def _trust_check(self, credential: dict[str, Any], issuer: str) -> Check:
        if self.trust is None:
            return Check("trust", Outcome.NOT_CHECKED, "Not checked: no trust list is configured.")
        types = [t for t in vcdm.as_list(credential.get("type")) if isinstance(t, str)]
        return self.trust(issuer, types)

    def _issuer_proof_check(
        self, result: VerificationResult, credential: dict[str, Any], issuer: str, moment: datetime
    ) -> list[ProofResult]:
        """The proof and issuer key checks; the proofs, if every one verified and one is the issuer's.

        A proof set or chain (Data Integrity 1.0 §2.1.1, §2.1.2) may carry proofs by others beside
        the issuer's (a witness, an endorsement; the W3C suites' ``previousProof`` chains): each
        must verify too, and each other signer must be a ``did:key``, resolved offline, because a
        credential must not make the verifier fetch a document that its issuer did not name.
        """
        foreign = "The credential was signed with a key that does not belong to its issuer."
        named = _named_signers(credential)
        others = named - {issuer}
        if (named and issuer not in named) or not all(s.startswith("did:key:") for s in others):
            # Resolving another DID's key would fetch a document the credential names, not its issuer.
            result.add("proof", Outcome.NOT_CHECKED, "Not checked: the signing key is not the issuer's.")
            result.add("issuer key", Outcome.FAILED, foreign)
            return []
        proofs = self._proof_check(result, credential, Expectations("assertionMethod", moment=moment))
        if not proofs:
            result.add("issuer key", Outcome.NOT_CHECKED, "Not checked: the proof did not verify.")
        elif any(p.controller == issuer for p in proofs) and all(
            p.controller == issuer or p.controller in others for p in proofs
        ):
            extra = sum(p.controller != issuer for p in proofs)
            also = f" ({extra} more proof(s), by other signers, verify too)" if extra else ""
            result.add("issuer key", Outcome.PASSED, f"The signing key belongs to the issuer{also}.")
        else:
            result.add("issuer key", Outcome.FAILED, foreign)
            return []
        return proofs

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
        model = data_model_of(valid)
        named = f" ({model})" if model != UNKNOWN else ""
        result.add("format", Outcome.PASSED, f"The {result.kind} is well-formed{named}.")
        return valid

    def _proof_check(
        self, result: VerificationResult, document: dict[str, Any], expect: Expectations
    ) -> list[ProofResult]:
        """Every proof must verify, and none be repeated; returns them only if all did.

        A proof whose signer's DID document cannot be had is unknown, not failed: nothing says
        it is forged (Data Integrity 1.0 §4.4 cannot be completed without the key).
        """
        if result.kind == "credential":
            document = _each_proof_once(document)
        if _repeats_a_proof(document):
            result.add("proof", Outcome.FAILED, f"The {result.kind} carries the same proof more than once.")
            return []
        try:
            proofs = verify_proofs(document, self.resolver, expect, self.limits)
        except NansenError as error:
            result.add("proof", Outcome.FAILED, str(error))
            return []
        if not proofs:
            result.add("proof", Outcome.FAILED, f"The {result.kind} carries no proof.")
            return []
        failed = [p for p in proofs if not p.verified and not p.undecided]
        undecided = [p for p in proofs if p.undecided]
        if failed or undecided:
            outcome, reason = (
                (Outcome.FAILED, _naming_suites(failed[0].reason, document))
                if failed
                else (
                    Outcome.UNKNOWN,
                    f"The signature cannot be checked: {_lower_first(undecided[0].reason)}",
                )
            )
            result.add("proof", outcome, reason)
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
            refreshed = (
                self.status_lists.refreshed_at(url) if isinstance(self.status_lists, DatedSource) else None
            )
            if list_credential is not None:
                outcome, reason = self._entry_status(entry, list_credential, issuer, moment)
                if refreshed is not None:
                    reason = f"{reason.rstrip('.')} (status list last refreshed {ago(moment - refreshed)})."
            elif refreshed is not None:
                # The source holds a copy it no longer vouches for (nansen.status_source: max_age).
                outcome, reason = (
                    Outcome.UNKNOWN,
                    "The status list could not be obtained: the copy held was last refreshed "
                    f"{ago(moment - refreshed)}, too long ago to rely on, so the status cannot be confirmed.",
                )
            else:
                outcome, reason = Outcome.UNKNOWN, _UNOBTAINABLE
            result.add(name, outcome, reason, refreshed)

    def _entry_status(
        self, entry: dict[str, Any], list_credential: dict[str, Any], issuer: str, moment: datetime
    ) -> tuple[Outcome, str]:
        if not self._list_verifies(list_credential, moment):
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

    def _list_verifies(self, list_credential: dict[str, Any], moment: datetime) -> bool:
        """Whether the status list is its issuer's and in force: format, proof and issuer key (taken
        from `verified_lists` when this list and its issuer's document passed them before), and
        always the validity period, which ages."""
        memory = self.verified_lists
        key = None if memory is None else memory.key(list_credential, self.resolver)
        if memory is not None and key is not None and memory.verified(key):
            return vcdm.validity_problem(list_credential, moment, self.skew) is None
        # The list is the issuer's, judged by its proof and key; trust concerns the credential.
        list_result = dataclasses.replace(self, trust=None).verify_credential(
            list_credential, check_status=False
        )
        signed = all(_passed(list_result, name) for name in ("format", "proof", "issuer key"))
        # Kept only if the issuer's document did not change while it was checked (a refresh between).
        if (
            signed
            and memory is not None
            and key is not None
            and key == memory.key(list_credential, self.resolver)
        ):
            memory.remember(key)
        return signed and _passed(list_result, "validity period")


# --- What a report names: the data model and the proofs' suites (issue 11) ---------------------

#: The first ``@context`` names the data model (VC Data Model 2.0 §4.3; 1.1 §4.1).
DATA_MODELS = {
    "https://www.w3.org/ns/credentials/v2": "VC 2.0",
    "https://www.w3.org/2018/credentials/v1": "VC 1.1",
}
UNKNOWN = "unknown"
#: The data model of an SD-JWT VC's report (IETF SD-JWT VC; `nansen.verify_sdjwt`).
SD_JWT_VC = "SD-JWT VC"


def data_model_of(document: Any) -> str:
    """``VC 2.0``, ``VC 1.1``, or ``unknown``, from the document's first ``@context``."""
    context = document.get("@context") if isinstance(document, dict) else None
    first = context[0] if isinstance(context, list) and context else context
    return DATA_MODELS.get(first, UNKNOWN) if isinstance(first, str) else UNKNOWN


def proof_suites_of(document: dict[str, Any]) -> list[str]:
    """What made each proof, as the proof declares it: its cryptosuite (``eddsa-rdfc-2022``,
    ``ecdsa-rdfc-2019``, …) or its legacy type (``Ed25519Signature2020``); ``unknown`` for one
    Nansen cannot verify (an attacker's text is never echoed)."""
    try:
        proofs = proofs_of(document)
    except NansenError:
        return [UNKNOWN]
    return [suite_label(p) or UNKNOWN for p in proofs]


def _naming_suites(reason: str, document: dict[str, Any]) -> str:
    suites = sorted(set(proof_suites_of(document)) - {UNKNOWN})
    return f"{reason.rstrip('.')} ({', '.join(suites)})." if suites else reason


def _passed(result: VerificationResult, name: str) -> bool:
    found = result.check(name)
    return found is not None and found.outcome is Outcome.PASSED


def _failed(result: VerificationResult, name: str) -> bool:
    found = result.check(name)
    return found is not None and found.outcome is Outcome.FAILED


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _named_signers(document: dict[str, Any]) -> set[str]:
    """The DIDs whose keys the document's proofs name, before anything is resolved or verified."""
    try:
        proofs = proofs_of(document)
    except NansenError:
        return set()  # the proof check refuses it
    methods = (p.get("verificationMethod") for p in proofs)
    return {m.split("#", 1)[0] for m in methods if isinstance(m, str)}


def _each_proof_once(credential: dict[str, Any]) -> dict[str, Any]:
    """The credential with each of its identical proofs kept once (a proof set, Data Integrity 1.0
    §2.1.2).

    One key signing the same document with the same options in the same second makes the same
    proof twice (Ed25519 is deterministic; the W3C eddsa suite's proof-set input is such a pair).
    The copy adds no signer, and a credential's proofs key no single-use check, so it is verified
    once. A presentation's proofs do key one: there a copy is refused, and so, here as there, are
    two different proof objects carrying one signature.
    """
    try:
        proofs = proofs_of(credential)
    except NansenError:
        return credential  # the proof check refuses it
    once = list({json.dumps(p, sort_keys=True): p for p in proofs}.values())
    if len(once) == len(proofs):
        return credential
    return {**credential, "proof": once[0] if len(once) == 1 else once}


def _repeats_a_proof(document: dict[str, Any]) -> bool:
    """Does the document carry one proof twice, or two with the same signature?

    A repeated proof adds nothing a signer made, yet changes the document: it must not make a
    presentation new to a replay check, nor stand for a second signer.
    """
    try:
        proofs = proofs_of(document)
    except NansenError:
        return False  # the proof check refuses it
    seen = [_signature_or_text(p) for p in proofs]
    return len(set(seen)) != len(seen)


_NO_CREDENTIAL = (
    "The presentation carries no credential: it proves only that its signer controls the signing key."
)
_HOLDER_ONLY_BOUND = (
    "The presentation was signed by its holder; this verifier's policy does not require the "
    "credentials to be about the holder."
)
_SIGNED_ONLY = (
    "The presentation's proof verified; it names no holder, and this verifier's policy does not "
    "require the credentials to be about whoever signed it."
)


def _signature_or_text(proof: dict[str, Any]) -> bytes | str:
    """The proof's signature in its one form (an ECDSA signature's two forms are one), or, for a
    proof whose value cannot be decoded, its JSON text (the proof check refuses it anyway)."""
    try:
        return signature_identity(proof)
    except NansenError:
        return json.dumps(proof, sort_keys=True)


def _foreign_signers(signers: set[str], holder: str | None, credentials: list[Any] | None) -> str | None:
    """Who signed but may not: anyone but the holder, or, with no holder named, anyone who is not
    the subject of a credential presented (``credentials`` None: with no holder named, anyone may)."""
    if holder is not None:
        return (
            None if signers <= {holder} else "The presentation was signed by someone other than its holder."
        )
    if credentials is None:
        return None
    if signers <= set().union(*map(_subject_ids, credentials)):
        return None
    return "The presentation was signed by someone who is not the subject of any credential in it."


def _binding_problem(signers: set[str], holder: str | None, credentials: list[Any]) -> str | None:
    """What is wrong with who signed a presentation (VC Data Model 2.0 §4.13, holder binding)."""
    foreign = _foreign_signers(signers, holder, credentials)
    if foreign is None and not all(_subject_ids(c) & signers for c in credentials):
        return "A credential was presented by someone who is not its subject."
    return foreign


def _subject_ids(credential: Any) -> set[str]:
    try:
        return {s["id"] for s in vcdm.subjects(credential) if isinstance(s.get("id"), str)}
    except (NansenError, TypeError):
        return set()
