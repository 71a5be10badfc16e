"""A partner's Bitstring Status Lists: random unused indexes, status changes, signed list credentials.

Each list serves one purpose (``revocation`` or ``suspension``) and has at least 131,072 entries
(W3C Bitstring Status List §6.1). An index is drawn uniformly at random among the free ones
(§2.1: neither the order of issuance nor the size of the group can be read from an index) and
is never given twice: the indexes given out are the list's rows in ``issuer_status_entries`` (unique per
list), and allocation happens under the partner's row lock, so several processes can issue at
once. A random draw is checked against that table; once a list is so full that draws keep
colliding, the choice is made among its free indexes directly (``nansen.status.allocate_index``).
A full list is followed by a new one.

The list credential is signed when the list is created and whenever a bit changes or the
partner's key is rotated, and is served as stored.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer import partners
from issuer.models import Partner, StatusEntry
from issuer.models import StatusList as ListRow
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.proofs import ProofOptions, add_proof
from nansen.status import StatusList, allocate_index, build_entry, build_list_credential

PURPOSES = ("revocation", "suspension")
#: Random draws before choosing among the free indexes directly (a list that is nearly full).
_DRAWS = 64


def url(settings: Settings, list_id: str) -> str:
    return f"{settings.base_url}/status/{list_id}"


def entry(settings: Settings, list_id: str, index: int, purpose: str) -> dict[str, str]:
    """The ``BitstringStatusListEntry`` a credential carries for this index."""
    return build_entry(url(settings, list_id), index, purpose)


def sign(session: Session, vault: Vault, settings: Settings, partner: Partner, row: ListRow) -> None:
    """(Re-)sign the list credential with the partner's current key."""
    unsigned = build_list_credential(
        url(settings, row.id), partner.did, row.purpose, StatusList.from_bytes(row.bits)
    )
    signed = add_proof(unsigned, partners.signer(session, vault, partner), ProofOptions())
    row.credential = json.dumps(signed, separators=(",", ":"))
    row.updated_at = datetime.now(UTC)


def _create(session: Session, vault: Vault, settings: Settings, partner: Partner, purpose: str) -> ListRow:
    row = ListRow(
        id=secrets.token_hex(16),
        partner_id=partner.id,
        purpose=purpose,
        length=settings.status_list_length,
        bits=StatusList(settings.status_list_length).to_bytes(),
        allocated_count=0,
    )
    sign(session, vault, settings, partner, row)
    session.add(row)
    return row


def _free_index(session: Session, row: ListRow) -> int:
    for _ in range(_DRAWS):
        index = secrets.randbelow(row.length)
        taken = select(StatusEntry.id).where(StatusEntry.list_id == row.id, StatusEntry.list_index == index)
        if session.scalar(taken) is None:
            return index
    used = set(session.scalars(select(StatusEntry.list_index).where(StatusEntry.list_id == row.id)))
    return allocate_index(used, row.length)


def allocate(
    session: Session, vault: Vault, settings: Settings, partner: Partner, purpose: str
) -> tuple[str, int]:
    """A fresh random index in one of the partner's lists for ``purpose``: (list id, index).

    The caller holds the partner's row lock, so no other transaction allocates for this partner;
    the caller also stores the index in ``issuer_status_entries`` before the transaction ends.
    """
    row = session.scalar(
        select(ListRow)
        .where(ListRow.partner_id == partner.id, ListRow.purpose == purpose)
        .where(ListRow.allocated_count < ListRow.length)
        .order_by(ListRow.allocated_count.desc())
        .limit(1)
    ) or _create(session, vault, settings, partner, purpose)
    index = _free_index(session, row)
    row.allocated_count += 1
    return row.id, index


def set_bit(
    session: Session,
    vault: Vault,
    settings: Settings,
    partner: Partner,
    list_id: str,
    index: int,
    value: bool,
) -> bool:
    """Set or clear one entry and re-sign the list; False when it already had that value."""
    row = session.get_one(ListRow, list_id, with_for_update=True)
    bits = StatusList.from_bytes(row.bits)
    if bits.get(index) == value:
        return False
    bits.set(index, value)
    row.bits = bits.to_bytes()
    sign(session, vault, settings, partner, row)
    return True


def is_set(session: Session, list_id: str, index: int) -> bool:
    return StatusList.from_bytes(session.get_one(ListRow, list_id).bits).get(index)


def resign_all(session: Session, vault: Vault, settings: Settings, partner: Partner) -> None:
    """Re-sign every list of the partner with its current key (after a rotation)."""
    for row in session.scalars(select(ListRow).where(ListRow.partner_id == partner.id)):
        sign(session, vault, settings, partner, row)
