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
import secrets
from datetime import datetime, timedelta
from typing import Annotated, Any, Final
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
    client_id_of,
    dcql_identity_query,
    request_uri_text,
    signed_request_object,
)
from nansen.proofs.cryptosuites import (
    DATA_INTEGRITY_PROOF,
    LEGACY_PROOF_TYPES,
    SUITES,
    VERIFY_ONLY_CRYPTOSUITES,
)
from nansen.status_token_source import FetchedStatusTokens
from nansen.verify import StatusTokenSource, VerificationResult, Verifier
from service.problems import Problem
from verifier.dependencies import ClockDep, SessionDep, SettingsDep, VerifierDep
from verifier.openid4vp.key import verifier_key
from verifier.openid4vp.models import PresentationRequest
from verifier.replay import digest
from verifier.settings import Settings

router = APIRouter(tags=["openid4vp"])

#: The facts asked for when the caller names none: who the person is.
DEFAULT_CLAIMS: Final = ("givenName", "familyName", "birthDate")
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
    """Body (optional) ``{"claims": [facts]}``. Answers the ``openid4vp://`` URI for the QR code,
    the request's id, and the read key that alone reads its verdict."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError as error:
        raise Problem(400, "The body must be JSON.") from error
    claims = body.get("claims", list(DEFAULT_CLAIMS)) if isinstance(body, dict) else None
    if not isinstance(claims, list) or not claims or not set(claims) <= set(FACT_TERMS):
        raise Problem(422, f"The claims must be some of: {', '.join(FACT_TERMS)}.")
    ident, read_key = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    base = str(request.base_url).rstrip("/")
    client_id = client_id_of(verifier_key(settings.data_dir))
    expires = clock() + timedelta(seconds=settings.challenge_ttl_seconds)
    session.add(
        PresentationRequest(
            id=ident,
            read_digest=digest(read_key),
            nonce=secrets.token_urlsafe(32),
            state=secrets.token_urlsafe(16),
            claims=",".join(dict.fromkeys(claims)),
            client_id=client_id,
            expires_at=expires,
        )
    )
    session.commit()
    answer = {
        "request": request_uri_text(client_id, f"{base}/openid4vp/requests/{ident}"),
        "id": ident,
        "readKey": read_key,
        "expires": expires.isoformat(),
    }
    return JSONResponse(answer, status_code=201, headers=_NO_STORE)


def _open(session: Session, ident: str, moment: datetime) -> PresentationRequest:
    row = session.get(PresentationRequest, ident)
    session.rollback()
    if row is None or row.answered_at is not None or row.expires_at <= moment:
        raise Problem(404, "There is no open presentation request at this address.")
    return row


@router.get("/openid4vp/requests/{ident}", summary="The request object (request_uri)")
def request_object(
    ident: RequestId, request: Request, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> Response:
    row = _open(session, ident, clock())
    base = str(request.base_url).rstrip("/")
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
                # Every proof type and cryptosuite the pipeline verifies (Appendix B.1.3.1).
                "ldp_vc": {
                    "proof_type_values": [DATA_INTEGRITY_PROOF, *LEGACY_PROOF_TYPES],
                    "cryptosuite_values": [*SUITES, *VERIFY_ONLY_CRYPTOSUITES],
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
        result = _judge(verifier, row, vp_token)
    except ValueError as error:
        return _oauth_error(str(error))
    kept = session.connection().execute(
        update(PresentationRequest)
        .where(
            PresentationRequest.id == ident,
            PresentationRequest.answered_at.is_(None),
            PresentationRequest.expires_at > moment,
        )
        .values(answered_at=moment, result=json.dumps(result.to_json()))
    )
    session.commit()
    if kept.rowcount != 1:
        return _oauth_error("This request is not open: it was answered already, or has expired.")
    return JSONResponse({}, headers=_NO_STORE)


@router.get("/openid4vp/requests/{ident}/verdict", summary="The verdict, for the holder of the read key")
def verdict(
    ident: RequestId, session: SessionDep, authorization: Annotated[str | None, Header()] = None
) -> JSONResponse:
    row = session.get(PresentationRequest, ident)
    session.rollback()
    scheme, _, key = (authorization or "").partition(" ")
    if row is None or scheme.lower() != "bearer" or not secrets.compare_digest(digest(key), row.read_digest):
        raise Problem(404, "There is no presentation request with this id and read key.")
    if row.result is None:
        return JSONResponse({"status": "pending"}, headers=_NO_STORE)
    return JSONResponse({"status": "answered", "result": json.loads(row.result)}, headers=_NO_STORE)
