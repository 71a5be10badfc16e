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
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from issuer import partners
from issuer.models import Partner, StatusEntry
from issuer.models import StatusList as ListRow
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.proofs import ProofOptions, add_proof
from nansen.status import StatusList, allocate_index, build_entry, build_list_credential
from service.groupcommit import recall, remember

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


def _list_in_use(
    session: Session, vault: Vault, settings: Settings, partner: Partner, purpose: str
) -> ListRow:
    """The partner's list for ``purpose`` with room left (the fullest such; a new one if none). In a
    group commit's batch, the one an earlier piece used while it still has room: the batch holds the
    partner's lock, so no other transaction allocates from it meanwhile."""
    remembered: ListRow | None = recall(session, (ListRow, partner.id, purpose))
    if remembered is not None and remembered.allocated_count < remembered.length:
        return remembered
    row = session.scalar(
        select(ListRow)
        .where(ListRow.partner_id == partner.id, ListRow.purpose == purpose)
        .where(ListRow.allocated_count < ListRow.length)
        .order_by(ListRow.allocated_count.desc())
        .limit(1)
    ) or _create(session, vault, settings, partner, purpose)
    remember(session, (ListRow, partner.id, purpose), row)
    return row


def _free_indexes(session: Session, rows: list[ListRow]) -> list[int]:
    """A free index in each list: random draws, all the lists' checked in one query per round."""
    chosen: dict[str, int] = {}
    for _ in range(_DRAWS):
        draws = {row.id: secrets.randbelow(row.length) for row in rows if row.id not in chosen}
        if not draws:
            break
        taken = {
            (list_id, index)
            for list_id, index in session.execute(
                select(StatusEntry.list_id, StatusEntry.list_index).where(
                    or_(
                        *(
                            and_(StatusEntry.list_id == i, StatusEntry.list_index == n)
                            for i, n in draws.items()
                        )
                    )
                )
            )
        }
        chosen.update(draw for draw in draws.items() if draw not in taken)
    for row in rows:
        if row.id not in chosen:
            used = set(session.scalars(select(StatusEntry.list_index).where(StatusEntry.list_id == row.id)))
            chosen[row.id] = allocate_index(used, row.length)
    return [chosen[row.id] for row in rows]


def allocate(
    session: Session, vault: Vault, settings: Settings, partner: Partner, purposes: Sequence[str]
) -> list[tuple[str, int]]:
    """A fresh random index for each purpose, in one of the partner's lists for it: (list id, index).

    The caller holds the partner's row lock, so no other transaction allocates for this partner;
    the caller also stores the indexes in ``issuer_status_entries`` before the transaction ends.
    """
    rows = [_list_in_use(session, vault, settings, partner, purpose) for purpose in purposes]
    indexes = _free_indexes(session, rows)
    for row in rows:
        row.allocated_count += 1
    return [(row.id, index) for row, index in zip(rows, indexes, strict=True)]


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
