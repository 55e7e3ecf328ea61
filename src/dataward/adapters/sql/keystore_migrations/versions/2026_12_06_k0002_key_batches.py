"""key batches: keys named by the batch that made them, and the batches still running

A key made for records that land in a transaction of the main database carries its batch's
name, and the batch a heartbeat, so that the keys of a process killed before its transaction
committed can be found and destroyed (`dataward keys sweep`).

Revision ID: k0002
Revises: k0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "k0002"
down_revision = "k0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("data_keys") as batch:
        batch.add_column(
            sa.Column(
                "batch",
                sa.String(64),
                nullable=True,
                comment="The batch that made it: swept if it dies before its records land",
            )
        )
        batch.create_index("ix_data_keys_batch", ["batch"], unique=False)
    op.create_table(
        "key_batches",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_key_batches"),
        comment="Batches of keys still being made, with the heartbeat of the process making them.",
    )
    op.create_index("ix_key_batches_heartbeat_at", "key_batches", ["heartbeat_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_key_batches_heartbeat_at", table_name="key_batches")
    op.drop_table("key_batches")
    with op.batch_alter_table("data_keys") as batch:
        batch.drop_index("ix_data_keys_batch")
        batch.drop_column("batch")
