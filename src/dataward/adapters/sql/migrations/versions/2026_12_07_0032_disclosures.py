"""disclosures: the log of what went to each register recipient, and Chapter V's records

A disclosure to a recipient is logged per subject (`disclosures`, by batch in
`disclosure_batches`) so that an access answer and an Art. 19 notice name the recipients that
did receive a person's data; transfer mechanisms can be suspended (`transfer_suspensions`) and
the exports refused for it are kept for the DCO (`refused_exports`).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disclosure_batches",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False, comment="Register fields, space-separated"),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_disclosure_batches"),
        comment="Each export to a register recipient: who, to whom, for what, which fields.",
    )
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("categories", sa.String(500), nullable=False, comment="Space-separated"),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["disclosure_batches.id"],
            name="fk_disclosures_batch_id_disclosure_batches",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name="fk_disclosures_subject_id_subjects"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_disclosures"),
        comment="The disclosure log: each subject's data that went to a recipient, by batch.",
    )
    op.create_index("ix_disclosures_batch_id", "disclosures", ["batch_id"])
    op.create_index("ix_disclosures_subject_id", "disclosures", ["subject_id"])
    op.create_index("ix_disclosures_recipient", "disclosures", ["recipient"])
    op.create_table(
        "transfer_suspensions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("mechanism", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("suspended_at", UTCDateTime(), nullable=False),
        sa.Column("suspended_by", sa.String(100), nullable=False),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_transfer_suspensions"),
        comment="Transfer mechanisms suspended (e.g. an adequacy decision struck down).",
    )
    op.create_index(
        "uq_transfer_suspensions_one_active",
        "transfer_suspensions",
        ["mechanism"],
        unique=True,
        sqlite_where=sa.text("lifted_at IS NULL"),
        postgresql_where=sa.text("lifted_at IS NULL"),
    )
    op.create_table(
        "refused_exports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("mechanism", sa.String(100), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_refused_exports"),
        comment="Exports refused before anything was read, for the DCO.",
    )
    op.create_index("ix_refused_exports_at", "refused_exports", ["at"])


def downgrade() -> None:
    op.drop_index("ix_refused_exports_at", table_name="refused_exports")
    op.drop_table("refused_exports")
    op.drop_index("uq_transfer_suspensions_one_active", table_name="transfer_suspensions")
    op.drop_table("transfer_suspensions")
    op.drop_index("ix_disclosures_recipient", table_name="disclosures")
    op.drop_index("ix_disclosures_subject_id", table_name="disclosures")
    op.drop_index("ix_disclosures_batch_id", table_name="disclosures")
    op.drop_table("disclosures")
    op.drop_table("disclosure_batches")
