"""A lost database is a clear, retryable answer: 503 with ``Retry-After`` and an RFC 9457 problem body.

When the database goes away (PostgreSQL restarted or its connections terminated, a SQLite file
locked or unreadable) SQLAlchemy raises an ``OperationalError`` or one of its kin. Left to the
generic handler, that was a 500 whose exception Starlette re-raised to the server, which then
closed the connection, so requests queued on it got no answer at all, and the traceback it logged
quoted the SQL parameters. Here those errors are answered inside the application (RFC 9110 §15.6.4:
503 with ``Retry-After``), the connection stays usable, the log names the error's kind only, and the
engine never puts parameters into an error's text (:func:`protect`, SQLAlchemy's
``hide_parameters``). Errors that are bugs (an integrity or programming error) are not caught here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy import exc as sa

MEDIA_TYPE: Final = "application/problem+json"
#: What ``Retry-After`` tells a client whose request met a lost database (seconds).
RETRY_AFTER_SECONDS: Final = 5
#: The errors that mean "the database cannot be reached now", not "the request or the code is wrong".
UNREACHABLE: Final[tuple[type[Exception], ...]] = (
    sa.OperationalError,
    sa.InterfaceError,
    sa.DisconnectionError,
    sa.PendingRollbackError,
    sa.TimeoutError,
)
DETAIL: Final = "The service cannot reach its database just now, so nothing was done; try again shortly."

log = logging.getLogger("nansen.service.database")


def problem(
    status: int, detail: str, headers: Mapping[str, str] | None = None, **members: Any
) -> JSONResponse:
    """An RFC 9457 problem response (``about:blank``: the title is the status phrase, §4.2.1)."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return JSONResponse(
        {**body, **members},
        status_code=status,
        headers={**(headers or {}), "Cache-Control": "no-store"},
        media_type=MEDIA_TYPE,
    )


def unreachable_response() -> JSONResponse:
    return problem(503, DETAIL, {"Retry-After": str(RETRY_AFTER_SECONDS)})


async def _on_unreachable(_request: Request, error: Exception) -> JSONResponse:
    log.warning("The database cannot be reached (%s); answered 503.", type(error).__name__)
    return unreachable_response()


def protect(engine: Engine) -> Engine:
    """Keep SQL parameters out of the engine's error texts and logs (``hide_parameters``: they may be
    personal data or secrets' hashes). Set on the engine, as ``create_engine(hide_parameters=True)``
    does, so every engine a service makes gets it in one place."""
    engine.hide_parameters = True
    return engine


def install(app: FastAPI, *engines: Engine) -> None:
    """Answer a lost database with 503 in ``app``, and protect each of ``engines``."""
    for engine in engines:
        protect(engine)
    for kind in UNREACHABLE:
        app.add_exception_handler(kind, _on_unreachable)
