"""outbound_messages: the outbox of messages to our own subjects that no request causes

Marketing campaigns and the notices a new register version owes people are queued here in the
transaction that causes them, with no address or text: each is made when it goes.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column(
            "outcome", sa.String(40), nullable=True, comment="A withheld message's reason word"
        ),
        sa.Column(
            "last_error",
            sa.String(80),
            nullable=True,
            comment="The error's kind, never its text",
        ),
        comment="Messages to our own subjects no rights request causes (marketing, notices of "
        "a new register version): no address or text, made when each goes.",
    )
    op.create_index("ix_outbound_messages_subject_id", "outbound_messages", ["subject_id"])
    op.create_index("ix_outbound_messages_due", "outbound_messages", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("outbound_messages")
