"""Single use, in the database so that replicas share it: challenges, one-way presentations, and
tickets to open an original document.

Only SHA-256 digests are stored. A challenge or a ticket is spent with one conditional UPDATE
(``… WHERE spent_at IS NULL``), so of any number of concurrent requests exactly one spends it; a
one-way presentation is remembered under a primary key, so exactly one insert succeeds. A ticket
is stored as the digest of itself and the presentation's digest: it opens that presentation's
document only.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Executable, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nansen.proofs.dataintegrity import proofs_of
from verifier.models import Challenge, DocumentTicket, SeenPresentation

#: 256 bits of randomness, URL-safe: fits in a QR code's alphanumeric text once encoded.
NONCE_BYTES = 32


class ChallengeState(StrEnum):
    USABLE = "usable"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    SPENT = "spent"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def issue_challenge(session: Session, moment: datetime, ttl: timedelta) -> tuple[str, datetime]:
    """A fresh nonce and when it expires; only its digest is stored."""
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    expires = moment + ttl
    session.add(Challenge(digest=digest(nonce), issued_at=moment, expires_at=expires))
    session.commit()
    return nonce, expires


def challenge_state(session: Session, nonce: str, moment: datetime) -> ChallengeState:
    row = session.get(Challenge, digest(nonce))
    session.rollback()  # end the read transaction: nothing stays open
    if row is None:
        return ChallengeState.UNKNOWN
    if row.spent_at is not None:
        return ChallengeState.SPENT
    if row.expires_at <= moment:
        return ChallengeState.EXPIRED
    return ChallengeState.USABLE


def _changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE (Core, on the session's connection); how many rows it changed."""
    return session.connection().execute(statement).rowcount


def _spend(session: Session, table: type[Challenge | DocumentTicket], key: str, moment: datetime) -> bool:
    spent = _changed(
        session,
        update(table)
        .where(table.digest == key, table.spent_at.is_(None), table.expires_at > moment)
        .values(spent_at=moment),
    )
    session.commit()
    return spent == 1


def spend_challenge(session: Session, nonce: str, moment: datetime) -> bool:
    """Mark the nonce spent if it is usable; True for the one caller that did."""
    return _spend(session, Challenge, digest(nonce), moment)


def _ticket_digest(ticket: str, presentation_hash: str) -> str:
    return digest(f"{ticket}\n{presentation_hash}")


def issue_ticket(session: Session, presentation_hash: str, moment: datetime, ttl: timedelta) -> str:
    """A fresh ticket to open the document of the presentation with this digest, once, until ``ttl``."""
    ticket = secrets.token_urlsafe(NONCE_BYTES)
    session.add(DocumentTicket(digest=_ticket_digest(ticket, presentation_hash), expires_at=moment + ttl))
    session.commit()
    return ticket


def spend_ticket(session: Session, ticket: str, presentation_hash: str, moment: datetime) -> bool:
    """True for the one caller that spent a usable ticket issued for this presentation."""
    return _spend(session, DocumentTicket, _ticket_digest(ticket, presentation_hash), moment)


def presentation_digest(presentation: dict[str, Any]) -> str:
    """The SHA-256 of the presentation's proof values (its signatures), one per line."""
    return digest("\n".join(str(proof.get("proofValue")) for proof in proofs_of(presentation)))


def remember_presentation(
    session: Session, presentation_hash: str, moment: datetime, until: datetime
) -> bool:
    """Record a one-way presentation; False if it was accepted before."""
    try:
        session.connection().execute(
            insert(SeenPresentation).values(digest=presentation_hash, seen_at=moment, expires_at=until)
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def purge(session: Session, moment: datetime) -> int:
    """Delete expired challenges and tickets, and presentations too old to be accepted; how many."""
    removed = _changed(session, delete(Challenge).where(Challenge.expires_at < moment))
    removed += _changed(session, delete(SeenPresentation).where(SeenPresentation.expires_at < moment))
    removed += _changed(session, delete(DocumentTicket).where(DocumentTicket.expires_at < moment))
    session.commit()
    return removed
