"""SD-JWT VCs beside Data Integrity credentials, and the Token Status Lists they refer to.

``POST /documents`` with ``sdJwt=true`` answers with the identity document's SD-JWT VC too
(`nansen.sdjwt.issue_identity_document`): the same facts, signed by the same partner key, each a
disclosure of its own, bound (``cnf``) to the key of the holder's did:key.

Its ``status`` names the Token Status List (draft-ietf-oauth-status-list) published at
``/status/{revocation list id}/token``, at the index of the credential's revocation entry. The
token is made from the partner's Bitstring lists, two bits per index (§7.1): 1 (INVALID) when the
revocation bit is set, 2 (SUSPENDED) when the same credential's suspension bit is, so revoking,
suspending or reinstating a credential changes both formats at once. It is signed on request by
the partner's current key and kept in memory until one of the partner's lists changes (or it is
half-way to its ``exp``), so requests do not each cost a signature.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from jwcrypto import jwk
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from issuer import partners, statuslists
from issuer.models import Partner, StatusEntry
from issuer.models import StatusList as ListRow
from issuer.settings import Settings
from issuer.vault import Vault
from nansen.errors import NansenError
from nansen.sdjwt import IssuerKey, ed25519_jwk, issue_identity_document, jose
from nansen.sdjwt.status_list import INVALID, SUSPENDED, TYP, encode
from nansen.status import StatusList
from service.problems import Problem

MEDIA_TYPE: Final = "application/statuslist+jwt"
#: How long a Status List Token is valid (``exp`` - ``iat``); verifiers refresh far sooner (``ttl``).
TOKEN_LIFETIME: Final = timedelta(days=1)
_BITS: Final = 2


def token_url(settings: Settings, list_id: str) -> str:
    return f"{statuslists.url(settings, list_id)}/token"


def status_reference(credential: dict[str, Any]) -> dict[str, Any] | None:
    """The SD-JWT VC's ``status``: the Token Status List of the credential's revocation entry."""
    for entry in credential.get("credentialStatus", []):
        if entry.get("statusPurpose") == "revocation":
            return {
                "status_list": {
                    "idx": int(entry["statusListIndex"]),
                    "uri": entry["statusListCredential"] + "/token",
                }
            }
    return None


def issue_for(
    session: Session,
    vault: Vault,
    partner: Partner,
    *,
    holder: str | jwk.JWK,
    document_type: str,
    facts: dict[str, Any],
    credential: dict[str, Any],
    issued_at: datetime,
) -> str:
    """The SD-JWT VC of the same facts as the Data Integrity ``credential`` just issued."""
    with session.begin():
        signer = partners.signer(session, vault, partner)
    key = IssuerKey(ed25519_jwk(signer.key_pair), partner.did, signer.verification_method)
    try:
        return issue_identity_document(
            signer=key,
            holder_did=holder,
            document_type=document_type,
            facts=facts,
            issued_at=issued_at,
            status=status_reference(credential),
        )
    except NansenError as error:
        raise Problem(422, str(error)) from error


def statuses(session: Session, row: ListRow) -> bytes:
    """Two bits per index of the revocation list ``row``: revoked 1, suspended 2, else 0."""
    revocation = StatusList.from_bytes(row.bits)
    suspension_entry = aliased(StatusEntry)
    pairs = session.execute(
        select(StatusEntry.list_index, suspension_entry.list_id, suspension_entry.list_index)
        .outerjoin(
            suspension_entry,
            (suspension_entry.credential_pk == StatusEntry.credential_pk)
            & (suspension_entry.purpose == "suspension"),
        )
        .where(StatusEntry.list_id == row.id)
    ).all()
    lists = {
        other.id: StatusList.from_bytes(other.bits)
        for other in session.scalars(select(ListRow).where(ListRow.id.in_({p[1] for p in pairs if p[1]})))
    }
    packed = bytearray(row.length * _BITS // 8)
    for index, suspension_list, suspension_index in pairs:
        if revocation.get(index):
            value = INVALID
        elif suspension_list is not None and lists[suspension_list].get(suspension_index):
            value = SUSPENDED
        else:
            continue
        packed[index * _BITS // 8] |= value << (index * _BITS % 8)
    return bytes(packed)


_cache: dict[str, tuple[tuple[Any, ...], datetime, str]] = {}
_cache_lock = threading.Lock()
_CACHE_SIZE: Final = 4096


def status_list_token(session: Session, vault: Vault, settings: Settings, list_id: str) -> str:
    """The signed Status List Token of a revocation list; 404 for anything else."""
    with session.begin():
        row = session.get(ListRow, list_id)
        if row is None or row.purpose != "revocation":
            raise Problem(404, "There is no token status list at this address.")
        partner = session.get_one(Partner, row.partner_id)
        changed = session.scalar(select(func.max(ListRow.updated_at)).where(ListRow.partner_id == partner.id))
        stamp = (changed, partner.did, partner.document)
        moment = datetime.now(UTC).replace(microsecond=0)
        with _cache_lock:
            held = _cache.get(list_id)
        if held is not None and held[0] == stamp and moment - held[1] < TOKEN_LIFETIME / 2:
            return held[2]
        packed = statuses(session, row)
        signer = partners.signer(session, vault, partner)
    claims = {
        "sub": token_url(settings, list_id),
        "iat": int(moment.timestamp()),
        "exp": int((moment + TOKEN_LIFETIME).timestamp()),
        "ttl": settings.status_max_age,
        "status_list": {"bits": _BITS, "lst": encode(packed)},
    }
    token = jose.sign({"typ": TYP, "kid": signer.verification_method}, claims, ed25519_jwk(signer.key_pair))
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[list_id] = (stamp, moment, token)
    return token
