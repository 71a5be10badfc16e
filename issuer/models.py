"""The service's tables (SQLAlchemy 2 typed models); Alembic migrations in issuer/migrations create them.

Nothing here holds a credential's claims: an issued credential is remembered only by what is
needed to revoke or suspend it (its id, type, issuance time and status indexes) and to replay an
idempotent request (keyed digests, never the request itself).
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
    """An organisation that issues credentials under its own did:web."""

    __tablename__ = "partners"

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


class SigningKey(Base):
    """A partner's Ed25519 key; the seed is encrypted at rest and destroyed when the key is retired."""

    __tablename__ = "signing_keys"
    __table_args__ = (UniqueConstraint("partner_id", "fragment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    fragment: Mapped[str] = mapped_column(String(64))
    #: nonce ‖ XChaCha20-Poly1305 ciphertext of the 32-byte seed; None once retired or compromised.
    sealed_seed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class StatusList(Base):
    """One of a partner's Bitstring Status Lists (one purpose each), published at /status/{id}."""

    __tablename__ = "status_lists"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    length: Mapped[int]
    #: The published bitstring: bit i set means the credential at index i is revoked / suspended.
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    #: How many indexes have been given out (the ``status_entries`` of this list).
    allocated_count: Mapped[int]
    #: The signed BitstringStatusListCredential as served (compact JSON).
    credential: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class IssuedCredential(Base):
    """What the service remembers of a credential it issued: enough to change its status."""

    __tablename__ = "issued_credentials"
    __table_args__ = (
        UniqueConstraint("partner_id", "credential_id"),
        UniqueConstraint("partner_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
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

    __tablename__ = "status_entries"
    __table_args__ = (UniqueConstraint("list_id", "list_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credential_pk: Mapped[int] = mapped_column(ForeignKey("issued_credentials.id"), index=True)
    list_id: Mapped[str] = mapped_column(ForeignKey("status_lists.id"))
    list_index: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(16))


class AuditEntry(Base):
    """One line of the append-only, HMAC-chained audit log: who (partner id), what, when; no personal data."""

    __tablename__ = "audit_log"

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

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
