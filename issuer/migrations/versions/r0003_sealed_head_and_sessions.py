"""The audit head's seal, and server-side console sessions (so signing out ends a session).

The seal is an HMAC under the master key, which migrations do not see: ``issuer.migrate.upgrade``
seals the head right after this revision is applied.

Revision ID: r0003
Revises: r0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issuer_audit_head") as batch:
        batch.add_column(sa.Column("seal", sa.String(64), nullable=True))
    op.create_table(
        "issuer_console_sessions",
        sa.Column("id_hash", sa.LargeBinary(32), primary_key=True),
        sa.Column("partner_id", sa.String(32), sa.ForeignKey("issuer_partners.id"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_issuer_console_sessions_partner_id", "issuer_console_sessions", ["partner_id"])


def downgrade() -> None:
    op.drop_index("ix_issuer_console_sessions_partner_id", "issuer_console_sessions")
    op.drop_table("issuer_console_sessions")
    with op.batch_alter_table("issuer_audit_head") as batch:
        batch.drop_column("seal")
