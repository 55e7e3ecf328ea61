"""retention_sweeps, the evidence of each sweep; call_links by (tenant, start), so a sweep
removes the links of the calls it deletes without reading every link of the tenant

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention_sweeps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("store", sa.String(32), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True, comment="None: our own data"),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("retention", sa.String(120), nullable=False),
        sa.Column("kept_from", sa.Date, nullable=False, comment="Items dated before this day went"),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("removed", sa.Integer, nullable=False),
        sa.Column("held", sa.Integer, nullable=False),
        sa.Column("batches", sa.Integer, nullable=False),
        sa.Column("oldest", sa.Date, nullable=True, comment="Date of the oldest item removed"),
        sa.Column(
            "digest", sa.String(64), nullable=False, comment="Sum of the removed ids' SHA-256s"
        ),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True, comment="When a batch last landed"),
        comment="Evidence of each retention sweep: counts, period and a digest; no personal data.",
    )
    op.create_index("ix_retention_sweeps_target", "retention_sweeps", ["tenant_id", "state"])
    op.create_index("ix_call_links_tenant_started", "call_links", ["tenant_id", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_call_links_tenant_started", table_name="call_links")
    op.drop_index("ix_retention_sweeps_target", table_name="retention_sweeps")
    op.drop_table("retention_sweeps")
