"""Partners, signing keys, status lists, issued credentials, the audit chain.

Revision ID: r0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None

#: The audit log is append-only in the database itself, not only in the code.
_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER issuer_audit_log_no_update BEFORE UPDATE ON issuer_audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER issuer_audit_log_no_delete BEFORE DELETE ON issuer_audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION issuer_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
        "CREATE TRIGGER issuer_audit_log_append_only BEFORE UPDATE OR DELETE ON issuer_audit_log "
        "FOR EACH ROW EXECUTE FUNCTION issuer_audit_log_append_only()",
    ],
}


def _moment(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "issuer_partners",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("did", sa.String(300), nullable=False, unique=True),
        sa.Column("domain", sa.String(260), nullable=True, unique=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("api_key_hash", sa.LargeBinary(32), nullable=False),
        _moment("created_at"),
        sa.Column("rate_tokens", sa.Float(), nullable=False),
        _moment("rate_updated"),
    )
    op.create_table(
        "issuer_signing_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partner_id", sa.String(32), sa.ForeignKey("issuer_partners.id"), nullable=False),
        sa.Column("fragment", sa.String(64), nullable=False),
        sa.Column("sealed_seed", sa.LargeBinary(), nullable=True),
        _moment("created_at"),
        sa.UniqueConstraint("partner_id", "fragment"),
    )
    op.create_table(
        "issuer_status_lists",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "partner_id", sa.String(32), sa.ForeignKey("issuer_partners.id"), nullable=False, index=True
        ),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("allocated_count", sa.Integer(), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        _moment("updated_at"),
    )
    op.create_table(
        "issuer_credentials",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partner_id", sa.String(32), sa.ForeignKey("issuer_partners.id"), nullable=False),
        sa.Column("credential_id", sa.String(500), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        _moment("issued_at"),
        sa.Column("key_fragment", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.LargeBinary(32), nullable=True),
        sa.Column("request_digest", sa.LargeBinary(32), nullable=True),
        sa.UniqueConstraint("partner_id", "credential_id"),
        sa.UniqueConstraint("partner_id", "idempotency_key"),
    )
    op.create_table(
        "issuer_status_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "credential_pk", sa.Integer(), sa.ForeignKey("issuer_credentials.id"), nullable=False, index=True
        ),
        sa.Column("list_id", sa.String(32), sa.ForeignKey("issuer_status_lists.id"), nullable=False),
        sa.Column("list_index", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.UniqueConstraint("list_id", "list_index"),
    )
    op.create_table(
        "issuer_audit_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        _moment("at"),
        sa.Column("partner_id", sa.String(32), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(64), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "issuer_audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(
        sa.table("issuer_audit_head", sa.column("id"), sa.column("seq"), sa.column("hash")),
        [{"id": 1, "seq": 0, "hash": "0" * 64}],
    )
    for statement in _APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER issuer_audit_log_append_only ON issuer_audit_log")
        op.execute("DROP FUNCTION issuer_audit_log_append_only()")
    for table in (
        "issuer_audit_head",
        "issuer_audit_log",
        "issuer_status_entries",
        "issuer_credentials",
        "issuer_status_lists",
        "issuer_signing_keys",
        "issuer_partners",
    ):
        op.drop_table(table)
