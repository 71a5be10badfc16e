"""OpenID4VCI: credential offers (code, PIN, token, sealed payload) and c_nonces.

Revision ID: r0004
Revises: r0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuer_oid4vci_offers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partner_id", sa.String(32), sa.ForeignKey("issuer_partners.id"), nullable=False),
        sa.Column("code_mac", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("pin_mac", sa.LargeBinary(32), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("remaining", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("token_mac", sa.LargeBinary(32), nullable=True, unique=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_issuer_oid4vci_offers_partner_id", "issuer_oid4vci_offers", ["partner_id"])
    op.create_table(
        "issuer_oid4vci_nonces",
        sa.Column("nonce_mac", sa.LargeBinary(32), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_issuer_oid4vci_nonces_expires_at", "issuer_oid4vci_nonces", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_issuer_oid4vci_nonces_expires_at", "issuer_oid4vci_nonces")
    op.drop_table("issuer_oid4vci_nonces")
    op.drop_index("ix_issuer_oid4vci_offers_partner_id", "issuer_oid4vci_offers")
    op.drop_table("issuer_oid4vci_offers")
