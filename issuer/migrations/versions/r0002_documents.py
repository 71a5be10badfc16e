"""Encrypted documents and the escrow recipient of a partner's document keys.

Revision ID: r0002
Revises: r0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("issuer_partners", sa.Column("escrow_did", sa.String(300), nullable=True))
    op.create_table(
        "issuer_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partner_id", sa.String(32), sa.ForeignKey("issuer_partners.id"), nullable=False),
        sa.Column(
            "credential_pk", sa.Integer(), sa.ForeignKey("issuer_credentials.id"), nullable=True, unique=True
        ),
        sa.Column("cid_mac", sa.LargeBinary(32), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.LargeBinary(32), nullable=True),
        sa.Column("request_digest", sa.LargeBinary(32), nullable=True),
        sa.Column("replay", sa.LargeBinary(), nullable=True),
        sa.UniqueConstraint("partner_id", "idempotency_key"),
    )


def downgrade() -> None:
    op.drop_table("issuer_documents")
    with op.batch_alter_table("issuer_partners") as batch:
        batch.drop_column("escrow_did")
