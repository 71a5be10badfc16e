"""Issuing credentials (VC-API ``POST /credentials/issue``): check, add status entries, sign, remember.

The credential's ``issuer`` becomes the caller's DID (one naming another issuer is refused), an
``urn:uuid`` id is added when it has none, ``validFrom`` defaults to the moment of issuance, and
one ``BitstringStatusListEntry`` per status purpose is added (revocation and suspension unless
``options.statusPurposes`` says otherwise). The result must satisfy the data model, the JSON Schema
of each of its types and the JSON-LD context allow-list before it is signed (eddsa-rdfc-2022
unless ``options.cryptosuite`` is eddsa-jcs-2022).

Only what is needed to change its status is stored. A request with an ``Idempotency-Key`` that
was seen before is answered by rebuilding the same credential from the same request, the stored
id, time, status indexes and key: Ed25519 signatures are deterministic, so the replay is the
original, byte for byte, and nothing is issued twice. Idempotency keys and requests are stored as
HMACs (under the master key), never in the clear.

Profiles (``NANSEN_ISSUER_PROFILE``, issuer/README.md). ``partner``, the default: VC 2.0 only, a
caller's ``credentialStatus`` refused (the service adds its own), every type must have a schema.
``vc-api``: the general VC-API issuer the W3C suites test. A caller's well-formed
``credentialStatus`` is kept (and none added); types without a schema are issued (the generic
schema, the data model and JSON-LD safe mode still apply); VC 1.1 input is signed with
``https://w3id.org/security/data-integrity/v2`` appended to its ``@context`` (VC 1.1's context does
not define ``DataIntegrityProof``), and gets no status entry (nor does it define
``BitstringStatusListEntry``). The credential is returned as it came but for ``issuer`` when absent,
``credentialStatus`` when absent, that context and ``proof``: no ``id`` or ``validFrom`` is added (a
credential without an ``id`` is recorded under an internal one; give it one to change its status
later by id).

Documents (``issuer.documents``) are issued through the same steps: ``check`` before anything is
done, ``record_and_sign`` under the partner's lock, ``sign_again`` for a replay.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer import audit, partners, schemas, statuslists
from issuer.models import IssuedCredential, Partner, StatusEntry
from issuer.settings import PROFILES, Settings
from issuer.vault import Vault
from nansen import jsonld, vcdm
from nansen.canonical import canonical_json
from nansen.errors import InvalidInput, NansenError
from nansen.jsonutil import check_strings
from nansen.keys import SigningKey
from nansen.proofs import DEFAULT_SUITE, SUITES, ProofOptions, add_proof
from nansen.timeutil import format_datetime
from service.groupcommit import GroupCommit
from service.problems import Problem

_OPTIONS = ("cryptosuite", "statusPurposes")
_MAX_ID = 500
_MAX_IDEMPOTENCY_KEY = 255
#: The members a credential starts with, in this order, as the VC 2.0 examples write them.
_LEADING = ("@context", "id", "type", "issuer", "validFrom")


@dataclass(frozen=True)
class IssueRequest:
    credential: dict[str, Any]
    cryptosuite: str
    purposes: tuple[str, ...]
    #: The request in canonical JSON (RFC 8785): two requests are the same when these are.
    canonical: bytes
    #: ``NANSEN_ISSUER_PROFILE`` (`issuer.settings.PROFILES`).
    profile: str = PROFILES[0]


#: Builds the unsigned credential around its status entries; the same entries give the same document.
Assemble = Callable[[list[dict[str, str]]], dict[str, Any]]


@dataclass(frozen=True)
class NewCredential:
    """A credential about to be issued: everything but its status entries and proof."""

    credential_id: str
    issued_at: datetime
    purposes: Sequence[str]
    cryptosuite: str
    assemble: Assemble


@dataclass(frozen=True)
class Issued:
    credential: dict[str, Any]
    #: True when this answers a retried request (same Idempotency-Key) without issuing again.
    replayed: bool


def parse_request(body: Any, profile: str = PROFILES[0]) -> IssueRequest:
    """The request's credential and options, or a 400 Problem saying what is wrong with it."""
    if not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        raise Problem(400, "The request must be a JSON object with a 'credential' object.")
    if set(body) - {"credential", "options"}:
        raise Problem(400, "The request may hold only 'credential' and 'options'.")
    options = body.get("options", {})
    if not isinstance(options, dict) or set(options) - set(_OPTIONS):
        raise Problem(400, "The options may hold only 'cryptosuite' and 'statusPurposes'.")
    suite = options.get("cryptosuite", DEFAULT_SUITE)
    if not isinstance(suite, str) or suite not in SUITES:
        raise Problem(400, "The cryptosuite must be eddsa-rdfc-2022 or eddsa-jcs-2022.")
    purposes = options.get("statusPurposes", list(statuslists.PURPOSES))
    if (
        not isinstance(purposes, list)
        or not all(p in statuslists.PURPOSES for p in purposes)
        or len(set(purposes)) != len(purposes)
    ):
        raise Problem(400, "The statusPurposes option lists 'revocation' and/or 'suspension', each once.")
    credential = body["credential"]
    if "proof" in credential:
        raise Problem(400, "The credential must not carry a proof; the service signs it.")
    general = profile == "vc-api"
    if "credentialStatus" in credential and not general:
        raise Problem(400, "The service adds credentialStatus itself; leave it out of the credential.")
    version = _version(credential)
    if version != "2.0" and not general:
        raise Problem(422, "This service issues VC 2.0 credentials (the first '@context' must be VC 2.0's).")
    if general and ("credentialStatus" in credential or version == "1.1"):
        if "statusPurposes" in options and purposes:
            raise Problem(
                400,
                "The credential has a credentialStatus or is VC 1.1, so no status entry is added: "
                "leave statusPurposes out.",
            )
        purposes = []
    if "id" in credential and not (
        isinstance(credential["id"], str) and 0 < len(credential["id"]) <= _MAX_ID
    ):
        raise Problem(422, "The credential's id must be a URL of at most 500 characters.")
    try:
        check_strings(body)
        canonical = canonical_json(body)
    except (InvalidInput, TypeError, ValueError) as cause:
        raise Problem(
            400, str(cause) if isinstance(cause, InvalidInput) else "The request is not plain JSON."
        ) from cause
    return IssueRequest(credential, suite, tuple(purposes), canonical, profile)


def _version(credential: dict[str, Any]) -> str | None:
    """The credential's data model version, or None when its contexts say none (refused later)."""
    try:
        return vcdm.data_model_version(credential)
    except NansenError:
        return None


def _check_issuer(credential: dict[str, Any], did: str) -> None:
    issuer = credential.get("issuer", did)
    named = issuer.get("id") if isinstance(issuer, dict) else issuer
    if named != did:
        raise Problem(400, "The credential names another issuer than the caller's DID.")


def _assemble(
    request: IssueRequest, did: str, credential_id: str, issued_at: datetime, entries: list[dict[str, str]]
) -> dict[str, Any]:
    """The unsigned credential; the same inputs always give the same document."""
    if request.profile == "vc-api":
        return _assemble_general(request, did, issued_at, entries)
    source = copy.deepcopy(request.credential)
    source["id"] = credential_id
    source.setdefault("issuer", did)
    source.setdefault("validFrom", format_datetime(issued_at))
    credential = {key: source.pop(key) for key in _LEADING if key in source}
    credential.update(source)
    if entries:
        credential["credentialStatus"] = entries
    return credential


def _assemble_general(
    request: IssueRequest, did: str, issued_at: datetime, entries: list[dict[str, str]]
) -> dict[str, Any]:
    """The ``vc-api`` profile's unsigned credential: the caller's, in its order, with ``issuer`` when
    absent, the status entries, and for VC 1.1 ``issuanceDate`` when absent and the data-integrity
    context (the W3C suites' contract, ../shared/w3c-suites.md: "may append", "must for VC 1.1")."""
    credential = copy.deepcopy(request.credential)
    credential.setdefault("issuer", did)
    if _version(credential) == "1.1":
        credential.setdefault("issuanceDate", format_datetime(issued_at))
        contexts = jsonld.context_entries(credential["@context"])
        if jsonld.DATA_INTEGRITY_V2 not in contexts:
            credential["@context"] = [*contexts, jsonld.DATA_INTEGRITY_V2]
    if entries:
        credential["credentialStatus"] = entries
    return credential


def check(credential: dict[str, Any], profile: str = PROFILES[0]) -> None:
    """Raise a 422 Problem unless the (unsigned) credential may be issued: data model, contexts, schemas."""
    try:
        vcdm.validate_credential(credential)
        jsonld.check_contexts(credential)
    except NansenError as error:
        raise Problem(422, str(error)) from error
    schemas.validate(credential, every_type=profile != "vc-api")


def idempotency_mac(vault: Vault, idempotency_key: str | None) -> bytes | None:
    """The HMAC of an ``Idempotency-Key`` header (what is stored of it), or None without one."""
    if idempotency_key is None:
        return None
    if not (
        0 < len(idempotency_key) <= _MAX_IDEMPOTENCY_KEY
        and idempotency_key.isascii()
        and idempotency_key.isprintable()
    ):
        raise Problem(400, "The Idempotency-Key header must be 1 to 255 printable ASCII characters.")
    return vault.mac("idempotency-key", idempotency_key.encode())


def preview_entries(settings: Settings, purposes: Sequence[str]) -> list[dict[str, str]]:
    """Status entries of the right shape, to check a credential before indexes are allocated."""
    return [statuslists.entry(settings, "preview", 0, p) for p in purposes]


def _sign(credential: dict[str, Any], signer: SigningKey, suite: str, at: datetime) -> dict[str, Any]:
    try:
        return add_proof(credential, signer, ProofOptions(cryptosuite=suite, created=at))
    except NansenError as error:
        raise Problem(422, str(error)) from error


def _most_specific_type(credential: dict[str, Any]) -> str:
    types = [t for t in vcdm.as_list(credential["type"]) if t != vcdm.CREDENTIAL_TYPE]
    return types[0] if types else vcdm.CREDENTIAL_TYPE


def record_and_sign(
    session: Session,
    vault: Vault,
    settings: Settings,
    partner: Partner,
    new: NewCredential,
    key_mac: bytes | None = None,
    digest: bytes | None = None,
) -> tuple[dict[str, Any], IssuedCredential]:
    """Allocate the status indexes, sign, and remember the credential (the partner's row is locked)."""
    taken = session.scalar(
        select(IssuedCredential.id).where(
            IssuedCredential.partner_id == partner.id, IssuedCredential.credential_id == new.credential_id
        )
    )
    if taken is not None:
        raise Problem(409, "The caller has already issued a credential with this id.")
    allocated = statuslists.allocate(session, vault, settings, partner, new.purposes)
    allocations = [(p, *where) for p, where in zip(new.purposes, allocated, strict=True)]
    entries = [statuslists.entry(settings, list_id, index, p) for p, list_id, index in allocations]
    signer = partners.signer(session, vault, partner)
    credential = _sign(new.assemble(entries), signer, new.cryptosuite, new.issued_at)
    record = IssuedCredential(
        partner_id=partner.id,
        credential_id=new.credential_id,
        type=_most_specific_type(credential),
        issued_at=new.issued_at,
        key_fragment=signer.verification_method.split("#", 1)[1],
        idempotency_key=key_mac,
        request_digest=digest,
    )
    session.add(record)
    session.flush()
    session.add_all(
        StatusEntry(credential_pk=record.id, list_id=list_id, list_index=index, purpose=p)
        for p, list_id, index in allocations
    )
    audit.append(session, vault, partner.id, audit.Action.CREDENTIAL_ISSUED, str(record.id))
    return credential, record


def sign_again(
    session: Session,
    vault: Vault,
    settings: Settings,
    partner: Partner,
    record: IssuedCredential,
    purposes: Sequence[str],
    cryptosuite: str,
    assemble: Assemble,
) -> dict[str, Any]:
    """The credential issued as ``record``, rebuilt and signed again: byte for byte the original."""
    rows = session.scalars(select(StatusEntry).where(StatusEntry.credential_pk == record.id)).all()
    by_purpose = {row.purpose: row for row in rows}
    entries = [
        statuslists.entry(settings, by_purpose[p].list_id, by_purpose[p].list_index, p) for p in purposes
    ]
    try:
        signer = partners.signer(session, vault, partner, record.key_fragment)
    except Problem as problem:
        raise Problem(
            409,
            "The credential for this Idempotency-Key was signed with a key that has since been retired; "
            "use a new Idempotency-Key to issue it again.",
        ) from problem
    return _sign(assemble(entries), signer, cryptosuite, record.issued_at)


def issue(
    commits: GroupCommit,
    vault: Vault,
    settings: Settings,
    caller: Partner,
    request: IssueRequest,
    idempotency_key: str | None = None,
) -> Issued:
    """Issue the credential as the partner, or replay the one issued for the same Idempotency-Key.

    The checks are made here, in the caller's thread; what must hold the partner's lock (allocating
    the status indexes, signing, recording) goes to the group commit (`service.groupcommit`), so the
    answer comes once the credential is on disk."""
    key_mac = idempotency_mac(vault, idempotency_key)
    digest = vault.mac("idempotent-request", request.canonical)
    credential_id = request.credential.get("id") or f"urn:uuid:{uuid.uuid4()}"
    issued_at = datetime.now(UTC).replace(microsecond=0)
    _check_issuer(request.credential, caller.did)
    check(
        _assemble(request, caller.did, credential_id, issued_at, preview_entries(settings, request.purposes)),
        request.profile,
    )

    def locked_work(session: Session) -> Issued:
        partner = partners.locked_or_gone(session, caller.id)
        if key_mac is not None:
            record = session.scalar(
                select(IssuedCredential).where(
                    IssuedCredential.partner_id == partner.id, IssuedCredential.idempotency_key == key_mac
                )
            )
            if record is not None:
                if record.request_digest != digest:
                    raise Problem(422, "This Idempotency-Key was already used for a different request.")
                credential = sign_again(
                    session,
                    vault,
                    settings,
                    partner,
                    record,
                    request.purposes,
                    request.cryptosuite,
                    partial(_assemble, request, partner.did, record.credential_id, record.issued_at),
                )
                return Issued(credential, replayed=True)
        new = NewCredential(
            credential_id,
            issued_at,
            request.purposes,
            request.cryptosuite,
            partial(_assemble, request, partner.did, credential_id, issued_at),
        )
        credential, _ = record_and_sign(
            session, vault, settings, partner, new, key_mac, digest if key_mac is not None else None
        )
        return Issued(credential, replayed=False)

    return commits.submit(locked_work, key=caller.id)
