"""The OpenID4VP routes (1.0 §5, §6, §8.2): make a request, serve its request object by reference,
take the wallet's ``direct_post`` answer once, and give the verdict to whoever holds the read key.

Each request has its own fresh ``nonce`` (and ``state``), used once: the first answer that arrives
before the request expires is judged and kept; any later one is refused. The client identifier is
``decentralized_identifier:`` and the verifier's did:key (`verifier.openid4vp.key`), which signs
the request object (`nansen.openid4vc.presentation`). An SD-JWT VC must carry a
KB-JWT with ``nonce`` and ``aud`` = the client id; a Data Integrity presentation must be signed for
``challenge`` = the nonce and ``domain`` = the client id (OpenID4VP 1.0 Appendix B.1.3, B.3.6).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from nansen import jsonutil
from nansen.errors import NansenError
from nansen.facts import FACT_TERMS
from nansen.openid4vc.presentation import (
    LDP_VC_QUERY,
    SD_JWT_QUERY,
    dcql_identity_query,
    signed_request_object,
)
from nansen.status_token_source import FetchedStatusTokens
from nansen.verify import StatusTokenSource, VerificationResult, Verifier
from service.problems import Problem
from verifier.dependencies import ClockDep, SessionDep, SettingsDep, VerifierDep
from verifier.openid4vp.key import verifier_key
from verifier.openid4vp.models import PresentationRequest
from verifier.openid4vp.requests import load, open_request, progress, public_base, readable, take_verdict
from verifier.openid4vp.verdicts import seal
from verifier.settings import Settings
from verifier.verification import judging_trust

router = APIRouter(tags=["openid4vp"])

_NO_STORE = {"Cache-Control": "no-store"}
_FORM = "application/x-www-form-urlencoded"
RequestId = Annotated[str, Path(pattern="^[A-Za-z0-9_-]{16,64}$")]


@functools.cache
def get_status_tokens() -> StatusTokenSource:
    """The Token Status Lists that SD-JWT VCs name, fetched over HTTPS (one source per process)."""
    return FetchedStatusTokens()


StatusTokensDep = Annotated[StatusTokenSource, Depends(get_status_tokens)]


def _oauth_error(description: str, error: str = "invalid_request") -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=400, headers=_NO_STORE
    )


@router.post("/openid4vp/requests", status_code=201, summary="Make an OpenID4VP presentation request")
async def make_request(
    request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> JSONResponse:
    """Body (optional) ``{"claims": [facts]}`` (else ``NANSEN_VERIFIER_OPENID4VP_CLAIMS``). Answers
    the ``openid4vp://`` URI for the QR code, the request's id, and the read key that alone reads
    its progress and verdict."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError as error:
        raise Problem(400, "The body must be JSON.") from error
    claims = body.get("claims", list(settings.openid4vp_claims)) if isinstance(body, dict) else None
    if not isinstance(claims, list) or not claims or not set(claims) <= set(FACT_TERMS):
        raise Problem(422, f"The claims must be some of: {', '.join(FACT_TERMS)}.")
    opened = open_request(session, settings, public_base(request, settings), tuple(claims), clock())
    answer = {
        "request": opened.uri,
        "id": opened.row.id,
        "readKey": opened.read_key,
        "expires": opened.row.expires_at.isoformat(),
    }
    return JSONResponse(answer, status_code=201, headers=_NO_STORE)


def _open(session: Session, ident: str, moment: datetime) -> PresentationRequest:
    row = load(session, ident)
    if row is None or row.answered_at is not None or row.expires_at <= moment:
        raise Problem(404, "There is no open presentation request at this address.")
    return row


@router.get("/openid4vp/requests/{ident}", summary="The request object (request_uri)")
def request_object(
    ident: RequestId, request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> Response:
    base = public_base(request, settings)
    row = _open(session, ident, clock())
    claims = {
        "client_id": row.client_id,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": f"{base}/openid4vp/responses/{ident}",
        "nonce": row.nonce,
        "state": row.state,
        "dcql_query": dcql_identity_query(row.claims.split(",")),
        "client_metadata": {
            "vp_formats_supported": {
                "dc+sd-jwt": {
                    "sd-jwt_alg_values": ["EdDSA", "ES256"],
                    "kb-jwt_alg_values": ["EdDSA", "ES256"],
                },
                "ldp_vc": {
                    "proof_type_values": ["DataIntegrityProof"],
                    "cryptosuite_values": ["eddsa-rdfc-2022", "eddsa-jcs-2022"],
                },
            }
        },
    }
    return Response(
        signed_request_object(claims, verifier_key(settings.data_dir)),
        media_type="application/oauth-authz-req+jwt",
        headers=_NO_STORE,
    )


def _judge(verifier: Verifier, row: PresentationRequest, vp_token: Any) -> VerificationResult:
    if not isinstance(vp_token, dict) or len(vp_token) != 1:
        raise ValueError("The vp_token must answer exactly one credential query.")
    ((query, presentations),) = vp_token.items()
    if not isinstance(presentations, list) or len(presentations) != 1:
        raise ValueError("The vp_token must hold one presentation.")
    shown = presentations[0]
    if query == SD_JWT_QUERY and isinstance(shown, str):
        result: VerificationResult = verifier.verify_sd_jwt(shown, nonce=row.nonce, audience=row.client_id)
        return result
    if query == LDP_VC_QUERY and isinstance(shown, dict):
        result = verifier.verify_presentation(shown, challenge=row.nonce, domain=row.client_id)
        return result
    raise ValueError("The vp_token answers no credential query of this request, in its format.")


@router.post("/openid4vp/responses/{ident}", summary="The wallet's answer (direct_post)")
async def response(
    ident: RequestId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    verifier: VerifierDep,
    status_tokens: StatusTokensDep,
) -> JSONResponse:
    if request.headers.get("content-type", "").split(";")[0].strip() != _FORM:
        return _oauth_error(f"The answer must be {_FORM}.")
    try:
        fields = parse_qs((await request.body()).decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return _oauth_error("The answer's form cannot be read.")
    form = {name: values[0] for name, values in fields.items() if len(values) == 1}
    pipeline = dataclasses.replace(verifier, status_tokens=status_tokens)
    # Verification canonicalises and may fetch DID documents and status lists: off the event loop.
    return await run_in_threadpool(_take_answer, ident, form, session, settings, clock(), pipeline)


def _take_answer(
    ident: str,
    form: dict[str, str],
    session: Session,
    settings: Settings,
    moment: datetime,
    verifier: Verifier,
) -> JSONResponse:
    try:
        vp_token = jsonutil.parse(form.get("vp_token", ""), settings.limits)
    except NansenError:
        return _oauth_error(
            "The answer carries no readable vp_token (JSON, within the size and depth limits)."
        )
    try:
        row = _open(session, ident, moment)
    except Problem:
        return _oauth_error("This request is not open: it was answered already, or has expired.")
    if form.get("state") != row.state:
        return _oauth_error("The answer's state is not this request's.")
    try:
        result = _judge(judging_trust(verifier) if row.judge_trust else verifier, row, vp_token)
    except ValueError as error:
        return _oauth_error(str(error))
    kept = session.connection().execute(
        update(PresentationRequest)
        .where(
            PresentationRequest.id == ident,
            PresentationRequest.answered_at.is_(None),
            PresentationRequest.expires_at > moment,
        )
        .values(answered_at=moment, result=seal(result, row.seal_key))
    )
    session.commit()
    if kept.rowcount != 1:
        return _oauth_error("This request is not open: it was answered already, or has expired.")
    return JSONResponse({}, headers=_NO_STORE)


def _read_key(authorization: str | None) -> str:
    scheme, _, key = (authorization or "").partition(" ")
    return key if scheme.lower() == "bearer" else ""


def _readable(session: Session, ident: str, read_key: str) -> PresentationRequest:
    row = readable(session, ident, read_key) if read_key else None
    if row is None:
        raise Problem(404, "There is no presentation request with this id and read key.")
    return row


Authorization = Annotated[str | None, Header()]


@router.get("/openid4vp/requests/{ident}/progress", summary="Whether the wallet has answered yet")
def request_progress(
    ident: RequestId, session: SessionDep, clock: ClockDep, authorization: Authorization = None
) -> JSONResponse:
    """``{"status": "waiting" | "done" | "expired"}`` and nothing else, for the holder of the read
    key (the scan page polls it); anyone else gets the 404 of a request that does not exist."""
    row = _readable(session, ident, _read_key(authorization))
    return JSONResponse({"status": progress(row, clock())}, headers=_NO_STORE)


@router.get(
    "/openid4vp/requests/{ident}/verdict", summary="The verdict, once, for the holder of the read key"
)
def verdict(ident: RequestId, session: SessionDep, authorization: Authorization = None) -> JSONResponse:
    """``{"status": "pending"}``, or ``{"status": "answered", "result": <report>}`` once: the verdict
    is deleted as it is read (the verifier keeps nothing after showing a result)."""
    read_key = _read_key(authorization)
    row = _readable(session, ident, read_key)
    if row.result is None:
        return JSONResponse({"status": "pending"}, headers=_NO_STORE)
    result = take_verdict(session, row, read_key)
    if result is None:
        raise Problem(404, "There is no presentation request with this id and read key.")
    return JSONResponse({"status": "answered", "result": result.to_json()}, headers=_NO_STORE)
