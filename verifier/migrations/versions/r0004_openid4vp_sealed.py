"""OpenID4VP verdicts sealed to the read key (the public key they are sealed to), and whether a
request was made by the scan page (which always judges trust).

Requests open at the upgrade (each lives minutes) are deleted: their verdicts were kept unsealed.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.execute("DELETE FROM openid4vp_requests")
    with op.batch_alter_table("openid4vp_requests") as table:
        table.add_column(sa.Column("seal_key", sa.String(64), nullable=False))
        table.add_column(sa.Column("judge_trust", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.execute("DELETE FROM openid4vp_requests")
    with op.batch_alter_table("openid4vp_requests") as table:
        table.drop_column("judge_trust")
        table.drop_column("seal_key")
