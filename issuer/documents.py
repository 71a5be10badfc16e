"""Documents (``POST /documents``, and the console's upload): a scan encrypted to its holder, pinned,
then attested by an ``IdentityDocumentCredential``.

In this order: the request and the credential it will give are checked (its JSON Schema), so a bad
request pins nothing; a request with an ``Idempotency-Key`` is reserved; the scan is encrypted as it
is read from the spooled upload, under a fresh document key sealed to the holder (and to the
partner's escrow recipient if the holder chose escrow), and the ciphertext is put in the IPFS store,
which returns only once it is durable and pinned; then, in one transaction, the credential is
issued (``relatedResource``: ``ipfs://CID``, the plaintext's ``digestMultibase``) and the document
and the audit entries are recorded. Nothing is issued unless the pin is durable: a store that fails
gets 503 and issues nothing.

The service keeps neither the scan nor its key, and the CID only as an HMAC (in the audit log too:
a CID names the ciphertext anywhere on IPFS). For an idempotent request it keeps, until a retry
comes, the answer's CID, digest and sealed keys, sealed under a key derived from the
Idempotency-Key (which is stored only as an HMAC), so a retry gets the same answer and nothing is
pinned or issued twice; a concurrent retry gets 409 while the first is in progress. If the service
stops between pinning and issuing, the pinned ciphertext can never be read (its key is gone), and
a retry after :data:`ABANDONED_AFTER` starts afresh.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, BinaryIO

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from issuer import audit, issuance, partners, sdjwt, statuslists
from issuer.models import Document, IssuedCredential, Partner
from issuer.settings import Settings
from issuer.vault import Vault
from nansen import vcdm
from nansen.canonical import canonical_json
from nansen.crypto import CHUNK_SIZE, BlockReader, DocumentKey, Encryption, Recipient, SealedKey, seal
from nansen.crypto.digest import Digest
from nansen.errors import InvalidInput, NansenError
from nansen.facts import FACT_TERMS
from nansen.ipfs import IpfsError, Store
from nansen.jsonutil import check_strings
from nansen.proofs import DEFAULT_SUITE
from nansen.timeutil import format_datetime, parse_datetime
from service.problems import Problem

#: How the partner saw the original document, and the person (VC Data Model 2.0 §5.6 examples).
PRESENCES = ("Physical", "Digital")
#: The media type of what is pinned: the ciphertext, whatever the scan's own type.
CIPHERTEXT_MEDIA_TYPE = "application/octet-stream"
#: A reservation older than this belongs to a request that will never finish.
ABANDONED_AFTER = timedelta(hours=1)
_MAX_TEXT = 500
_MAX_DID = 300
#: Stands in for the encrypted document while the request is checked: well-formed (VC Data Model 2.0
#: §5.3), so the check is the one the real credential will meet; the digest is of no bytes.
_PREVIEW_RESOURCE = {
    "id": "ipfs://preview",
    "digestMultibase": Digest().multibase,
    "mediaType": CIPHERTEXT_MEDIA_TYPE,
}


def recipient(did: str) -> Recipient:
    """The key-agreement key of a did:key, which document keys are sealed to (InvalidInput otherwise)."""
    if not (did.startswith("did:key:") and "#" not in did and len(did) <= _MAX_DID):
        raise InvalidInput("A document key is sealed only to a did:key, such as the one a wallet shows.")
    try:
        return Recipient.from_did(did)
    except NansenError as error:
        raise InvalidInput("This did:key does not hold a usable Ed25519 key.") from error


def set_escrow(session: Session, vault: Vault, partner_id: str, did: str | None) -> None:
    """Name the did:key that document keys are also sealed to when a holder chooses escrow (None: none)."""
    if did is not None:
        recipient(did)
    partner = partners.locked(session, partner_id)
    if partner is None:
        raise InvalidInput("There is no partner with that id.")
    partner.escrow_did = did
    audit.append(session, vault, partner.id, audit.Action.PARTNER_ESCROW_SET)


@dataclass(frozen=True)
class DocumentRequest:
    """What the partner says of a scan: whose it is, what document it is, and how it was checked."""

    holder: str
    document_type: str
    facts: dict[str, Any]
    check_method: str
    document_presence: str | None = None
    subject_presence: str | None = None
    escrow: bool = False
    #: Answer with the SD-JWT VC of the same facts too (issuer.sdjwt).
    sd_jwt: bool = False

    def __post_init__(self) -> None:
        try:
            recipient(self.holder)
        except InvalidInput as error:
            raise Problem(422, str(error)) from error
        if self.document_type not in vcdm.IDENTITY_DOCUMENT_TYPES:
            raise Problem(
                422, f"The document type must be one of: {', '.join(vcdm.IDENTITY_DOCUMENT_TYPES)}."
            )
        if "type" in self.facts:
            raise Problem(
                422, "The facts must not hold 'type': the document type names the kind of document."
            )
        if not (0 < len(self.check_method) <= _MAX_TEXT and self.check_method.isprintable()):
            raise Problem(422, "The check method must be 1 to 500 printable characters.")
        if {self.document_presence, self.subject_presence} - {None, *PRESENCES}:
            raise Problem(422, "Document and subject presence must be 'Physical' or 'Digital'.")
        try:
            check_strings(self.facts)
        except InvalidInput as error:
            raise Problem(422, str(error)) from error
        if self.sd_jwt and not set(self.facts) <= set(FACT_TERMS):
            # Checked before anything is issued: the SD-JWT VC is signed after the credential.
            raise Problem(422, "An SD-JWT VC can carry only the identity document's facts.")

    def canonical(self) -> bytes:
        """The request in canonical JSON (RFC 8785): two requests are the same when these are."""
        fields = asdict(self)
        if not self.sd_jwt:
            del fields["sd_jwt"]  # as before the option existed: retries across an upgrade still match
        return canonical_json(fields)


@dataclass(frozen=True)
class Pinned:
    """The encrypted document in the store: its CID, the plaintext's digest, the sealed keys."""

    cid: str
    digest_multibase: str
    sealed_keys: list[dict[str, str]]

    @property
    def resource(self) -> dict[str, str]:
        """The credential's ``relatedResource`` entry."""
        return {
            "id": f"ipfs://{self.cid}",
            "digestMultibase": self.digest_multibase,
            "mediaType": CIPHERTEXT_MEDIA_TYPE,
        }


@dataclass(frozen=True)
class IssuedDocument:
    credential: dict[str, Any]
    pinned: Pinned
    #: True when this answers a retried request (same Idempotency-Key) without pinning or issuing.
    replayed: bool
    #: The SD-JWT VC of the same facts, when the request asked for it (fresh salts on a replay).
    sd_jwt: str | None = None

    def to_json(self) -> dict[str, Any]:
        answer = {
            "credential": self.credential,
            "sealedKeys": self.pinned.sealed_keys,
            "cid": self.pinned.cid,
        }
        if self.sd_jwt is not None:
            answer["sdJwt"] = self.sd_jwt
        return answer


def _assemble(
    request: DocumentRequest,
    did: str,
    credential_id: str,
    issued_at: datetime,
    resource: dict[str, str],
    entries: list[dict[str, str]],
) -> dict[str, Any]:
    check = {
        "type": "DocumentCheck",
        "checkedBy": did,
        "checkedAt": format_datetime(issued_at),
        "checkMethod": request.check_method,
        "documentPresence": request.document_presence,
        "subjectPresence": request.subject_presence,
    }
    try:
        credential = vcdm.build_identity_credential(
            issuer=did,
            holder=request.holder,
            document_type=request.document_type,
            facts=request.facts,
            evidence=[{name: value for name, value in check.items() if value is not None}],
            related_resource=[resource],
            credential_status=entries,
            valid_from=issued_at,
        )
    except InvalidInput as error:
        raise Problem(422, str(error)) from error
    credential["id"] = credential_id
    return credential


def _recipients(partner: Partner, request: DocumentRequest) -> list[Recipient]:
    recipients = [recipient(request.holder)]
    if request.escrow:
        if partner.escrow_did is None:
            raise Problem(409, "The holder chose escrow, but this partner has no escrow recipient.")
        recipients.append(recipient(partner.escrow_did))
    return recipients


def _encrypt_and_pin(store: Store, scan: BinaryIO, recipients: list[Recipient]) -> Pinned:
    """Encrypt the scan as it is read (constant memory) and pin the ciphertext; return once durable."""
    scan.seek(0)
    with DocumentKey.generate() as key:
        sealed: list[SealedKey] = seal(key, recipients)
        encryption = Encryption(iter(partial(scan.read, CHUNK_SIZE), b""), key)
    cid = store.put(BlockReader(encryption))
    return Pinned(str(cid), encryption.digest_multibase, [s.to_json() for s in sealed])


def _sha256(scan: BinaryIO) -> bytes:
    scan.seek(0)
    digest = hashlib.sha256()
    for piece in iter(partial(scan.read, CHUNK_SIZE), b""):
        digest.update(piece)
    return digest.digest()


def _replay_key(vault: Vault, idempotency_key: str) -> bytes:
    return vault.mac("document-replay", idempotency_key.encode())


def _replay_context(partner_id: str) -> str:
    return f"nansen-issuer/document-replay/{partner_id}"


@dataclass(frozen=True)
class _Claim:
    """An idempotent request's reservation: its row, and the moment that marks it as this request's."""

    document_id: int
    started_at: datetime
    idempotency_key: str


def _reserve_or_replay(
    session: Session,
    vault: Vault,
    settings: Settings,
    caller: Partner,
    request: DocumentRequest,
    idempotency_key: str,
    key_mac: bytes,
    digest: bytes,
) -> _Claim | IssuedDocument:
    started_at = datetime.now(UTC)
    with session.begin():
        partner = partners.locked_or_gone(session, caller.id)
        document = session.scalar(
            select(Document).where(Document.partner_id == partner.id, Document.idempotency_key == key_mac)
        )
        if document is None:
            document = Document(
                partner_id=partner.id, started_at=started_at, idempotency_key=key_mac, request_digest=digest
            )
            session.add(document)
            session.flush()
            return _Claim(document.id, started_at, idempotency_key)
        if document.request_digest != digest:
            raise Problem(422, "This Idempotency-Key was already used for a different request.")
        if document.credential_pk is None or document.replay is None:
            if started_at - document.started_at < ABANDONED_AFTER:
                raise Problem(
                    409,
                    "A request with this Idempotency-Key is in progress; try again shortly.",
                    headers={"Retry-After": "5"},
                )
            document.started_at = started_at
            return _Claim(document.id, started_at, idempotency_key)
        record = session.get_one(IssuedCredential, document.credential_pk)
        opened = vault.open_sealed(
            document.replay, _replay_context(partner.id), _replay_key(vault, idempotency_key)
        )
        pinned = Pinned(**json.loads(opened))
        credential = issuance.sign_again(
            session,
            vault,
            settings,
            partner,
            record,
            statuslists.PURPOSES,
            DEFAULT_SUITE,
            partial(_assemble, request, partner.did, record.credential_id, record.issued_at, pinned.resource),
        )
        return IssuedDocument(credential, pinned, replayed=True)


def _release(session: Session, claim: _Claim) -> None:
    """Give up a reservation whose request failed, so that a retry can proceed at once."""
    with session.begin():
        session.execute(
            delete(Document).where(
                Document.id == claim.document_id,
                Document.credential_pk.is_(None),
                Document.started_at == claim.started_at,
            )
        )


def _record(
    session: Session,
    vault: Vault,
    settings: Settings,
    caller: Partner,
    pinned: Pinned,
    new: issuance.NewCredential,
    claim: _Claim | None,
) -> dict[str, Any]:
    """Issue the credential and record the document, in one transaction."""
    with session.begin():
        partner = partners.locked_or_gone(session, caller.id)
        if claim is None:
            document = Document(partner_id=partner.id, started_at=new.issued_at)
            session.add(document)
        else:
            # Read afresh (not from this session's memory): another request may have taken it over.
            document = session.get_one(
                Document, claim.document_id, with_for_update=True, populate_existing=True
            )
            if document.credential_pk is not None or document.started_at != claim.started_at:
                raise Problem(409, "Another request with this Idempotency-Key has taken over; retry it.")
            payload = json.dumps(asdict(pinned)).encode()
            document.replay = vault.seal(
                payload, _replay_context(partner.id), _replay_key(vault, claim.idempotency_key)
            )
        document.cid_mac = vault.mac("document-cid", pinned.cid.encode())
        audit.append(session, vault, partner.id, audit.Action.DOCUMENT_PINNED, document.cid_mac.hex())
        credential, record = issuance.record_and_sign(session, vault, settings, partner, new)
        document.credential_pk = record.id
    return credential


def issue(
    session: Session,
    vault: Vault,
    settings: Settings,
    store: Store,
    caller: Partner,
    request: DocumentRequest,
    scan: BinaryIO,
    idempotency_key: str | None = None,
) -> IssuedDocument:
    """Encrypt and pin the scan, then issue its credential; or replay the answer to the same request."""
    key_mac = issuance.idempotency_mac(vault, idempotency_key)
    recipients = _recipients(caller, request)
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    issued_at = datetime.now(UTC).replace(microsecond=0)
    assemble = partial(_assemble, request, caller.did, credential_id, issued_at)
    issuance.check(assemble(_PREVIEW_RESOURCE, issuance.preview_entries(settings, statuslists.PURPOSES)))
    claim: _Claim | None = None
    if idempotency_key is not None and key_mac is not None:
        digest = vault.mac("idempotent-document", request.canonical() + _sha256(scan))
        outcome = _reserve_or_replay(
            session, vault, settings, caller, request, idempotency_key, key_mac, digest
        )
        if isinstance(outcome, IssuedDocument):
            return _with_sd_jwt(session, vault, caller, request, outcome)
        claim = outcome
    try:
        try:
            pinned = _encrypt_and_pin(store, scan, recipients)
        except (IpfsError, OSError) as error:
            raise Problem(
                503, "The document could not be stored, so nothing was issued; try again."
            ) from error
        new = issuance.NewCredential(
            credential_id, issued_at, statuslists.PURPOSES, DEFAULT_SUITE, partial(assemble, pinned.resource)
        )
        credential = _record(session, vault, settings, caller, pinned, new, claim)
    except BaseException:
        if claim is not None:
            _release(session, claim)
        raise
    return _with_sd_jwt(session, vault, caller, request, IssuedDocument(credential, pinned, replayed=False))


def _with_sd_jwt(
    session: Session, vault: Vault, partner: Partner, request: DocumentRequest, issued: IssuedDocument
) -> IssuedDocument:
    """The answer with the SD-JWT VC of the same facts, if the request asked for both formats."""
    if not request.sd_jwt:
        return issued
    token = sdjwt.issue_for(
        session,
        vault,
        partner,
        holder=request.holder,
        document_type=request.document_type,
        facts=request.facts,
        credential=issued.credential,
        issued_at=parse_datetime(issued.credential["validFrom"]),
    )
    return replace(issued, sd_jwt=token)
