"""The audit log: append-only, each entry chained to the one before by an HMAC.

An entry says who (a partner id), what (an action from ``Action``), when, and about what (a
credential's row number, a key fragment, the HMAC of a document's CID): never a name, a DID, a
CID or a claim. Its ``hash`` is
HMAC-SHA256, under a subkey of the master key, of its own fields and the previous entry's hash,
so changing or deleting an entry breaks the chain from there on, and without the master key the
chain cannot be recomputed to hide it. The database refuses UPDATE and DELETE on the table
(triggers), and ``issuer_audit_head`` remembers the last entry under a seal (an HMAC of its sequence
number and hash under another subkey of the master key), so cutting entries off the end, deleting the
whole log or rewinding the head to an earlier state that was never seen shows too. What this cannot
show: someone holding the master key and the database can rewrite everything; and someone who copied
the head row at an earlier moment can cut the log back to that moment (the issuer README says how to
anchor the head outside the database).
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer.models import AuditEntry, AuditHead
from issuer.vault import Vault
from service.groupcommit import recall, remember

GENESIS = "0" * 64
_HEAD_ID = 1


class Action(StrEnum):
    PARTNER_CREATED = "partner.created"
    CREDENTIAL_ISSUED = "credential.issued"
    CREDENTIAL_REVOKED = "credential.revoked"
    CREDENTIAL_SUSPENDED = "credential.suspended"
    CREDENTIAL_REINSTATED = "credential.reinstated"
    #: An encrypted document pinned; the target is the HMAC of its CID, never the CID.
    DOCUMENT_PINNED = "document.pinned"
    PARTNER_ESCROW_SET = "partner.escrow_set"
    KEY_ROTATED = "key.rotated"
    KEY_COMPROMISED = "key.compromised"
    #: An OpenID4VCI credential offer made; the target is the offer's row number.
    OFFER_MADE = "openid4vci.offer"


def _digest(vault: Vault, entry: AuditEntry) -> str:
    fields = [entry.seq, entry.at.astimezone(UTC).isoformat(), entry.partner_id, entry.action, entry.target]
    message = json.dumps([*fields, entry.prev_hash], separators=(",", ":")).encode()
    return vault.mac("audit", message).hex()


def _seal(vault: Vault, seq: int, chain_hash: str) -> str:
    return vault.mac("audit-head", json.dumps([seq, chain_hash], separators=(",", ":")).encode()).hex()


def _locked_head(session: Session) -> AuditHead:
    """The head row, locked until the transaction ends; in a group commit's batch, locked once for
    all its pieces (`service.groupcommit.remember`)."""
    head: AuditHead | None = recall(session, AuditHead)
    if head is None:
        head = session.execute(
            select(AuditHead).where(AuditHead.id == _HEAD_ID).with_for_update()
        ).scalar_one()
        remember(session, AuditHead, head)
    return head


def seal_head(session: Session, vault: Vault) -> None:
    """Seal the head as it stands: only when the seal is first introduced (``issuer.migrate``)."""
    head = _locked_head(session)
    head.seal = _seal(vault, head.seq, head.hash)


def append(
    session: Session, vault: Vault, partner_id: str | None, action: Action, target: str | None = None
) -> AuditEntry:
    """Add an entry in the caller's transaction; the head row's lock orders concurrent appends."""
    head = _locked_head(session)
    entry = AuditEntry(
        seq=head.seq + 1,
        at=datetime.now(UTC),
        partner_id=partner_id,
        action=action.value,
        target=target,
        prev_hash=head.hash,
    )
    entry.hash = _digest(vault, entry)
    session.add(entry)
    head.seq, head.hash, head.seal = entry.seq, entry.hash, _seal(vault, entry.seq, entry.hash)
    return entry


@dataclass(frozen=True)
class ChainReport:
    entries: int
    #: The sequence number of the first entry that is missing or altered, or None if the chain holds.
    broken_at: int | None = None
    reason: str = "The audit chain is intact."

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session, vault: Vault) -> ChainReport:
    """Recompute the chain from the first entry; report the first one that is missing or altered."""
    expected_seq, previous, count = 1, GENESIS, 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000))
    for entry in rows.scalars():
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(count, expected_seq, f"Entry {expected_seq} is missing.")
        if entry.prev_hash != previous or _digest(vault, entry) != entry.hash:
            return ChainReport(count, entry.seq, f"Entry {entry.seq} has been altered.")
        expected_seq, previous = entry.seq + 1, entry.hash
    head = session.execute(select(AuditHead).where(AuditHead.id == _HEAD_ID)).scalar_one()
    if head.seal is None or not hmac.compare_digest(head.seal, _seal(vault, head.seq, head.hash)):
        return ChainReport(count, head.seq, "The chain's head was altered: entries may have been removed.")
    if head.seq >= expected_seq:
        return ChainReport(count, expected_seq, f"Entry {expected_seq} is missing.")
    if head.seq != expected_seq - 1 or head.hash != previous:
        return ChainReport(count, head.seq, "The chain's head does not match its last entry.")
    return ChainReport(count)
