"""request fees, lateness and complaint outcomes

A fee request records its amount in whole pence (`fee_pence`). A request already late when
something was asked of the requester keeps its due date (`fixed_due`); one answered late
records by how many days (`days_late`, on the request and on the transition that answered
it). A complaint records its acknowledgement (`acknowledged`), the days to its outcome's
target (`investigate_within`), and its outcome, sealed under the request's own key
(`complaint_outcome`). The DCO's flags become one a line, as many as arise (`dco_flag`).

Complaints recorded before: one started, or recorded with an address (its acknowledgement
letter queued then), counts as acknowledged on the day it was received, and its due date
becomes the outcome's target, 56 days from receipt (the next transition rolls it to a
working day).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


_FEE = "The fee asked, in whole pence"
_FIXED = "Due date fixed when already late"
_LATE = "Answered this many days late"
_ACKNOWLEDGED = "A complaint's acknowledgement"


def upgrade() -> None:
    with op.batch_alter_table("rights_requests") as batch:
        batch.alter_column(
            "dco_flag",
            existing_type=sa.String(200),
            type_=sa.Text(),
            existing_nullable=True,
            comment="Why the DCO should look: one a line",
        )
        batch.add_column(
            sa.Column(
                "fee_pence", sa.Integer(), nullable=True, comment="The fee asked, in whole pence"
            )
        )
        batch.add_column(
            sa.Column(
                "fixed_due", sa.Date(), nullable=True, comment="Due date fixed when already late"
            )
        )
        batch.add_column(
            sa.Column(
                "days_late", sa.Integer(), nullable=True, comment="Answered this many days late"
            )
        )
        batch.add_column(
            sa.Column(
                "acknowledged", sa.Date(), nullable=True, comment="A complaint's acknowledgement"
            )
        )
        batch.add_column(
            sa.Column("investigate_within", sa.Integer(), nullable=False, server_default="56")
        )
        batch.add_column(
            sa.Column(
                "complaint_outcome",
                sa.LargeBinary(),
                nullable=True,
                comment="A complaint's outcome, sealed under the request's own key",
            )
        )
    with op.batch_alter_table("request_events") as batch:
        batch.add_column(sa.Column("days_late", sa.Integer(), nullable=True))
    _acknowledge_earlier_complaints()


def _acknowledge_earlier_complaints() -> None:
    requests = sa.table(
        "rights_requests",
        sa.column("id", sa.String()),
        sa.column("type", sa.String()),
        sa.column("state", sa.String()),
        sa.column("received", sa.Date()),
        sa.column("contact_ciphertext", sa.LargeBinary()),
        sa.column("acknowledged", sa.Date()),
        sa.column("due", sa.Date()),
    )
    connection = op.get_bind()
    acknowledged = connection.execute(
        sa.select(requests.c.id, requests.c.received).where(
            requests.c.type == "complaint",
            sa.or_(requests.c.state != "received", requests.c.contact_ciphertext.is_not(None)),
        )
    ).all()
    for row in acknowledged:
        connection.execute(
            sa.update(requests)
            .where(requests.c.id == row.id)
            .values(acknowledged=row.received, due=row.received + timedelta(days=55))
        )


def downgrade() -> None:
    with op.batch_alter_table("request_events") as batch:
        batch.drop_column("days_late")
    op.execute("UPDATE rights_requests SET dco_flag = substr(dco_flag, 1, 200)")
    with op.batch_alter_table("rights_requests") as batch:
        batch.drop_column("complaint_outcome")
        batch.drop_column("investigate_within")
        batch.drop_column("acknowledged")
        batch.drop_column("days_late")
        batch.drop_column("fixed_due")
        batch.drop_column("fee_pence")
        batch.alter_column(
            "dco_flag",
            existing_type=sa.Text(),
            type_=sa.String(200),
            existing_nullable=True,
            comment=None,
            existing_comment="Why the DCO should look: one a line",
        )
