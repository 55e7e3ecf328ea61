"""audit_log: the append-only, hash-chained audit log, guarded by triggers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

The triggers refuse UPDATE and DELETE of an entry (and TRUNCATE on PostgreSQL). They are not
part of the SQLAlchemy metadata: a later revision that rebuilds `audit_log` in SQLite batch
mode must create them again (a rebuilt table has none).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MESSAGE = "audit_log is append-only"

SQLITE_UP = [
    (
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    ),
    (
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    ),
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
    "DROP TRIGGER IF EXISTS audit_log_no_update",
]
POSTGRESQL_UP = [
    (
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$"
    ),
    (
        "CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    ),
    (
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    ),
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
]


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject_ref", sa.String(36), nullable=True),
        sa.Column("purpose", sa.String(64), nullable=True),
        sa.Column("decision", sa.String(64), nullable=True),
        sa.Column(
            "details",
            sa.Text(),
            nullable=False,
            comment="JSON object of references, no personal data",
        ),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
        sa.UniqueConstraint("hash", name="uq_audit_log_hash"),
        comment="Append-only, hash-chained audit log: who did what to whose data, and why.",
    )
    op.create_index("ix_audit_log_subject_ref", "audit_log", ["subject_ref"], unique=False)
    for statement in _statements(SQLITE_UP, POSTGRESQL_UP):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(SQLITE_DOWN, POSTGRESQL_DOWN):
        op.execute(statement)
    op.drop_index("ix_audit_log_subject_ref", table_name="audit_log")
    op.drop_table("audit_log")


def _statements(sqlite: list[str], postgresql: list[str]) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite
    if dialect == "postgresql":
        return postgresql
    raise NotImplementedError(f"no append-only triggers for {dialect}")
