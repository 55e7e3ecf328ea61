"""purpose_changes, purpose_assessments, purpose_notices: changes of purpose and their notices

A register version that adds a purpose, or changes one in a way needing notice, records which;
the DCO's Art. 6(4) compatibility assessments are kept; and who was sent the notice of which
version, queued and sent, so the gate can hold a changed purpose until the person was told.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purpose_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("register_id", sa.Integer, sa.ForeignKey("registers.id"), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("added", sa.Boolean, nullable=False),
        sa.Column("what", sa.Text, nullable=False, comment="The diff's reasons, one a line"),
        sa.UniqueConstraint("register_id", "purpose"),
        comment="Purposes a register version added or changed in a way needing notice (ours only).",
    )
    op.create_table(
        "purpose_assessments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("register_id", sa.Integer, sa.ForeignKey("registers.id"), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("compatible", sa.Boolean, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("link", sa.Text, nullable=False, comment="Art. 6(4)(a)"),
        sa.Column("context", sa.Text, nullable=False, comment="Art. 6(4)(b)"),
        sa.Column("nature", sa.Text, nullable=False, comment="Art. 6(4)(c)"),
        sa.Column("consequences", sa.Text, nullable=False, comment="Art. 6(4)(d)"),
        sa.Column("safeguards", sa.Text, nullable=False, comment="Art. 6(4)(e)"),
        sa.Column("assessed_by", sa.String(100), nullable=False),
        sa.Column("assessed_at", UTCDateTime(), nullable=False),
        comment="The DCO's Art. 6(4) compatibility assessments of changed purposes; the "
        "latest of a purpose and version counts.",
    )
    op.create_table(
        "purpose_notices",
        sa.Column("subject_id", sa.String(36), primary_key=True),
        sa.Column("register_id", sa.Integer, sa.ForeignKey("registers.id"), primary_key=True),
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        sa.Column(
            "sent_at", UTCDateTime(), nullable=True, comment="When the outbox handed it over"
        ),
        comment="Who was sent the notice of which register version: queued, then sent.",
    )
    op.create_index("ix_purpose_notices_message_id", "purpose_notices", ["message_id"])


def downgrade() -> None:
    op.drop_table("purpose_notices")
    op.drop_table("purpose_assessments")
    op.drop_table("purpose_changes")
