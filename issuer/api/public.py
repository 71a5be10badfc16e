"""Public documents, no API key: partners' DID documents and status list credentials.

Both carry ``Cache-Control: public, max-age`` and a strong ``ETag``; ``If-None-Match`` gets a 304.
Both honour ``Accept`` (`service.negotiation`): the same bytes under the media type the client asks
for among those offered, with ``Vary: Accept``; each media type has its own ETag (RFC 9110 §8.8.3:
a strong validator is unique across the representations of a resource).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from sqlalchemy import select

from issuer import legacy_ldp, sdjwt
from issuer.api.deps import SessionDep, SettingsDep, VaultDep
from issuer.dids import authority_from_host_header
from issuer.models import Partner, StatusList
from issuer.settings import Settings
from service.negotiation import choose
from service.problems import Problem

router = APIRouter(tags=["public"])

DID_MEDIA_TYPE = "application/did+json"
#: DID 1.0 §6.2 and §6.3: JSON and JSON-LD; a JSON-LD or JSON client may ask for its own type.
DID_MEDIA_TYPES = (DID_MEDIA_TYPE, "application/did+ld+json", "application/ld+json", "application/json")
#: VC Data Model 2.0 §6.3, a credential secured with an embedded proof.
VC_MEDIA_TYPE = "application/vc"
#: VC Data Model 2.0 §6.1: a credential is JSON-LD in JSON, so clients that parse only JSON types can
#: ask for those (the W3C Bitstring Status List suite's client does).
VC_MEDIA_TYPES = (VC_MEDIA_TYPE, "application/ld+json", "application/json")

IfNoneMatch = Annotated[str | None, Header()]
Accept = Annotated[str | None, Header()]


def _cached(
    content: str, offered: Sequence[str], accept: str | None, max_age: int, if_none_match: str | None
) -> Response:
    body = content.encode()
    media_type = choose(accept, offered)
    etag = '"' + hashlib.sha256(media_type.encode() + b"\n" + body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}", "Vary": "Accept"}
    if if_none_match is not None and etag in (tag.strip() for tag in if_none_match.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get("/status/{list_id}", summary="A status list credential")
def status_list(
    list_id: str,
    session: SessionDep,
    settings: SettingsDep,
    if_none_match: IfNoneMatch = None,
    accept: Accept = None,
) -> Response:
    """The signed BitstringStatusListCredential (W3C Bitstring Status List v1.0)."""
    with session.begin():
        row = session.get(StatusList, list_id)
    if row is None:
        raise Problem(404, "There is no status list at this address.")
    return _cached(row.credential, VC_MEDIA_TYPES, accept, settings.status_max_age, if_none_match)


@router.get("/status/{list_id}/token", summary="A status list as an IETF Token Status List")
def status_list_token(
    list_id: str,
    session: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The Status List Token (``statuslist+jwt``) an SD-JWT VC's ``status`` names (issuer.sdjwt)."""
    token = sdjwt.status_list_token(session, vault, settings, list_id)
    return _cached(token, (sdjwt.MEDIA_TYPE,), None, settings.status_max_age, if_none_match)


def _document(
    partner: Partner | None, settings: Settings, if_none_match: str | None, accept: str | None
) -> Response:
    if partner is None:
        raise Problem(404, "There is no DID document at this address.")
    served = partner.document
    if settings.legacy_ldp_vc:
        served = json.dumps(legacy_ldp.with_legacy_methods(json.loads(served)))
    return _cached(served, DID_MEDIA_TYPES, accept, settings.status_max_age, if_none_match)


@router.get("/partners/{partner_id}/did.json", summary="A partner's DID document (did:web path)")
def partner_document(
    partner_id: str,
    session: SessionDep,
    settings: SettingsDep,
    if_none_match: IfNoneMatch = None,
    accept: Accept = None,
) -> Response:
    """The document of ``did:web:HOST:partners:ID`` (a did:key partner's document is its DID's own)."""
    with session.begin():
        partner = session.scalar(
            select(Partner).where(
                Partner.id == partner_id, Partner.domain.is_(None), Partner.did.startswith("did:web:")
            )
        )
    return _document(partner, settings, if_none_match, accept)


@router.get("/.well-known/did.json", summary="The DID document of the partner whose domain this is")
def domain_document(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    if_none_match: IfNoneMatch = None,
    accept: Accept = None,
) -> Response:
    """The document of ``did:web:DOMAIN``, chosen by the request's ``Host``."""
    domain = authority_from_host_header(request.headers.get("host", ""))
    with session.begin():
        partner = session.scalar(select(Partner).where(Partner.domain == domain)) if domain else None
    return _document(partner, settings, if_none_match, accept)
