"""The service's tables (SQLAlchemy 2 typed models); Alembic migrations in issuer/migrations create them.

Every table's name starts with ``issuer_`` (and Alembic's own is ``issuer_alembic_version``), so the
issuer can share a database with the verifier, whose migrations are its own.

Nothing here holds a credential's claims, a scan or a document key: an issued credential is
remembered only by what is needed to revoke or suspend it (its id, type, issuance time and status
indexes) and to replay an idempotent request (keyed digests, never the request itself).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC, aware on the way in and out (SQLite keeps no time zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime}


class Partner(Base):
    """An organisation that issues credentials under its own did:web (or, without a domain, a did:key)."""

    __tablename__ = "issuer_partners"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    did: Mapped[str] = mapped_column(String(300), unique=True)
    #: Set when the DID is ``did:web:DOMAIN`` (served at that host's ``/.well-known/did.json``).
    domain: Mapped[str | None] = mapped_column(String(260), unique=True)
    #: The DID document (JSON), the record of every key's lifecycle.
    document: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the secret part of the partner's API key.
    api_key_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime]
    #: The partner's token bucket (requests), refilled at the configured rate.
    rate_tokens: Mapped[float] = mapped_column(Float)
    rate_updated: Mapped[datetime]
    #: The did:key that document keys are also sealed to when a holder chooses escrow; None: no escrow.
    escrow_did: Mapped[str | None] = mapped_column(String(300))


class SigningKey(Base):
    """A partner's Ed25519 key; the seed is encrypted at rest and destroyed when the key is retired."""

    __tablename__ = "issuer_signing_keys"
    __table_args__ = (UniqueConstraint("partner_id", "fragment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("issuer_partners.id"))
    fragment: Mapped[str] = mapped_column(String(64))
    #: nonce ‖ XChaCha20-Poly1305 ciphertext of the 32-byte seed; None once retired or compromised.
    sealed_seed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class StatusList(Base):
    """One of a partner's Bitstring Status Lists (one purpose each), published at /status/{id}."""

    __tablename__ = "issuer_status_lists"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("issuer_partners.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    length: Mapped[int]
    #: The published bitstring: bit i set means the credential at index i is revoked / suspended.
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    #: How many indexes have been given out (the ``issuer_status_entries`` of this list).
    allocated_count: Mapped[int]
    #: The signed BitstringStatusListCredential as served (compact JSON).
    credential: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class IssuedCredential(Base):
    """What the service remembers of a credential it issued: enough to change its status."""

    __tablename__ = "issuer_credentials"
    __table_args__ = (
        UniqueConstraint("partner_id", "credential_id"),
        UniqueConstraint("partner_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("issuer_partners.id"))
    credential_id: Mapped[str] = mapped_column(String(500))
    #: The most specific type (``IdentityDocumentCredential``, or ``VerifiableCredential``).
    type: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime]
    #: The key it was signed with (its fragment) and the cryptosuite, to replay a retried request.
    key_fragment: Mapped[str] = mapped_column(String(64))
    #: HMAC of the ``Idempotency-Key`` header and of the request, or None without the header.
    idempotency_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    request_digest: Mapped[bytes | None] = mapped_column(LargeBinary(32))


class StatusEntry(Base):
    """One index of one status list, given to one credential."""

    __tablename__ = "issuer_status_entries"
    __table_args__ = (UniqueConstraint("list_id", "list_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential_pk: Mapped[int] = mapped_column(ForeignKey("issuer_credentials.id"), index=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("issuer_status_lists.id"))
    list_index: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(16))


class Document(Base):
    """An encrypted scan the service pinned, and the credential that attests it.

    Neither the scan, its key nor its CID is kept: the CID only as an HMAC. A request with an
    ``Idempotency-Key`` is reserved here before the scan is pinned (``credential_pk`` None), so a
    concurrent retry waits for it instead of pinning again; its answer is kept for a replay as
    ``replay``, encrypted under a key derived from the Idempotency-Key, which the database never holds.
    """

    __tablename__ = "issuer_documents"
    __table_args__ = (UniqueConstraint("partner_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("issuer_partners.id"))
    #: The credential that attests the document; None while its (idempotent) request is in progress.
    credential_pk: Mapped[int | None] = mapped_column(ForeignKey("issuer_credentials.id"), unique=True)
    #: HMAC of the ciphertext's CID, as in the audit log; None while in progress.
    cid_mac: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    #: When the request that pins it started (a reservation older than a while is abandoned).
    started_at: Mapped[datetime]
    #: HMAC of the ``Idempotency-Key`` header and of the request (its fields and the scan's SHA-256).
    idempotency_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    request_digest: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    #: The CID, digest and sealed keys of an idempotent request's answer, sealed (see above).
    replay: Mapped[bytes | None] = mapped_column(LargeBinary)


class AuditEntry(Base):
    """One line of the append-only, HMAC-chained audit log: who (partner id), what, when; no personal data."""

    __tablename__ = "issuer_audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    partner_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40))
    #: What the action was about: a credential's row number, a key fragment, a list id.
    target: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row holding the chain's last entry; locking it serialises appends."""

    __tablename__ = "issuer_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    #: HMAC of (seq, hash) under the master key's "audit-head" subkey; None only before it is sealed.
    seal: Mapped[str | None] = mapped_column(String(64))


class ConsoleSessionRecord(Base):
    """A signed-in console session; signing out deletes it, so its cookie opens nothing any more."""

    __tablename__ = "issuer_console_sessions"

    #: SHA-256 of the session id the cookie carries (the id itself is never stored).
    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("issuer_partners.id"), index=True)
    expires_at: Mapped[datetime]
