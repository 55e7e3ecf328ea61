"""complaint acknowledge within: the register's days to acknowledge a complaint

A complaint's acknowledgement was due 30 days from receipt whatever the register promised;
the register's `complaints.acknowledge_within_days` (30 at most, the statutory limit) is now
fixed on the complaint when it is received, as its outcome's target is. Complaints recorded
before keep 30.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.add_column(
            sa.Column("acknowledge_within", sa.Integer(), nullable=False, server_default="30")
        )


def downgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.drop_column("acknowledge_within")
