"""What a partner can see and change of the credentials it issued: never another partner's.

Every query here is filtered by the caller's partner id, so a credential of another partner is
"not found" (404), exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from issuer import audit, partners, statuslists
from issuer.models import IssuedCredential, StatusEntry
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.timeutil import format_datetime
from service.problems import Problem

#: VC-API's ``credentialStatus.type``; its example also says ``BitstringStatusList``.
ENTRY_TYPES = ("BitstringStatusListEntry", "BitstringStatusList")
MAX_PAGE = 1000
#: The furthest a listing may start (an integer every database takes).
MAX_OFFSET = 2**31 - 1

_ACTIONS = {
    ("revocation", True): audit.Action.CREDENTIAL_REVOKED,
    ("suspension", True): audit.Action.CREDENTIAL_SUSPENDED,
    ("suspension", False): audit.Action.CREDENTIAL_REINSTATED,
}


@dataclass(frozen=True)
class StatusChange:
    """VC-API ``UpdateCredentialStatusRequest``: set (True) or clear (False) one purpose's bit."""

    credential_id: str
    purpose: str
    status: bool
    list_credential: str | None = None
    list_index: str | None = None


def parse_status_change(body: Any) -> StatusChange:
    """The request of ``POST /credentials/status``, or a 400 Problem."""
    if not isinstance(body, dict) or set(body) - {"credentialId", "credentialStatus", "status"}:
        raise Problem(
            400, "The request holds 'credentialId', 'credentialStatus' and 'status', and nothing else."
        )
    entry, status, credential_id = body.get("credentialStatus"), body.get("status"), body.get("credentialId")
    if not isinstance(credential_id, str) or not isinstance(status, bool) or not isinstance(entry, dict):
        raise Problem(
            400, "The request needs a credentialId string, a credentialStatus object and a boolean status."
        )
    if set(entry) - {"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"}:
        raise Problem(400, "The credentialStatus object has a member that a status list entry does not have.")
    if entry.get("type") not in ENTRY_TYPES:
        raise Problem(400, "The credentialStatus type must be BitstringStatusListEntry.")
    if entry.get("statusPurpose") not in statuslists.PURPOSES:
        raise Problem(400, "The statusPurpose must be 'revocation' or 'suspension'.")
    named = entry.get("statusListCredential"), entry.get("statusListIndex")
    if not all(value is None or isinstance(value, str) for value in named):
        raise Problem(400, "The statusListCredential and statusListIndex must be strings.")
    return StatusChange(credential_id, entry["statusPurpose"], status, *named)


def _record(session: Session, partner_id: str, credential_id: str) -> IssuedCredential:
    # PostgreSQL refuses NUL in a text parameter (a 500); no credential id holds one anyway.
    record = (
        None
        if "\x00" in credential_id
        else session.scalar(
            select(IssuedCredential).where(
                IssuedCredential.partner_id == partner_id, IssuedCredential.credential_id == credential_id
            )
        )
    )
    if record is None:
        raise Problem(404, "The caller has issued no credential with that id.")
    return record


def _view(session: Session, record: IssuedCredential) -> dict[str, Any]:
    entries = session.scalars(select(StatusEntry).where(StatusEntry.credential_pk == record.id))
    return {
        "id": record.credential_id,
        "type": record.type,
        "issued": format_datetime(record.issued_at),
        "status": {e.purpose: statuslists.is_set(session, e.list_id, e.list_index) for e in entries},
    }


def view(session: Session, partner_id: str, credential_id: str) -> dict[str, Any]:
    """One of the caller's credentials: its id, type, issuance time and current status."""
    with session.begin():
        return _view(session, _record(session, partner_id, credential_id))


def listing(session: Session, partner_id: str, limit: int, offset: int) -> list[dict[str, Any]]:
    """The caller's credentials, newest first."""
    with session.begin():
        records = session.scalars(
            select(IssuedCredential)
            .where(IssuedCredential.partner_id == partner_id)
            .order_by(IssuedCredential.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [_view(session, record) for record in records]


def change_status(
    session: Session, vault: Vault, settings: Settings, partner_id: str, change: StatusChange
) -> dict[str, Any]:
    """Revoke, suspend or reinstate one of the caller's credentials; re-sign the list if it changed."""
    with session.begin():
        partner = partners.locked_or_gone(session, partner_id)
        record = _record(session, partner.id, change.credential_id)
        entry = session.scalar(
            select(StatusEntry).where(
                StatusEntry.credential_pk == record.id, StatusEntry.purpose == change.purpose
            )
        )
        if entry is None:
            raise Problem(409, f"The credential was issued without a {change.purpose} status entry.")
        if change.list_credential not in (
            None,
            statuslists.url(settings, entry.list_id),
        ) or change.list_index not in (
            None,
            str(entry.list_index),
        ):
            raise Problem(409, "The status list entry named is not the credential's.")
        action = _ACTIONS.get((change.purpose, change.status))
        if action is None:
            if statuslists.is_set(session, entry.list_id, entry.list_index):
                raise Problem(409, "A revoked credential cannot be reinstated; revocation is permanent.")
        elif statuslists.set_bit(
            session, vault, settings, partner, entry.list_id, entry.list_index, change.status
        ):
            audit.append(session, vault, partner.id, action, str(record.id))
        return _view(session, record)
