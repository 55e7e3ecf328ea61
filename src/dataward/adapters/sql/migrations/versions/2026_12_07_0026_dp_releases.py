"""dp_releases: the privacy-budget ledger of reports released with differential-privacy noise

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dp_releases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("report", sa.String(64), nullable=False, comment="by and period: queue/day"),
        sa.Column("first_day", sa.Date, nullable=True),
        sa.Column("last_day", sa.Date, nullable=True),
        sa.Column(
            "epsilon", sa.Float, nullable=False, comment="The budget the mechanism certified"
        ),
        sa.Column("cells", sa.Integer, nullable=False),
        comment="Reports released with differential-privacy noise: the budget each spent.",
    )
    op.create_index("ix_dp_releases_tenant_id", "dp_releases", ["tenant_id"])


def downgrade() -> None:
    op.drop_index("ix_dp_releases_tenant_id", table_name="dp_releases")
    op.drop_table("dp_releases")
