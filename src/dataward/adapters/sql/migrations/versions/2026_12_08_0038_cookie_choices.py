"""cookie_choices: the cookie choices a visitor made, kept server-side (PECR reg 6)

A choice is kept by a random id (the `cookie_choices` cookie holds it), with each optional
cookie's yes or no, the notice version it was made under, whether the browser sent Global
Privacy Control, and when. It names no one.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cookie_choices",
        sa.Column("choice_id", sa.String(64), primary_key=True, comment="SHA-256 of the id"),
        sa.Column("choices", sa.Text, nullable=False, comment="JSON: cookie name to yes/no"),
        sa.Column("notice_version", sa.String(32), nullable=False),
        sa.Column("gpc", sa.Boolean, nullable=False),
        sa.Column("chosen_at", UTCDateTime(), nullable=False, index=True),
        comment="Cookie choices by a random id (PECR reg 6); names no one.",
    )


def downgrade() -> None:
    op.drop_table("cookie_choices")
