"""marketing: campaigns, what each sent to whom, bases without consent, list imports

A campaign's words and terms; each person it was queued to and the basis (consent, the soft
opt-in, legitimate interests, a corporate subscriber); the soft opt-ins and corporate
subscribers recorded with their evidence; and each list import's counts. No identifier in any.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "marketing_campaigns",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("product", sa.String(64), nullable=True),
        sa.Column("subject_line", sa.String(150), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        comment="Marketing campaigns: their words and the register terms they are sent under.",
    )
    op.create_table(
        "campaign_sends",
        sa.Column("campaign_id", sa.String(36), primary_key=True),
        sa.Column("subject_id", sa.String(36), primary_key=True),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        comment="What each campaign was sent to whom on which basis: no address or text.",
    )
    op.create_index("ix_campaign_sends_subject_id", "campaign_sends", ["subject_id"])
    op.create_table(
        "marketing_bases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column(
            "kind", sa.String(24), nullable=False, comment="soft_opt_in or corporate_subscriber"
        ),
        sa.Column("sender", sa.String(64), nullable=True),
        sa.Column("obtained_in", sa.String(16), nullable=True, comment="sale or negotiation"),
        sa.Column("obtained_on", sa.Date, nullable=True),
        sa.Column("evidence_ref", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        comment="Bases for marketing without consent, with their evidence: the soft opt-in "
        "(PECR reg 22(3)) and a corporate subscriber's address.",
        sqlite_autoincrement=True,
    )
    op.create_index("ix_marketing_bases_subject_id", "marketing_bases", ["subject_id"])
    op.create_table(
        "marketing_imports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("consent_evidence", sa.String(200), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column(
            "suppressed", sa.Integer, nullable=False, comment="Skipped: on the suppression list"
        ),
        sa.Column("known", sa.Integer, nullable=False, comment="Skipped: already a subject"),
        comment="Marketing list imports: where from, the consent evidence, and counts only.",
    )


def downgrade() -> None:
    op.drop_table("marketing_imports")
    op.drop_index("ix_marketing_bases_subject_id", table_name="marketing_bases")
    op.drop_table("marketing_bases")
    op.drop_index("ix_campaign_sends_subject_id", table_name="campaign_sends")
    op.drop_table("campaign_sends")
    op.drop_table("marketing_campaigns")
