"""key store: data keys, index keys, rotations

Revision ID: k0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "k0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("master_fingerprint", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name="pk_data_keys"),
        comment="One AES-256 key per subject, wrapped by the master key; deleted to shred.",
    )
    op.create_index(
        "ix_data_keys_master_fingerprint", "data_keys", ["master_fingerprint"], unique=False
    )
    op.create_table(
        "index_keys",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("master_fingerprint", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_index_keys"),
        comment="Keys of the blind indexes, wrapped by the master key.",
    )
    op.create_table(
        "key_rotations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("from_fingerprint", sa.String(16), nullable=False),
        sa.Column("to_fingerprint", sa.String(16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("rewrapped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_key_rotations"),
        comment="Master key rotations; an unfinished one is resumed.",
    )


def downgrade() -> None:
    op.drop_table("key_rotations")
    op.drop_table("index_keys")
    op.drop_index("ix_data_keys_master_fingerprint", table_name="data_keys")
    op.drop_table("data_keys")
