"""access downloads: access packages and their single-use download links

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_downloads",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("filename", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("package_ciphertext", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_access_downloads"),
        sa.UniqueConstraint("token_hash", name="uq_access_downloads_token_hash"),
        comment="Single-use download links of access and portability packages: keyed token "
        "hash only; the package sealed under the subject's key, cleared once used or expired.",
    )
    op.create_index("ix_access_downloads_request_id", "access_downloads", ["request_id"])
    op.create_index("ix_access_downloads_subject_id", "access_downloads", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_access_downloads_subject_id", table_name="access_downloads")
    op.drop_index("ix_access_downloads_request_id", table_name="access_downloads")
    op.drop_table("access_downloads")
