"""erased numbers: what an erasure keeps of a caller's number, until the tenant's retention

A keyed digest per tenant of each erased caller's number, with when it was erased, so that an
old call sent again does not create a subject for the erased person
(`services.processing.erased_numbers`).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_numbers",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("digest", sa.LargeBinary(16), nullable=False),
        sa.Column("erased_at", UTCDateTime(), nullable=False),
        sa.Column("keep_until", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "digest", name="pk_erased_numbers"),
        comment="Keyed digests of callers' numbers erased per tenant, with when; until retention.",
    )
    op.create_index("ix_erased_numbers_keep_until", "erased_numbers", ["keep_until"])


def downgrade() -> None:
    op.drop_index("ix_erased_numbers_keep_until", table_name="erased_numbers")
    op.drop_table("erased_numbers")
