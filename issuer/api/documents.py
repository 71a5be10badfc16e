"""``POST /documents``: a scan, encrypted to its holder and pinned, then attested (issuer.documents).

The API key is checked and a token taken from the partner's bucket before a byte of the body is
read. The form is described in the OpenAPI document by hand, since it is read by hand (bounded).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse

from issuer import documents, uploads
from issuer.api.deps import CallerDep, SessionDep, SettingsDep, StoreDep, VaultDep
from nansen import vcdm
from nansen.config import Limits
from nansen.errors import InvalidInput
from nansen.ipfs import CID
from nansen.ipfs.replication import whereabouts
from service.parsing import parse_json_body
from service.problems import Problem

router = APIRouter(tags=["documents"])
log = logging.getLogger("issuer")

SCAN = "scan"
_FIELDS = (
    "holder",
    "documentType",
    "facts",
    "checkMethod",
    "documentPresence",
    "subjectPresence",
    "escrow",
    "sdJwt",
)
_REQUIRED = ("holder", "documentType", "facts", "checkMethod")
_BOOLEANS = {"true": True, "false": False}

_TEXT = {"type": "string", "minLength": 1, "maxLength": 500}
_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [SCAN, *_REQUIRED],
    "properties": {
        SCAN: {"type": "string", "format": "binary", "description": "The scan, in any format."},
        "holder": {
            "type": "string",
            "pattern": "^did:key:z[1-9A-HJ-NP-Za-km-z]+$",
            "maxLength": 300,
            "description": "The holder's did:key, as their wallet shows it.",
        },
        "documentType": {"type": "string", "enum": list(vcdm.IDENTITY_DOCUMENT_TYPES)},
        "facts": {
            "type": "object",
            "description": "The document's facts as a JSON object (schemas/credentials/"
            "IdentityDocumentCredential.json, identityDocument), such as givenName or documentNumber.",
            "additionalProperties": {"type": "string"},
        },
        "checkMethod": {**_TEXT, "description": "How the original was checked."},
        "documentPresence": {"type": "string", "enum": list(documents.PRESENCES)},
        "subjectPresence": {"type": "string", "enum": list(documents.PRESENCES)},
        "escrow": {
            "type": "boolean",
            "default": False,
            "description": "The holder chose escrow: the key is sealed to the partner's escrow too.",
        },
        "sdJwt": {
            "type": "boolean",
            "default": False,
            "description": "Answer with the SD-JWT VC (dc+sd-jwt) of the same facts too, as `sdJwt`, bound to "
            "the holder's did:key key; its status is the Token Status List at /status/{id}/token "
            "(docs/sd-jwt-vc.md).",
        },
    },
}
_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            uploads.MULTIPART: {
                "schema": _FORM_SCHEMA,
                "encoding": {"facts": {"contentType": "application/json"}},
            }
        },
    }
}
_ANSWER: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "The credential, the document key sealed to each recipient, and the ciphertext's CID.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["credential", "sealedKeys", "cid", "storage"],
                    "properties": {
                        "credential": {"type": "object"},
                        "sealedKeys": {"type": "array", "items": {"type": "object"}},
                        "cid": {"type": "string"},
                        "storage": {
                            "type": "object",
                            "description": "Where the ciphertext is pinned now, and whether copies to "
                            "other targets (a kubo node, a pinning service) are still queued.",
                            "properties": {
                                "pinnedAt": {"type": "array", "items": {"type": "string"}},
                                "replicationPending": {"type": "boolean"},
                                "queuedFor": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                }
            }
        },
    }
}


@dataclass(frozen=True)
class Upload:
    request: documents.DocumentRequest
    scan: BinaryIO


async def parse_request(fields: dict[str, str], limits: Limits) -> documents.DocumentRequest:
    """The API's form fields as a document request (400 for a malformed one); large facts are parsed
    off the event loop (`service.parsing`)."""
    missing = [name for name in _REQUIRED if not fields.get(name)]
    if missing:
        raise Problem(400, f"The form needs the fields: {', '.join(missing)}.")
    try:
        facts = await parse_json_body(fields["facts"], limits)
    except InvalidInput as error:
        raise Problem(
            400, "The facts field must be a JSON object, within the size and depth limits."
        ) from error
    if not isinstance(facts, dict):
        raise Problem(400, "The facts field must be a JSON object, within the size and depth limits.")
    escrow = _BOOLEANS.get(fields.get("escrow", "false"))
    if escrow is None:
        raise Problem(400, "The escrow field must be 'true' or 'false'.")
    sd_jwt = _BOOLEANS.get(fields.get("sdJwt", "false"))
    if sd_jwt is None:
        raise Problem(400, "The sdJwt field must be 'true' or 'false'.")
    return documents.DocumentRequest(
        holder=fields["holder"],
        document_type=fields["documentType"],
        facts=facts,
        check_method=fields["checkMethod"],
        document_presence=fields.get("documentPresence"),
        subject_presence=fields.get("subjectPresence"),
        escrow=escrow,
        sd_jwt=sd_jwt,
    )


async def read_upload(request: Request, _caller: CallerDep, settings: SettingsDep) -> AsyncIterator[Upload]:
    """The form, read only once the caller is known; its spooled file is closed after the answer."""
    form = await uploads.read_form(request, settings, len(_FIELDS))
    try:
        fields = uploads.text_fields(form, _FIELDS, SCAN)
        yield Upload(await parse_request(fields, settings.limits), uploads.scan_file(form, settings, SCAN))
    finally:
        await form.close()


@router.post(
    "/documents",
    status_code=201,
    summary="Preserve and attest a document",
    openapi_extra=_OPENAPI,
    responses=_ANSWER,
)
def issue_document(
    caller: CallerDep,
    upload: Annotated[Upload, Depends(read_upload)],
    session: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
    store: StoreDep,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Encrypt the scan to the holder, pin it, and issue an IdentityDocumentCredential.

    Multipart form: ``scan`` (the file), ``holder`` (did:key), ``documentType``, ``facts`` (a JSON
    object), ``checkMethod``, and optionally ``documentPresence``, ``subjectPresence`` and ``escrow``.
    Answers ``{"credential", "sealedKeys", "cid", "storage"}`` once the ciphertext is durable and
    pinned; ``storage`` says where it is pinned and whether copies elsewhere are still queued. A
    retried request with the same ``Idempotency-Key`` gets the same answer; nothing is pinned or
    issued twice.
    """
    issued = documents.issue(
        session, vault, settings, store, caller, upload.request, upload.scan, idempotency_key
    )
    log.info("document %s by partner %s", "replayed" if issued.replayed else "issued", caller.id)
    headers = {"Idempotent-Replayed": "true"} if issued.replayed else {}
    storage = whereabouts(store, CID.parse(issued.pinned.cid)).to_json()
    return JSONResponse({**issued.to_json(), "storage": storage}, status_code=201, headers=headers)
