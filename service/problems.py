"""Errors as problem details (RFC 9457): ``application/problem+json``, one plain sentence each, for
every service.

Services raise :class:`Problem`; :func:`install` turns it, FastAPI's own validation errors and
Starlette's HTTP errors into the same shape, and :class:`CatchAll` anything unexpected (a 500 whose
log line names the error's type only: its message may quote data). Details never carry personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from service.observing import StatusCapture

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
#: What an answer that must not be kept anywhere carries (a lost database, readiness, metrics).
NO_STORE: Final = {"Cache-Control": "no-store"}
#: Where the types of problems a client may tell apart are named (``#no-qr-code`` and so on).
TYPES = "https://w3id.org/nansen/problems#"


class Problem(Exception):
    """A request the service refuses; ``detail`` is one sentence a person can act on. A ``kind``
    names a problem that clients tell apart (a camera keeps scanning after ``no-qr-code``)."""

    def __init__(
        self, status: int, detail: str, kind: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        #: Response headers that go with it (``Retry-After`` of a 503).
        self.headers = dict(headers or {})


def problem_response(
    status: int,
    detail: str,
    kind: str | None = None,
    headers: Mapping[str, str] | None = None,
    **members: Any,
) -> JSONResponse:
    """``type`` is ``about:blank`` unless a ``kind`` is given; ``title`` is the HTTP status phrase
    (RFC 9457 §4.2.1; each kind always comes with the same status); ``members`` are extension
    members (§3.2), such as readiness's ``notReady``."""
    body = {
        "type": "about:blank" if kind is None else TYPES + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **members,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=dict(headers or {}))


_DETAILS = {
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
}


async def _problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc.status, exc.detail, exc.kind, exc.headers)


async def _http_exception(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = _DETAILS.get(exc.status_code, f"The request failed ({HTTPStatus(exc.status_code).phrase}).")
    return problem_response(exc.status_code, detail, headers=exc.headers)


def install(app: FastAPI, *, invalid_parameters: int = 400) -> None:
    """Problems for ``app``; ``invalid_parameters`` is the status of a request whose parameters FastAPI
    finds not valid (the verifier's VC-API answers 400, the issuer's 422, as their clients expect)."""

    async def _validation(_request: Request, _exc: Exception) -> JSONResponse:
        return problem_response(invalid_parameters, "A parameter of the request is missing or not valid.")

    app.add_exception_handler(Problem, _problem)
    app.add_exception_handler(HTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation)


class CatchAll:
    """Any unexpected error becomes a 500 problem; the log names its type only, never the data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        capture = StatusCapture(send)
        try:
            await self.app(scope, receive, capture)
        except Exception as error:
            log.error("A request failed unexpectedly (%s).", type(error).__name__)
            if capture.status:
                return  # the server closes the unfinished response
            response = problem_response(500, "The service failed unexpectedly; please try again.")
            await response(scope, receive, send)
