"""The network's trust list: which partners may issue which credential types (DESIGN.md §3 "trust").

The governance publishes the list as a W3C Verifiable Credential 2.0, signed with a Data
Integrity proof (``eddsa-jcs-2022`` by default) by the governance DID; the terms are in the
project's context (``schemas/contexts/nansen-v1.jsonld``)::

    {
      "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/nansen/v1"],
      "id": "urn:uuid:…",
      "type": ["VerifiableCredential", "TrustListCredential"],
      "issuer": "<the governance DID>",
      "validFrom": "…", "validUntil": "…",
      "credentialSubject": {
        "type": "TrustList",
        "trustedIssuer": [
          {"id": "<partner DID>", "name": "<display name>",
           "credentialType": ["IdentityDocumentCredential"], "validFrom": "…", "validUntil": "…"}
        ]
      }
    }

`load` verifies a list with the one pipeline (`nansen.verify.Verifier`) and accepts it only
from the configured governance DID. `TrustList.policy` judges an issuer (a `TrustPolicy`);
`TrustListSource` keeps a list fresh from a file or an HTTPS URL and offline from the last good
copy. A list can be out of date (expired, or not refreshed within the source's maximum age):
then the judgement is "unknown", never "trusted" (DESIGN.md §4). An organisation's display name
is not personal data and appears in reasons; DIDs and URLs never do.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from nansen import jsonutil, vcdm
from nansen.cache import Entry, JsonCache, Schedule, ago
from nansen.config import configured_limits, data_dir
from nansen.errors import NansenError
from nansen.jsonld import NANSEN_V1, is_absolute_iri
from nansen.keys import SigningKey
from nansen.proofs import ProofOptions, add_proof
from nansen.safehttp import Fetcher, Verify
from nansen.timeutil import format_datetime, now, parse_datetime
from nansen.verify import Check, Outcome, TrustPolicy, VerificationResult, Verifier

__all__ = [
    "TRUST_LIST_CREDENTIAL_TYPE",
    "TRUST_LIST_TYPE",
    "TrustList",
    "TrustListError",
    "TrustListSource",
    "TrustSnapshot",
    "TrustedIssuer",
    "add",
    "build",
    "entries",
    "load",
    "remove",
    "sign",
]

log = logging.getLogger(__name__)

TRUST_LIST_CREDENTIAL_TYPE: Final = "TrustListCredential"
TRUST_LIST_TYPE: Final = "TrustList"
CHECK_NAME: Final = "trust"
SUITE: Final = "eddsa-jcs-2022"

DEFAULT_TTL: Final = timedelta(hours=1)
DEFAULT_MAX_AGE: Final = timedelta(days=7)
DEFAULT_TIMEOUT: Final = 5.0
DEFAULT_MAX_BYTES: Final = 1_000_000

_WORD: Final = re.compile(r"[^\s]+")
_ENTRY_FIELDS: Final = frozenset({"id", "name", "credentialType", "validFrom", "validUntil"})


class TrustListError(NansenError):
    """A trust list is malformed, does not verify, or was not issued by the governance."""


@dataclass(frozen=True)
class TrustedIssuer:
    """One partner on the list: its DID, display name, the credential types it may issue, and
    when it is trusted (``valid_from``/``valid_until``; None is unbounded)."""

    id: str
    name: str
    credential_types: tuple[str, ...]
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def __post_init__(self) -> None:
        if not (self.id.startswith("did:") and is_absolute_iri(self.id)):
            raise TrustListError("A trusted issuer's id must be a DID.")
        if not self.name.strip():
            raise TrustListError("A trusted issuer must have a display name.")
        if not self.credential_types or not all(_WORD.fullmatch(t) for t in self.credential_types):
            raise TrustListError("A trusted issuer needs at least one credential type, each a single word.")
        for moment in (self.valid_from, self.valid_until):
            if moment is not None and moment.tzinfo is None:
                raise TrustListError("A trusted issuer's dates must carry a time zone.")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise TrustListError("A trusted issuer's validUntil must come after its validFrom.")

    @classmethod
    def from_json(cls, data: Any) -> TrustedIssuer:
        if not isinstance(data, Mapping) or not _ENTRY_FIELDS.issuperset(data):
            raise TrustListError("A trust list entry has a property this verifier does not know.")
        did, name, types = data.get("id"), data.get("name"), vcdm.as_list(data.get("credentialType"))
        if (
            not isinstance(did, str)
            or not isinstance(name, str)
            or not all(isinstance(t, str) for t in types)
        ):
            raise TrustListError("A trust list entry needs an id, a name and credential types as strings.")
        try:
            dates = [parse_datetime(data[f]) if f in data else None for f in ("validFrom", "validUntil")]
        except ValueError as cause:
            raise TrustListError("A trust list entry's dates must be date-times with a time zone.") from cause
        return cls(did, name, tuple(types), dates[0], dates[1])

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "credentialType": list(self.credential_types),
        }
        if self.valid_from is not None:
            result["validFrom"] = format_datetime(self.valid_from)
        if self.valid_until is not None:
            result["validUntil"] = format_datetime(self.valid_until)
        return result

    def trusted_at(self, moment: datetime, skew: timedelta) -> bool:
        return (self.valid_from is None or self.valid_from <= moment + skew) and (
            self.valid_until is None or moment - skew <= self.valid_until
        )


# --------------------------------------------------------------------------------------------
# Editing: build, add, remove, sign


def build(
    governance: str, issuers: Iterable[TrustedIssuer] = (), *, list_id: str | None = None
) -> dict[str, Any]:
    """An unsigned trust list issued by ``governance``; `sign` makes it one anybody trusts."""
    subject = {"type": TRUST_LIST_TYPE, "trustedIssuer": [i.to_json() for i in _unique(issuers)]}
    return vcdm.build_credential(
        issuer=governance,
        subject=subject,
        types=[TRUST_LIST_CREDENTIAL_TYPE],
        contexts=[NANSEN_V1],
        credential_id=list_id,
    )


def entries(document: Any) -> list[TrustedIssuer]:
    """The partners on a list (signed or not), checking the list's shape."""
    try:
        credential = vcdm.validate_credential(document)
    except NansenError as cause:
        raise TrustListError("The trust list is not a well-formed credential.") from cause
    if TRUST_LIST_CREDENTIAL_TYPE not in vcdm.as_list(credential.get("type")):
        raise TrustListError("The credential is not a trust list.")
    subject = credential["credentialSubject"]
    if not isinstance(subject, dict) or subject.get("type") != TRUST_LIST_TYPE:
        raise TrustListError("The trust list must have one credentialSubject of type TrustList.")
    if set(subject) - {"type", "trustedIssuer"}:
        raise TrustListError("The trust list has a property this verifier does not know.")
    listed = vcdm.as_list(subject.get("trustedIssuer", []))
    return _unique(TrustedIssuer.from_json(item) for item in listed)


def add(document: Any, issuer: TrustedIssuer) -> dict[str, Any]:
    """The list with ``issuer`` added, or replacing the entry of the same DID; unsigned."""
    listed = entries(document)
    kept = [issuer if i.id == issuer.id else i for i in listed]
    if issuer not in kept:
        kept.append(issuer)
    return _edited(document, kept)


def remove(document: Any, did: str) -> dict[str, Any]:
    """The list without the partner ``did``; unsigned."""
    listed = entries(document)
    kept = [i for i in listed if i.id != did]
    if len(kept) == len(listed):
        raise TrustListError("That partner is not on the trust list.")
    return _edited(document, kept)


def sign(
    document: Any, key: SigningKey, *, valid_for: timedelta | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """Sign the list (any old proof is replaced) with the governance key, eddsa-jcs-2022.

    ``validFrom`` becomes the moment of signing, and ``validUntil`` that plus ``valid_for`` (or
    none). The key must belong to the list's issuer.
    """
    listed = entries(document)
    if vcdm.issuer_id(document) != key.controller:
        raise TrustListError("The key does not belong to the governance that issues this trust list.")
    moment = moment or now()
    unsigned = _edited(document, listed)
    unsigned["validFrom"] = format_datetime(moment)
    if valid_for is not None:
        unsigned["validUntil"] = format_datetime(moment + valid_for)
    return add_proof(unsigned, key, ProofOptions(cryptosuite=SUITE, created=moment))


def _edited(document: dict[str, Any], listed: list[TrustedIssuer]) -> dict[str, Any]:
    """A copy without proof or validUntil (an edited list must be signed again), listing ``listed``."""
    edited = {k: copy.deepcopy(v) for k, v in document.items() if k not in ("proof", "validUntil")}
    edited["credentialSubject"]["trustedIssuer"] = [i.to_json() for i in listed]
    return edited


def _unique(issuers: Iterable[TrustedIssuer]) -> list[TrustedIssuer]:
    listed = list(issuers)
    if len({i.id for i in listed}) != len(listed):
        raise TrustListError("The trust list names a partner more than once.")
    return listed


# --------------------------------------------------------------------------------------------
# Loading and judging


@dataclass(frozen=True)
class TrustList:
    """A verified trust list, issued by the governance."""

    governance: str
    issuers: tuple[TrustedIssuer, ...]
    valid_from: datetime | None
    valid_until: datetime | None
    document: dict[str, Any]

    def find(self, did: str) -> TrustedIssuer | None:
        return next((i for i in self.issuers if i.id == did), None)

    def judge(
        self,
        issuer: str,
        types: list[str],
        moment: datetime,
        *,
        refreshed_at: datetime | None = None,
        max_age: timedelta | None = None,
        skew: timedelta = timedelta(0),
    ) -> Check:
        """The "trust" check for a credential of ``types`` from ``issuer`` at ``moment``.

        Unknown when the list has expired or was last refreshed more than ``max_age`` ago;
        failed when the issuer is not on it, not trusted at ``moment``, or not allowed every
        type the credential has besides ``VerifiableCredential``; passed otherwise.
        """

        def check(outcome: Outcome, reason: str) -> Check:
            return Check(CHECK_NAME, outcome, reason, refreshed_at)

        if self.valid_until is not None and moment - skew > self.valid_until:
            return check(
                Outcome.UNKNOWN,
                f"The trust list is out of date (it expired {ago(moment - self.valid_until)}).",
            )
        if refreshed_at is not None and max_age is not None and moment - refreshed_at > max_age:
            return check(
                Outcome.UNKNOWN,
                f"The trust list is out of date (last refreshed {ago(moment - refreshed_at)}).",
            )
        partner = self.find(issuer)
        if partner is None:
            return check(Outcome.FAILED, "The issuer is not trusted: it is not on the trust list.")
        if not partner.trusted_at(moment, skew):
            return check(
                Outcome.FAILED,
                f"The issuer is not trusted: {partner.name} is not a trusted partner at this time.",
            )
        specific = [t for t in types if t != vcdm.CREDENTIAL_TYPE]
        refused = next((t for t in specific if t not in partner.credential_types), None)
        if not specific or refused is not None:
            kind = refused or "credentials without a specific type"
            return check(Outcome.FAILED, f"The issuer is not trusted: {partner.name} may not issue {kind}.")
        return check(Outcome.PASSED, f"Issued by {partner.name}, a trusted partner.")

    def policy(
        self,
        *,
        refreshed_at: datetime | None = None,
        max_age: timedelta | None = None,
        clock: Callable[[], datetime] = now,
        skew: timedelta = timedelta(0),
    ) -> TrustPolicy:
        """This list as the `Verifier`'s trust policy, judged at ``clock()`` (see `judge`)."""
        return lambda issuer, types: self.judge(
            issuer, types, clock(), refreshed_at=refreshed_at, max_age=max_age, skew=skew
        )


_REFUSALS: Final = {
    "format": "The trust list is not a well-formed credential.",
    "proof": "The trust list's signature does not verify.",
    "issuer key": "The trust list was signed with a key that does not belong to its issuer.",
}


def load(document: Any, governance: str, verifier: Verifier | None = None) -> TrustList:
    """Verify a signed trust list and read it; raise `TrustListError` unless the governance issued it.

    ``verifier`` supplies the resolver (for a did:web governance), the limits and the clock. An
    expired list loads (it is judged out of date); one not valid yet does not.
    """
    verifier = dataclasses.replace(verifier or Verifier(), trust=None, status_lists=None)
    result = verifier.verify_credential(document, check_status=False)
    # A failed check explains more than one left unchecked because of it (proof after issuer key).
    for name, refusal in sorted(
        _REFUSALS.items(), key=lambda item: _outcome(result, item[0]) != Outcome.FAILED
    ):
        if _outcome(result, name) is not Outcome.PASSED:
            raise TrustListError(refusal)
    credential: dict[str, Any] = document
    if vcdm.issuer_id(credential) != governance:
        raise TrustListError("The trust list was not issued by the network's governance.")
    listed = entries(credential)
    valid_from, valid_until = (
        parse_datetime(credential[f]) if f in credential else None for f in ("validFrom", "validUntil")
    )
    if valid_from is not None and valid_from > verifier.clock() + verifier.skew:
        raise TrustListError("The trust list is not valid yet.")
    return TrustList(governance, tuple(listed), valid_from, valid_until, copy.deepcopy(credential))


def _outcome(result: VerificationResult, name: str) -> Outcome | None:
    found = result.check(name)
    return None if found is None else found.outcome


# --------------------------------------------------------------------------------------------
# Keeping a list fresh, and offline


@dataclass(frozen=True)
class TrustSnapshot:
    """The list in use and when it was last refreshed (read and verified)."""

    trust_list: TrustList
    refreshed_at: datetime

    def age(self, moment: datetime) -> timedelta:
        return moment - self.refreshed_at


class TrustListSource:
    """The governance's trust list from a file or an HTTPS URL, refreshed, and kept offline.

    The list is read again ``ttl`` after its last refresh (after a failed read, a minute later:
    `nansen.cache.Schedule`); HTTPS goes through `nansen.safehttp.fetch` (``timeout``,
    ``max_bytes``, ``verify``, ``allow_private_addresses``). A list read replaces the one held
    only if it verifies (`load`) and is not older (``validFrom``) than it; otherwise, when the
    read fails, and when ``offline`` is set, the last good copy stands in. That copy is kept on
    disk too, in ``cache_dir`` (default ``NANSEN_DATA_DIR/trust-list``), so a restarted verifier
    works offline. A copy last refreshed more than ``max_age`` ago is out of date: the trust
    check is then unknown, never passed.
    """

    def __init__(
        self,
        location: str | os.PathLike[str],
        governance: str,
        *,
        verifier: Verifier | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        ttl: timedelta = DEFAULT_TTL,
        max_age: timedelta = DEFAULT_MAX_AGE,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        verify: Verify = None,
        allow_private_addresses: bool = False,
        offline: bool = False,
    ) -> None:
        self._fetcher = Fetcher(
            "the trust list",
            max_bytes=max_bytes,
            timeout=timeout,
            verify=verify,
            allow_private_addresses=allow_private_addresses,
        )
        text = os.fspath(location)
        if "://" in text and not text.startswith("https://"):
            raise TrustListError("The trust list's location must be an HTTPS URL or a file.")
        self._url = text if text.startswith("https://") else None
        self._key = text if self._url else str(Path(text).resolve())
        self.governance = governance
        #: Resolves the governance DID, and gives the clock and limits; its own trust policy is unused.
        self.verifier = verifier or Verifier()
        self.max_age = max_age
        self.offline = offline
        directory = Path(cache_dir) if cache_dir is not None else data_dir() / "trust-list"
        self._cache = JsonCache(directory, key_field="source", what="trust list", max_bytes=max_bytes)
        self._schedule = Schedule(ttl)
        self._held: TrustSnapshot | None = None
        self._read_disk = False
        self._lock = threading.Lock()

    def current(self) -> TrustSnapshot | None:
        """The list to use now, refreshed when due; None if no good list has ever been had."""
        with self._lock:
            if not self._read_disk:
                self._held, self._read_disk = self._from_disk(), True
            held = self._held
        moment = self.verifier.clock()
        if self.offline or not self._schedule.due(
            self._key, moment, None if held is None else held.refreshed_at
        ):
            # Read again: another thread may have refreshed it since (it keeps the list before it
            # records the attempt), or a service's first concurrent verifications would find none.
            with self._lock:
                return self._held
        fresh = self._refresh(held, moment)
        if fresh is not None:
            with self._lock:
                self._held = fresh
        self._schedule.attempted(self._key, moment, succeeded=fresh is not None)
        return held if fresh is None else fresh

    def policy(self) -> TrustPolicy:
        """The `Verifier`'s trust policy: judges with the list current at each verification."""
        return self._judge

    def _judge(self, issuer: str, types: list[str]) -> Check:
        snapshot = self.current()
        if snapshot is None:
            return Check(
                CHECK_NAME,
                Outcome.UNKNOWN,
                "The trust list could not be obtained, so the issuer's trust cannot be confirmed.",
            )
        return snapshot.trust_list.judge(
            issuer,
            types,
            self.verifier.clock(),
            refreshed_at=snapshot.refreshed_at,
            max_age=self.max_age,
            skew=self.verifier.skew,
        )

    def _refresh(self, held: TrustSnapshot | None, moment: datetime) -> TrustSnapshot | None:
        """Read and verify the list; None (logged) if that fails or it must not replace ``held``."""
        try:
            document = jsonutil.parse(
                self._read(), configured_limits(max_document_bytes=self._fetcher.max_bytes)
            )
            trust_list = load(document, self.governance, self.verifier)
            if held is not None and _older(trust_list, held.trust_list):
                raise TrustListError("The trust list read is older than the one held.")
        except NansenError as error:
            log.warning("The trust list was not refreshed (%s) so the last good copy is used.", error)
            return None
        self._cache.put(self._key, Entry(document, moment))
        return TrustSnapshot(trust_list, moment)

    def _read(self) -> bytes:
        if self._url is None:
            try:
                with Path(self._key).open("rb") as handle:
                    return handle.read(self._fetcher.max_bytes + 1)
            except OSError as cause:
                raise TrustListError("The trust list file cannot be read.") from cause
        return self._fetcher.fetch(self._url)

    def _from_disk(self) -> TrustSnapshot | None:
        entry = self._cache.get(self._key)
        if entry is None:
            return None
        try:
            trust_list = load(entry.data, self.governance, self.verifier)
        except NansenError as error:
            log.warning("The trust list on disk was refused (%s) so it is ignored.", error)
            return None
        return TrustSnapshot(trust_list, entry.fetched_at)


def _older(candidate: TrustList, held: TrustList) -> bool:
    """Is ``candidate`` issued before ``held`` (a rollback to a list the governance replaced)?"""
    if candidate.valid_from is None or held.valid_from is None:
        return False
    return candidate.valid_from < held.valid_from
