"""call_rollups by tenant, grain and bucket: a report reads one grain without scanning the rest

Every report reads one grain of a tenant's rollups (its hour-of-day profile by year, its days),
and the primary key leads with the queue, so each read scanned every cell of the tenant, the
hour grain's hundreds of thousands included, to find a few thousand.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_call_rollups_tenant_grain_bucket", "call_rollups", ["tenant_id", "grain", "bucket"]
    )


def downgrade() -> None:
    op.drop_index("ix_call_rollups_tenant_grain_bucket", table_name="call_rollups")
