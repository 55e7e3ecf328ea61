"""audit subject index: one subject's entries in chain order from the index

The single-column index on `audit_log.subject_ref` (0005) found a subject's entries but not in
`seq` order, so reading them in batches sorted them again for every batch. The composite
(subject_ref, seq) index serves both the look-up and the order, and replaces it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_log_subject_ref_seq", "audit_log", ["subject_ref", "seq"], unique=False
    )
    op.drop_index("ix_audit_log_subject_ref", table_name="audit_log")


def downgrade() -> None:
    op.create_index("ix_audit_log_subject_ref", "audit_log", ["subject_ref"], unique=False)
    op.drop_index("ix_audit_log_subject_ref_seq", table_name="audit_log")
