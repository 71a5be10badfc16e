"""Accounts, their wallet files, sign-ins, backups, attempt counters, and the host's secret (made here, once).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    secrets = op.create_table(
        "host_secrets",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.LargeBinary(64), nullable=False),
    )
    op.bulk_insert(secrets, [{"name": "hmac", "value": os.urandom(32)}])
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("verifiers", sa.LargeBinary(96), nullable=False),
        sa.Column("version", sa.String(32), nullable=True),
        sa.Column("header", sa.LargeBinary(40), nullable=True),
    )
    op.create_table(
        "wallet_files",
        sa.Column(
            "account_id", sa.String(32), sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "sign_ins",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column(
            "account_id", sa.String(32), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_sign_ins_account_id", "sign_ins", ["account_id"])
    op.create_index("ix_sign_ins_expires_at", "sign_ins", ["expires_at"])
    op.create_table(
        "backups",
        sa.Column(
            "account_id", sa.String(32), sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("cid", sa.String(128), primary_key=True),
        sa.Column("pinned_at", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_backups_cid", "backups", ["cid"])
    op.create_table(
        "attempts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_attempts_window_start", "attempts", ["window_start"])


def downgrade() -> None:
    for table in ("attempts", "backups", "sign_ins", "wallet_files", "accounts", "host_secrets"):
        op.drop_table(table)
