"""call store: calls (partitioned by month on PostgreSQL), ingests, quarantine, rollups

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("source_key", sa.LargeBinary(16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("disposition", sa.String(12), nullable=False),
        sa.Column("queue", sa.String(80), nullable=True),
        sa.Column("wait_s", sa.Float(), nullable=True),
        sa.Column("ring_s", sa.Float(), nullable=True),
        sa.Column("talk_s", sa.Float(), nullable=True),
        sa.Column("caller_ref", sa.String(36), nullable=True),
        sa.Column("callee_ref", sa.String(36), nullable=True),
        sa.Column("agent_ref", sa.String(36), nullable=True),
        sa.Column("caller_withheld", sa.Boolean(), nullable=False),
        sa.Column("callee_withheld", sa.Boolean(), nullable=False),
        sa.Column("legs", sa.SmallInteger(), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("ingest_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "started_at", "source_key", name="pk_calls"),
        comment="Calls, pseudonymised: subject references only, never a number or a name.",
        postgresql_partition_by="RANGE (started_at)",
    )
    op.create_index("ix_calls_tenant_started", "calls", ["tenant_id", "started_at"])
    for party in ("caller_ref", "callee_ref", "agent_ref"):
        op.create_index(
            f"ix_calls_{party}",
            "calls",
            [party],
            sqlite_where=sa.text(f"{party} IS NOT NULL"),
            postgresql_where=sa.text(f"{party} IS NOT NULL"),
        )
    op.create_table(
        "ingests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("calls_read", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("bad", sa.Integer(), nullable=False),
        sa.Column("quarantine_key", sa.String(36), nullable=True),
        sa.Column("header_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("replay_of", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ingests"),
        comment="One row per file ingested: who, when, what format, and its counts.",
    )
    op.create_index("ix_ingests_tenant_id", "ingests", ["tenant_id"])
    op.create_table(
        "call_quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ingest_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("raw_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_call_quarantine"),
        comment="Unreadable lines, encrypted under their ingest's own key until resolved.",
    )
    op.create_index("ix_call_quarantine_ingest_id", "call_quarantine", ["ingest_id"])
    op.create_index("ix_call_quarantine_tenant_id", "call_quarantine", ["tenant_id"])
    op.create_table(
        "call_rollups",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("queue", sa.String(80), nullable=False),
        sa.Column("grain", sa.String(8), nullable=False),
        sa.Column("bucket", sa.String(24), nullable=False),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("abandoned", sa.Integer(), nullable=False),
        sa.Column("overflow", sa.Integer(), nullable=False),
        sa.Column("wait_sum", sa.Float(), nullable=False),
        sa.Column("wait_count", sa.Integer(), nullable=False),
        sa.Column("answered_wait_sum", sa.Float(), nullable=False),
        sa.Column("talk_sum", sa.Float(), nullable=False),
        sa.Column("talk_count", sa.Integer(), nullable=False),
        sa.Column("ring_sum", sa.Float(), nullable=False),
        sa.Column("answered_waits", sa.LargeBinary(), nullable=False),
        sa.Column("abandoned_waits", sa.LargeBinary(), nullable=False),
        sa.Column("all_waits", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "queue", "grain", "bucket", name="pk_call_rollups"),
        comment="Anonymous ACD aggregates per tenant, queue and period: no subject reference.",
    )


def downgrade() -> None:
    op.drop_table("call_rollups")
    op.drop_index("ix_call_quarantine_tenant_id", table_name="call_quarantine")
    op.drop_index("ix_call_quarantine_ingest_id", table_name="call_quarantine")
    op.drop_table("call_quarantine")
    op.drop_index("ix_ingests_tenant_id", table_name="ingests")
    op.drop_table("ingests")
    for party in ("agent_ref", "callee_ref", "caller_ref"):
        op.drop_index(f"ix_calls_{party}", table_name="calls")
    op.drop_index("ix_calls_tenant_started", table_name="calls")
    op.drop_table("calls")
