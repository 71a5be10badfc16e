"""OpenID4VP presentation requests.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "openid4vp_requests",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("read_digest", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("claims", sa.String(500), nullable=False),
        sa.Column("client_id", sa.String(1000), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.Text, nullable=True),
    )
    op.create_index("ix_openid4vp_requests_expires_at", "openid4vp_requests", ["expires_at"])


def downgrade() -> None:
    op.drop_table("openid4vp_requests")
