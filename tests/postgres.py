"""The real PostgreSQL of the tests: the ``test`` database on this machine
(``postgresql+psycopg://postgres@127.0.0.1:5432/test``, or ``NANSEN_TEST_DATABASE_URL``), and a
schema of a test's own in it, dropped afterwards, so that nothing is ever left in ``public``. When
PostgreSQL cannot be reached the tests that need it fail, saying so: they are never skipped."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import Final, NoReturn

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

DEFAULT: Final = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_base_url() -> str:
    """The test database's URL, with the psycopg (3) driver."""
    url = make_url(os.environ.get("NANSEN_TEST_DATABASE_URL") or DEFAULT)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def unreachable(error: OperationalError) -> NoReturn:
    """Fail the test: PostgreSQL cannot be reached, and how to make it so."""
    shown = make_url(postgres_base_url()).render_as_string(hide_password=True)
    pytest.fail(
        f"PostgreSQL is not reachable at {shown} ({type(error).__name__}): start it (.ci/run does), "
        "or set NANSEN_TEST_DATABASE_URL to a reachable database.",
        pytrace=False,
    )


@contextlib.contextmanager
def postgres_schema(prefix: str = "nansen_test") -> Iterator[str]:
    """A URL whose connections use a fresh schema of the test database (``search_path``), dropped
    with everything in it when the block ends."""
    base = postgres_base_url()
    schema = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        unreachable(error)
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
