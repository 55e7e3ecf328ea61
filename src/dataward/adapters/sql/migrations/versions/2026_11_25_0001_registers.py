"""registers: every loaded version of the policy register

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("last_updated", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column(
            "document", sa.Text(), nullable=False, comment="The register YAML exactly as loaded"
        ),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.PrimaryKeyConstraint("id", name="pk_registers"),
        sa.UniqueConstraint("sha256", name="uq_registers_sha256"),
        comment="Every register version ever loaded; exactly one is active.",
    )
    op.create_index(
        "uq_registers_one_active",
        "registers",
        ["active"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    op.drop_index("uq_registers_one_active", table_name="registers")
    op.drop_table("registers")
