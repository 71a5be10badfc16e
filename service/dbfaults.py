"""A lost database is a clear, retryable answer: 503 with ``Retry-After`` and an RFC 9457 problem body.

When the database goes away (PostgreSQL restarted or its connections terminated, a SQLite file
locked or unreadable) SQLAlchemy raises an ``OperationalError`` or one of its kin. Left to the
generic handler, that was a 500 whose exception Starlette re-raised to the server, which then
closed the connection, so requests queued on it got no answer at all, and the traceback it logged
quoted the SQL parameters. Here those errors are answered inside the application (RFC 9110 §15.6.4:
503 with ``Retry-After``), the connection stays usable, the log names the error's kind only, and the
engine never puts parameters into an error's text (`service.database.protect`, SQLAlchemy's
``hide_parameters``). Errors that are bugs (an integrity or programming error) are not caught here.
"""

from __future__ import annotations

import logging
from typing import Final

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa

from service.problems import NO_STORE, problem_response

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


def unreachable_response() -> JSONResponse:
    return problem_response(503, DETAIL, headers={"Retry-After": str(RETRY_AFTER_SECONDS), **NO_STORE})


async def _on_unreachable(_request: Request, error: Exception) -> JSONResponse:
    log.warning("The database cannot be reached (%s); answered 503.", type(error).__name__)
    return unreachable_response()


def install(app: FastAPI) -> None:
    """Answer a lost database with 503 in ``app`` (its engines hide parameters from their making:
    `service.database.engine_for`)."""
    for kind in UNREACHABLE:
        app.add_exception_handler(kind, _on_unreachable)
