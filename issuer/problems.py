"""Errors as RFC 9457 problem details (``application/problem+json``), each with one plain sentence.

Services raise :class:`Problem`; the app turns it, FastAPI's own validation errors, Starlette's
HTTP errors and anything unexpected into the same shape. Details never carry personal data, and
nothing is logged but the kind of an unexpected error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("issuer")


class Problem(Exception):
    """A refusal the caller can act on: an HTTP status and one sentence."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})


def problem_response(status: int, detail: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}), media_type=MEDIA_TYPE)


async def _on_problem(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Problem)
    return problem_response(error.status, error.detail, error.headers)


async def _on_http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    sentences = {
        404: "There is nothing at this address.",
        405: "This address does not accept that method.",
    }
    detail = sentences.get(error.status_code, f"{HTTPStatus(error.status_code).phrase}.")
    return problem_response(error.status_code, detail, error.headers)


async def _on_validation_error(_request: Request, error: Exception) -> JSONResponse:
    return problem_response(422, "A parameter of the request is missing or not valid.")


async def _on_unexpected(_request: Request, error: Exception) -> JSONResponse:
    # The error's message may quote data (SQL parameters, say): log its kind only.
    log.error("unexpected error: %s", type(error).__name__)
    return problem_response(500, "The service could not handle the request because of an internal error.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)
