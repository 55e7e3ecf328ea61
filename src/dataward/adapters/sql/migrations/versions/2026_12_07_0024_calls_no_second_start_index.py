"""calls: drop the index on (tenant, start), which the primary key already begins with

`ix_calls_tenant_started` indexed (tenant_id, started_at), the first two columns of the primary
key (tenant_id, started_at, source_key): every query it served, the primary key's index serves
as well, and each call written paid for one more B-tree insert.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_calls_tenant_started", table_name="calls")


def downgrade() -> None:
    op.create_index("ix_calls_tenant_started", "calls", ["tenant_id", "started_at"])
