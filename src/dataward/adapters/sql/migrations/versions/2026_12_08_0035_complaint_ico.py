"""complaint_ico: the ICO's involvement in a complaint taken to it

A complaint may be taken to the ICO by the person who made it. What the ICO told us is kept
beside the complaint: its case reference, the day it told us, and once it closed the case, its
outcome (from a closed set) and the day it closed. One row per complaint, keyed by the request
and holding no identifier; it is deleted with its request under the rights-records rule.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_ico",
        sa.Column(
            "request_id", sa.String(36), sa.ForeignKey("rights_requests.id"), primary_key=True
        ),
        sa.Column("reference", sa.String(40), nullable=False, comment="The ICO's case reference"),
        sa.Column(
            "notified", sa.Date, nullable=False, comment="The day the ICO told us of the case"
        ),
        sa.Column(
            "outcome", sa.String(32), nullable=True, comment="How the ICO closed it (IcoOutcome)"
        ),
        sa.Column("closed", sa.Date, nullable=True, comment="The day the ICO closed it"),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        comment="The ICO's involvement in a complaint taken to it; no identifier.",
    )


def downgrade() -> None:
    op.drop_table("complaint_ico")
