"""VC-API issuer endpoints: issue, update status, and the caller's own credential records.

The bodies are read and parsed by hand (bounded in size and depth), so their shapes are written
into the OpenAPI document here (VC-API ``IssueCredentialRequest``, ``UpdateCredentialStatus``).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse

from issuer import issuance, records, statuslists
from issuer.api.deps import BodyDep, CallerDep, CommitsDep, SessionDep, SettingsDep, VaultDep
from nansen.proofs import SUITES

router = APIRouter(tags=["credentials"])
log = logging.getLogger("issuer")


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


_PURPOSE = {"type": "string", "enum": list(statuslists.PURPOSES)}
_ISSUE_BODY = _json_body(
    {
        "type": "object",
        "required": ["credential"],
        "additionalProperties": False,
        "properties": {
            "credential": {"type": "object", "description": "The unsigned credential (W3C VC 2.0)."},
            "options": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "cryptosuite": {"type": "string", "enum": list(SUITES)},
                    "statusPurposes": {"type": "array", "items": _PURPOSE, "uniqueItems": True},
                },
            },
        },
    }
)
_STATUS_BODY = _json_body(
    {
        "type": "object",
        "required": ["credentialId", "credentialStatus", "status"],
        "additionalProperties": False,
        "properties": {
            "credentialId": {"type": "string"},
            "credentialStatus": {
                "type": "object",
                "required": ["type", "statusPurpose"],
                "properties": {
                    "type": {"type": "string", "enum": list(records.ENTRY_TYPES)},
                    "statusPurpose": _PURPOSE,
                    "statusListCredential": {"type": "string"},
                    "statusListIndex": {"type": "string"},
                },
            },
            "status": {"type": "boolean"},
        },
    }
)


@router.post("/credentials/issue", status_code=201, summary="Issue a credential", openapi_extra=_ISSUE_BODY)
def issue(
    caller: CallerDep,
    body: BodyDep,
    commits: CommitsDep,
    vault: VaultDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """VC-API issuance: ``{"credential": {...}, "options": {...}}`` → 201 and the signed credential.

    ``options.cryptosuite`` is eddsa-rdfc-2022 (default) or eddsa-jcs-2022;
    ``options.statusPurposes`` lists the status entries to add (default: revocation, suspension).
    A retried request with the same ``Idempotency-Key`` gets the same credential, issued once.
    """
    request = issuance.parse_request(body, settings.profile)
    issued = issuance.issue(commits, vault, settings, caller, request, idempotency_key)
    log.info("credential %s by partner %s", "replayed" if issued.replayed else "issued", caller.id)
    headers = {"Idempotent-Replayed": "true"} if issued.replayed else {}
    return JSONResponse(issued.credential, status_code=201, headers=headers)


@router.post(
    "/credentials/status", summary="Revoke, suspend or reinstate a credential", openapi_extra=_STATUS_BODY
)
def update_status(
    caller: CallerDep, body: BodyDep, session: SessionDep, vault: VaultDep, settings: SettingsDep
) -> dict[str, Any]:
    """VC-API status update: ``{"credentialId", "credentialStatus": {"type", "statusPurpose"}, "status"}``.

    ``status`` true sets the entry (revoked / suspended), false clears it (a suspension only:
    revocation is permanent). The answer is the credential's record with its current status.
    """
    change = records.parse_status_change(body)
    result = records.change_status(session, vault, settings, caller.id, change)
    log.info("credential %s set to %s by partner %s", change.purpose, change.status, caller.id)
    return result


@router.get("/credentials", summary="List the caller's credentials")
def list_credentials(
    caller: CallerDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=records.MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0, le=records.MAX_OFFSET)] = 0,
) -> list[dict[str, Any]]:
    """The caller's credentials, newest first: id, type, issuance time, status. Never their claims."""
    return records.listing(session, caller.id, limit, offset)


@router.get("/credentials/{credential_id:path}", summary="One of the caller's credentials")
def get_credential(caller: CallerDep, session: SessionDep, credential_id: str) -> dict[str, Any]:
    """What the service remembers of one of the caller's credentials (404 for any other)."""
    return records.view(session, caller.id, credential_id)
