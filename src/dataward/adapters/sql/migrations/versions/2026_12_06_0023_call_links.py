"""one call from all its sources: call links, queue entry and sources of a call

A call's records from several sources (an Asterisk CDR and its queue_log, a BroadWorks call
centre's record and its agent's) are now one row: `call_links` maps the PBX's ids of a call
(keyed digests) to its row, `calls.queued_at` is when the call entered its queue where a source
says, and `calls.sources` which kinds of source it was read from (1: a call detail record, 2:
an ACD event log). Calls stored before were read from one source each: a queue_log's are
marked 2 and keep their start as their queue entry; the others are marked 1, and a queue call
among them keeps its start as its queue entry too (what its rollups were counted by).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("queued_at", UTCDateTime(), nullable=True))
    op.add_column(
        "calls", sa.Column("sources", sa.SmallInteger(), nullable=False, server_default="1")
    )
    op.execute("UPDATE calls SET sources = 2 WHERE format = 'asterisk-queue-log'")
    op.execute("UPDATE calls SET queued_at = started_at WHERE queue IS NOT NULL")
    op.create_table(
        "call_links",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("link_key", sa.LargeBinary(16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("source_key", sa.LargeBinary(16), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "link_key", name="pk_call_links"),
        comment="A PBX's call ids (keyed digests) to the call row they belong to.",
    )


def downgrade() -> None:
    op.drop_table("call_links")
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("sources")
        batch.drop_column("queued_at")
