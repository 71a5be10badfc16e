"""Single use, in the database so that replicas share it: challenges, one-way presentations, and
tickets to open an original document.

Only SHA-256 digests are stored. A challenge or a ticket is spent with one conditional UPDATE
(``… WHERE spent_at IS NULL``), so of any number of concurrent requests exactly one spends it; a
one-way presentation is remembered by each of its signatures under a primary key, so of any
presentations that share a signature exactly one is accepted. A ticket is stored as the digest of
itself and the presentation's digest: it opens that presentation's document only.

A presentation is known by what its holder signed, not by the JSON around it: the bytes of each
proof's signature, decoded from its multibase ``proofValue`` (Data Integrity 1.0 §2.1). Repeating a
proof (``proof: [p, p]``), re-ordering proofs, appending another, or re-encoding a value does not
make a presentation new, nor does the other form of an ECDSA signature, ``(r, n - s)``
(`nansen.proofs.dataintegrity.signature_identity`). Each signature is stored as the SHA-256 of
its canonical base58btc text, which is what rows written before held for a presentation with one
proof.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Executable, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nansen import multibase
from nansen.proofs.dataintegrity import proofs_of, signature_identity
from verifier.models import Challenge, DocumentTicket, SeenPresentation
from verifier.openid4vp.models import PresentationRequest

#: 256 bits of randomness, URL-safe: fits in a QR code's alphanumeric text once encoded.
NONCE_BYTES = 32


class ChallengeState(StrEnum):
    USABLE = "usable"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    SPENT = "spent"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def issue_challenge(
    session: Session, moment: datetime, ttl: timedelta, nonce: str | None = None
) -> tuple[str, datetime]:
    """A nonce (``nonce``, or a fresh one of `NONCE_BYTES`) and when it expires; only its digest is
    stored. The scan page gives a short code a person can type (`nansen.qr.challenge`)."""
    nonce = nonce if nonce is not None else secrets.token_urlsafe(NONCE_BYTES)
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


def signature_digests(presentation: dict[str, Any]) -> list[str]:
    """The digest of each distinct signature of the presentation's proofs, sorted; `NansenError`
    if a proof is not an object or its value is not multibase."""
    signatures = {signature_identity(proof) for proof in proofs_of(presentation)}
    return sorted(digest(multibase.encode_base58btc(signature)) for signature in signatures)


def key_binding_digest(signature: bytes) -> str:
    """The digest under which a one-way SD-JWT presentation is remembered: its Key Binding JWT's
    signature bytes (RFC 9901 §4.3), decoded from canonical base64url and, for ES256, in low-S form
    (`verifier.sdjwt_checks`), so that no re-spelling of one signing makes it new."""
    return digest("kb-jwt\n" + multibase.encode_base58btc(signature))


def presentation_digest(presentation: dict[str, Any]) -> str:
    """The digest of what the holder signed: its signatures (`signature_digests`), one per line."""
    return digest("\n".join(signature_digests(presentation)))


def remember_presentation(
    session: Session, signatures: Collection[str], moment: datetime, until: datetime
) -> bool:
    """Record a one-way presentation by its signatures' digests, in one transaction; False (and
    nothing recorded) if it has none or any of them was accepted before."""
    if not signatures:
        return False
    rows = [{"digest": key, "seen_at": moment, "expires_at": until} for key in signatures]
    try:
        session.connection().execute(insert(SeenPresentation), rows)
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
    removed += _changed(session, delete(PresentationRequest).where(PresentationRequest.expires_at < moment))
    session.commit()
    return removed
