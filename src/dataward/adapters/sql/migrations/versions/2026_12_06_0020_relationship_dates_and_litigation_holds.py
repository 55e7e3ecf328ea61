"""relationship dates and litigation holds: the last transaction, and holds that keep a subject

`subjects.last_transaction` is the day of the subject's last transaction with us, which the tax
term of an erasure hold runs from (recorded with the end of the relationship, `dataward
subjects relationship`). `litigation_holds` keeps a subject from erasure until the hold is
lifted (`domain.processing.litigation_holds`); its reason is sealed under the subject's key.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE in place, not a batch copy: on SQLite a copy drops `subjects`, and the
    # identifiers' foreign key would cascade that to every identifier
    op.add_column("subjects", sa.Column("last_transaction", sa.Date(), nullable=True))
    op.create_table(
        "litigation_holds",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("ground", sa.String(40), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column(
            "reason", sa.LargeBinary(), nullable=False, comment="Sealed under the subject's key"
        ),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("placed_by", sa.String(100), nullable=False),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_litigation_holds"),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name="fk_litigation_holds_subject_id_subjects"
        ),
        comment="Litigation holds: subjects kept from erasure until the hold is lifted.",
    )
    op.create_index("ix_litigation_holds_subject_id", "litigation_holds", ["subject_id"])
    op.create_index("ix_litigation_holds_tenant_id", "litigation_holds", ["tenant_id"])


def downgrade() -> None:
    op.drop_index("ix_litigation_holds_tenant_id", table_name="litigation_holds")
    op.drop_index("ix_litigation_holds_subject_id", table_name="litigation_holds")
    op.drop_table("litigation_holds")
    op.drop_column("subjects", "last_transaction")  # in place too (SQLite 3.35 and later)
