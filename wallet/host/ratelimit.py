"""Counting attempts in the database, so that the limits hold across workers and replicas.

One row per counter (an HMAC naming what is counted, :mod:`wallet.host.secret`): the start of its
window and the attempts in it. Each attempt is counted by one atomic upsert (``INSERT … ON CONFLICT
DO UPDATE … RETURNING``, on SQLite and PostgreSQL alike) *before* the request is judged, so
parallel guesses cannot slip between a check and a count; past ``limit`` the answer is 429 with
``Retry-After`` (RFC 6585 §4), the seconds until the window ends.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.problems import Problem
from wallet.host.models import Attempt


def _insert(session: Session) -> Any:
    bind = session.get_bind()
    return (postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert)(Attempt)


def count(session: Session, key: str, *, limit: int, window: int, moment: int) -> int | None:
    """Count one attempt on ``key`` in the session's transaction: None while within ``limit``,
    else the seconds until the window ends (commit the count, then refuse: `too_many`)."""
    expired = Attempt.window_start <= moment - window
    statement = (
        _insert(session)
        .values(key=key, window_start=moment, count=1)
        .on_conflict_do_update(
            index_elements=[Attempt.key],
            set_={
                "count": case((expired, 1), else_=Attempt.count + 1),
                "window_start": case((expired, moment), else_=Attempt.window_start),
            },
        )
        .returning(Attempt.count, Attempt.window_start)
    )
    attempts, start = session.execute(statement).one()
    return max(1, math.ceil(start + window - moment)) if attempts > limit else None


def too_many(wait: int) -> Problem:
    return Problem(429, "Too many attempts; wait before trying again.", headers={"Retry-After": str(wait)})


def forget(session: Session, key: str) -> None:
    """Start ``key``'s count again (a successful sign-in)."""
    session.execute(delete(Attempt).where(Attempt.key == key))


def purge(session: Session, *, window: int, moment: int) -> int:
    """Remove counters whose window has ended."""
    result = session.execute(delete(Attempt).where(Attempt.window_start <= moment - window))
    return int(getattr(result, "rowcount", 0) or 0)
