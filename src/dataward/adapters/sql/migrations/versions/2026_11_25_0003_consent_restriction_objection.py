"""consent ledger, restrictions, objections

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Subject references carry no foreign key: erasure removes these rows through the unlink steps
registered in adapters/sql/processing/consent.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("notice_version", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("evidence_ref", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_consent_events"),
        comment="Consent ledger, append-only: each consent given or withdrawn, with its evidence.",
    )
    op.create_index("ix_consent_events_subject_id", "consent_events", ["subject_id"])
    op.create_table(
        "restrictions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column(
            "scope",
            sa.Text(),
            nullable=True,
            comment="Comma-separated category keys; NULL restricts every category",
        ),
        sa.Column("ground", sa.String(40), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("subject_told_at", UTCDateTime(), nullable=True),
        sa.Column("request_ref", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_restrictions"),
        comment="Restrictions of processing (Art. 18): storage only while active.",
    )
    op.create_index("ix_restrictions_subject_id", "restrictions", ["subject_id"])
    op.create_table(
        "objections",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("reasoning", sa.Text(), nullable=True),
        sa.Column("request_ref", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_objections"),
        comment="Objections (Art. 21): upheld, or overridden by compelling grounds with reasoning.",
    )
    op.create_index("ix_objections_subject_id", "objections", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_objections_subject_id", table_name="objections")
    op.drop_table("objections")
    op.drop_index("ix_restrictions_subject_id", table_name="restrictions")
    op.drop_table("restrictions")
    op.drop_index("ix_consent_events_subject_id", table_name="consent_events")
    op.drop_table("consent_events")
