"""The VC-API verifier endpoints: ``POST /credentials/verify``, ``/presentations/verify``, ``/challenges``.

Bodies are read by `verifier.body.json_body` (bounded, JSON only), not by FastAPI's parser.
``POST /presentations/verify`` also takes an SD-JWT VC presentation (SD-JWT+KB) as an
``EnvelopedVerifiablePresentation`` whose ``id`` is ``data:application/dc+sd-jwt,<SD-JWT+KB>``.
A verification answers 200 when verified and 400 when not, with the report of `verifier.api.report`;
a request that cannot be verified at all answers a problem (RFC 9457).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from nansen.timeutil import format_datetime
from nansen.verify import VerificationResult, Verifier
from service.metrics import record_verdict
from service.problems import Problem
from verifier import replay
from verifier.api.report import vc_api
from verifier.body import json_body
from verifier.dependencies import ClockDep, SessionDep, SettingsDep, VerifierDep
from verifier.relying_party import (
    CHALLENGE_REQUIRED,
    check_for_relying_party,
    check_sd_jwt_for_relying_party,
)
from verifier.sdjwt_checks import check_sd_jwt, enveloped_sd_jwt
from verifier.settings import Mode, Presentations, Settings
from verifier.verification import PresentationOptions, check_presentation

log = logging.getLogger(__name__)

router = APIRouter()

JsonBody = Annotated[Any, Depends(json_body)]

NO_STORE = {"Cache-Control": "no-store"}


def _request_body_schema(document: str, options: dict[str, Any]) -> dict[str, Any]:
    schema = {
        "type": "object",
        "required": [document],
        "properties": {document: {"type": "object"}, "options": {"type": "object", "properties": options}},
    }
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _member(body: Any, name: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Problem(400, "The request body must be a JSON object.")
    value = body.get(name)
    if not isinstance(value, dict):
        raise Problem(400, f"The request must carry a {name} object.")
    return value


def _options(body: dict[str, Any]) -> dict[str, Any]:
    options = body.get("options", {})
    if not isinstance(options, dict):
        raise Problem(400, "The options must be a JSON object.")
    return options


def _optional_string(options: dict[str, Any], name: str) -> str | None:
    value = options.get(name)
    if value is not None and not isinstance(value, str):
        raise Problem(400, f"The {name} option must be a string.")
    return value


def _answer(result: VerificationResult) -> JSONResponse:
    log.debug("A %s was verified: %s.", result.kind, result.verdict.value)
    record_verdict(result.verdict.value)
    return JSONResponse(vc_api(result), status_code=200 if result.verified else 400, headers=NO_STORE)


@router.post(
    "/credentials/verify",
    summary="Verify a credential",
    openapi_extra=_request_body_schema(
        "verifiableCredential", {"checks": {"type": "array", "items": {"type": "string"}}}
    ),
)
def verify_credential(body: JsonBody, verifier: VerifierDep) -> JSONResponse:
    """Every check is always made; ``options.checks``, if given, must be a list of check names."""
    credential = _member(body, "verifiableCredential")
    checks = _options(body).get("checks", [])
    if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
        raise Problem(400, "The checks option must be a list of check names.")
    return _answer(verifier.verify_credential(credential))


@router.post(
    "/presentations/verify",
    summary="Verify a presentation and its credentials",
    openapi_extra=_request_body_schema(
        "verifiablePresentation", {"challenge": {"type": "string"}, "domain": {"type": "string"}}
    ),
)
def verify_presentation(
    body: JsonBody, verifier: VerifierDep, session: SessionDep, settings: SettingsDep
) -> JSONResponse:
    """With ``options.challenge`` from ``POST /challenges``, or one way (fresh, accepted once); or,
    with ``NANSEN_VERIFIER_PRESENTATIONS=relying-party``, the caller's own challenge and domain.
    An SD-JWT VC presentation comes enveloped (`verifier.sdjwt_checks.enveloped_sd_jwt`): its
    KB-JWT's ``nonce`` is the challenge and its ``aud`` the domain."""
    presentation = _member(body, "verifiablePresentation")
    options = _options(body)
    wanted = PresentationOptions(_optional_string(options, "challenge"), _optional_string(options, "domain"))
    sd_jwt = enveloped_sd_jwt(presentation)
    if sd_jwt is not None:
        return _answer(_check_sd_jwt(sd_jwt, wanted, verifier, session, settings))
    binding = settings.api_holder_binding
    if settings.presentations is Presentations.RELYING_PARTY:
        if wanted.challenge is None:
            raise Problem(400, CHALLENGE_REQUIRED, "challenge-required")
        result = check_for_relying_party(
            presentation,
            challenge=wanted.challenge,
            domain=wanted.domain,
            verifier=verifier,
            holder_binding=binding,
        )
    else:
        result = check_presentation(
            presentation,
            wanted,
            verifier=verifier,
            session=session,
            settings=settings,
            holder_binding=binding,
        )
    return _answer(result)


def _check_sd_jwt(
    text: str, wanted: PresentationOptions, verifier: Verifier, session: Session, settings: Settings
) -> VerificationResult:
    """An SD-JWT+KB, under the same policy as a Data Integrity presentation (holder binding is
    always required: the API's ``holder-only`` setting concerns whose credentials a proof covers)."""
    if settings.presentations is Presentations.RELYING_PARTY:
        if wanted.challenge is None:
            raise Problem(400, CHALLENGE_REQUIRED, "challenge-required")
        return check_sd_jwt_for_relying_party(
            text, challenge=wanted.challenge, domain=wanted.domain, verifier=verifier
        )
    return check_sd_jwt(text, wanted, verifier=verifier, session=session, settings=settings, shown=False)


@router.post("/challenges", summary="Issue a single-use challenge")
def create_challenge(session: SessionDep, settings: SettingsDep, clock: ClockDep) -> JSONResponse:
    """A random nonce for ``options.challenge``, this verifier's domain, and when the nonce expires."""
    if settings.mode is Mode.ONE_WAY:
        raise Problem(404, "This verifier scans one way and issues no challenges.")
    nonce, expires = replay.issue_challenge(
        session, clock(), timedelta(seconds=settings.challenge_ttl_seconds)
    )
    body = {"challenge": nonce, "domain": settings.domain, "expires": format_datetime(expires)}
    return JSONResponse(body, headers=NO_STORE)
