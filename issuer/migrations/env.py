"""Alembic environment: migrations run on the connection that issuer.migrate hands over."""

from __future__ import annotations

from alembic import context

from issuer.migrate import VERSION_TABLE
from issuer.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    version_table=VERSION_TABLE,
)
with context.begin_transaction():
    context.run_migrations()
