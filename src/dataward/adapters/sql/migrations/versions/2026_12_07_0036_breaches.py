"""the breach register

`breaches` (one row a breach, its record as a JSON document beside the columns the queue and
the export read) and `breach_events` (its decision trail); a tenant's contractual hours to be
told of a breach of its data (`tenants.breach_notice_hours`, 24 unless its contract says
otherwise).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("aware_at", UTCDateTime(), nullable=False),
        sa.Column("ico_due", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("natures", sa.String(64), nullable=False, comment="Space-separated"),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("reported_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column(
            "document",
            sa.Text(),
            nullable=False,
            comment="JSON: facts, assessment, counts, notices",
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        comment="The breach register: every breach, reported or not (Art. 33(5)).",
    )
    op.create_index("ix_breaches_open", "breaches", ["closed_at", "aware_at"])
    op.create_table(
        "breach_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("breach_id", sa.String(36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("details", sa.Text(), nullable=False, comment="JSON of counts and closed words"),
        comment="A breach's decision trail: who did what, when.",
    )
    op.create_index("ix_breach_events_breach_id", "breach_events", ["breach_id"])
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column("breach_notice_hours", sa.Integer(), nullable=False, server_default="24")
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("breach_notice_hours")
    op.drop_index("ix_breach_events_breach_id", table_name="breach_events")
    op.drop_table("breach_events")
    op.drop_index("ix_breaches_open", table_name="breaches")
    op.drop_table("breaches")
