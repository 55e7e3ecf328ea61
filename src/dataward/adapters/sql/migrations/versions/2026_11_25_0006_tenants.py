"""tenants: customer organisations and their call-data settings

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("call_retention", sa.String(32), nullable=False),
        sa.Column("service_level_seconds", sa.Integer(), nullable=False),
        sa.Column("short_abandon_seconds", sa.Integer(), nullable=False),
        sa.Column("controller_contact", sa.String(36), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tenants"),
        comment="Customer organisations: controllers of their call data, we their processor.",
    )


def downgrade() -> None:
    op.drop_table("tenants")
