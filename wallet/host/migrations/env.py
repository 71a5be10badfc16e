"""Alembic's environment: runs the migrations on the connection `wallet.host.migrate` hands over."""

from __future__ import annotations

from alembic import context

from wallet.host.migrate import VERSION_TABLE
from wallet.host.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
