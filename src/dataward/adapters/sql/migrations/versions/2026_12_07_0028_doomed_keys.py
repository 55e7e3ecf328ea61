"""doomed_keys: the keys whose records a transaction let go, listed in that same transaction

Download links, rights requests and erased subjects have their keys destroyed in the key store
after the transaction that deletes their rows commits; a process that died in between left keys
no row named, and nothing destroyed them. Each such transaction now lists them here, and
whoever destroys them (the same process, or `dataward keys sweep`) removes them from the list.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "doomed_keys",
        sa.Column("key_id", sa.String(36), nullable=False),
        sa.Column("doomed_at", UTCDateTime(), nullable=False, comment="When its records went"),
        sa.PrimaryKeyConstraint("key_id", name="pk_doomed_keys"),
        comment="Ids of data keys whose records are gone, until the key store has destroyed them.",
    )


def downgrade() -> None:
    op.drop_table("doomed_keys")
