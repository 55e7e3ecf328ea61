"""request details: representatives, a right's scope, the forwarding SLA, what carrying a
request out did, and controllers' instructions on forwarded requests

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.add_column(
            sa.Column(
                "representative", sa.Boolean(), nullable=False, server_default=sa.text("false")
            )
        )
        batch.add_column(sa.Column("scope", sa.String(96), nullable=True))
        batch.add_column(
            sa.Column("forward_within", sa.Integer(), nullable=False, server_default="2")
        )
        batch.add_column(
            sa.Column("outcome", sa.Text(), nullable=True, comment="JSON: what carrying it out did")
        )
    op.create_table(
        "controller_instructions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False, comment="JSON: counts and references only"),
        sa.PrimaryKeyConstraint("id", name="pk_controller_instructions"),
        comment="What a tenant, as controller, told us to do about a request forwarded to it.",
    )
    op.create_index(
        "ix_controller_instructions_request_id", "controller_instructions", ["request_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_controller_instructions_request_id", table_name="controller_instructions")
    op.drop_table("controller_instructions")
    with op.batch_alter_table("rights_requests") as batch:
        batch.drop_column("outcome")
        batch.drop_column("forward_within")
        batch.drop_column("scope")
        batch.drop_column("representative")
