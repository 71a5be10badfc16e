"""What both roles' databases share: their sessions, and the choice between SQLite and PostgreSQL.

Each role keeps its own SQLite engine, on purpose, because they write differently: the issuer's
transactions lock a partner's row and must not interleave, so on SQLite each starts with
``BEGIN IMMEDIATE`` behind a lock of the engine's own (issuer/db.py); the verifier writes small
independent rows and hands one connection from request to request (verifier/db.py). What is the
same for both lives here: a SQLite file is created its owner's only before SQLite opens it
(`service.files.private_sqlite`), PostgreSQL connections are checked before use, and sessions keep
their objects readable after a commit.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from service.files import private_sqlite


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def protect(engine: Engine) -> Engine:
    """Keep SQL parameters out of the engine's error texts and logs (``hide_parameters``: they may be
    personal data or secrets' hashes). Set on the engine, as ``create_engine(hide_parameters=True)``
    does, for the role's own SQLite engines as for PostgreSQL's."""
    engine.hide_parameters = True
    return engine


def engine_for(url: str, sqlite_engine: Callable[[str], Engine], **pool: int) -> Engine:
    """An engine for a SQLite file (made by the role's ``sqlite_engine``, once the file is private)
    or for PostgreSQL (``postgresql+psycopg://…``, with the role's ``pool`` sizes); every engine of
    the services and their commands (serve, migrate, sweep…) is made here, so all hide parameters."""
    if is_sqlite(url):
        private_sqlite(url)
        return protect(sqlite_engine(url))
    return protect(create_engine(url, pool_pre_ping=True, **pool))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after a commit (a page reads them once the transaction is over)."""
    return sessionmaker(engine, expire_on_commit=False)
