"""complaint acknowledge within, requests the controller recorded, holds that are ours


A complaint's acknowledgement was due 30 days from receipt whatever the register promised;
the register's `complaints.acknowledge_within_days` (30 at most, the statutory limit) is now
fixed on the complaint when it is received, as its outcome's target is. Complaints recorded
before keep 30.

A request about a tenant's call data that the tenant's own administrator recorded
(`by_controller`) is already with its controller, who answers it: it is due to be answered,
not forwarded, and its acknowledgement speaks for the tenant. Requests recorded before are
taken as received by us (false).

A litigation hold on a tenant's caller is the tenant's unless our staff placed it as the law
requires of us (`ours`); holds placed before are taken as the tenant's (false).

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
        batch.add_column(
            sa.Column(
                "by_controller",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
                comment="Recorded by the tenant's own administrator, the controller",
            )
        )
    with op.batch_alter_table("litigation_holds") as batch:
        batch.add_column(
            sa.Column(
                "ours",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
                comment="On a tenant's caller, placed by our staff as the law requires",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("litigation_holds") as batch:
        batch.drop_column("ours")
    with op.batch_alter_table("rights_requests") as batch:
        batch.drop_column("by_controller")
        batch.drop_column("acknowledge_within")
