"""vault: subjects, encrypted identifiers with blind indexes, tombstones

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subjects",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("relationship_start", sa.Date(), nullable=True),
        sa.Column("relationship_end", sa.Date(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("dco_flag", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subjects"),
        comment="Data subjects: no identifiers, only what the gate needs to decide.",
    )
    op.create_index("ix_subjects_tenant_id", "subjects", ["tenant_id"], unique=False)
    op.create_table(
        "identifiers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("blind_index", sa.LargeBinary(32), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["subjects.id"],
            name="fk_identifiers_subject_id_subjects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_identifiers"),
        sa.UniqueConstraint("scope", "type", "blind_index", name="uq_identifiers_scope_type_index"),
        comment=(
            "Each identifier once: a keyed blind index to find it, AES-GCM ciphertext to read it."
        ),
    )
    op.create_index("ix_identifiers_subject_id", "identifiers", ["subject_id"], unique=False)
    op.create_table(
        "tombstones",
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("erased_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("request_ref", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("subject_id", name="pk_tombstones"),
        comment="What remains of an erased subject: that it existed, when and why it went.",
    )


def downgrade() -> None:
    op.drop_table("tombstones")
    op.drop_index("ix_identifiers_subject_id", table_name="identifiers")
    op.drop_table("identifiers")
    op.drop_index("ix_subjects_tenant_id", table_name="subjects")
    op.drop_table("subjects")
