"""The verifier's tables. They hold hashes and times only: no names, DIDs, CIDs or proof values."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

#: A SHA-256 digest in lowercase hexadecimal.
DIGEST_LENGTH = 64


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in UTC, stored the same way on SQLite (which drops time zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a stored moment must carry a time zone")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Challenge(Base):
    """A nonce issued by ``POST /challenges``, known only by its SHA-256; spent at most once."""

    __tablename__ = "challenges"

    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    spent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SeenPresentation(Base):
    """A signature of a presentation accepted in one-way scanning (`verifier.replay`), known by its
    SHA-256: one row for each of the presentation's signatures."""

    __tablename__ = "seen_presentations"

    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: After this moment the presentation is too old to be accepted anyway, so the row may go.
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DocumentTicket(Base):
    """Leave to open the original document of one accepted presentation, once, for a short time:
    known by the SHA-256 of the ticket and the presentation's digest, never by either alone."""

    __tablename__ = "document_tickets"

    digest: Mapped[str] = mapped_column(String(DIGEST_LENGTH), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    spent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
