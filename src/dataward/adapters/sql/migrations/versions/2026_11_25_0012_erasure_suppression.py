"""erasure suppression: marketing suppression entries and records kept from erasure by a legal hold

Also the supplementary statements of rectification (Art. 16).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "marketing_suppressions",
        sa.Column("digest", sa.LargeBinary(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.String(32), nullable=False, comment="erasure or objection"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_marketing_suppressions"),
        comment="Digests of suppressed e-mail addresses and phone numbers; nothing else.",
    )
    op.create_table(
        "erasure_holds",
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=True),
        sa.Column("ground", sa.String(40), nullable=False),
        sa.Column(
            "categories", sa.String(200), nullable=False, comment="Comma-separated category keys"
        ),
        sa.Column("delete_on", sa.Date(), nullable=True),
        sa.Column(
            "waiting_for", sa.String(200), nullable=True, comment="Events whose dates are unknown"
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name="pk_erasure_holds"),
        comment="Erasures kept partial by a legal hold; the full shred is due on delete_on.",
    )
    op.create_index("ix_erasure_holds_delete_on", "erasure_holds", ["delete_on"])
    op.create_table(
        "supplementary_statements",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=True),
        sa.Column(
            "ciphertext", sa.LargeBinary(), nullable=False, comment="Sealed under the subject's key"
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_supplementary_statements"),
        comment="Supplementary statements a person added to their data (Art. 16), encrypted.",
    )
    op.create_index(
        "ix_supplementary_statements_subject_id", "supplementary_statements", ["subject_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_supplementary_statements_subject_id", table_name="supplementary_statements")
    op.drop_table("supplementary_statements")
    op.drop_index("ix_erasure_holds_delete_on", table_name="erasure_holds")
    op.drop_table("erasure_holds")
    op.drop_table("marketing_suppressions")
