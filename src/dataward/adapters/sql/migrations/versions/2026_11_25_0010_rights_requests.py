"""rights requests: requests, their clarification pauses and their timeline

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rights_requests",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("subject_id", sa.String(36), nullable=True),
        sa.Column("identity_received", sa.Date(), nullable=True),
        sa.Column("authority_received", sa.Date(), nullable=True),
        sa.Column("fee_paid", sa.Date(), nullable=True),
        sa.Column("fee_ground", sa.String(32), nullable=True),
        sa.Column("extension_notice", sa.Date(), nullable=True),
        sa.Column("refusal_ground", sa.String(32), nullable=True),
        sa.Column("contact_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("dco_flag", sa.String(200), nullable=True),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rights_requests"),
        comment="Data subject rights requests and complaints; state set only by transitions.",
    )
    op.create_index("ix_rights_requests_tenant_id", "rights_requests", ["tenant_id"])
    op.create_index("ix_rights_requests_subject_id", "rights_requests", ["subject_id"])
    op.create_index("ix_rights_requests_state_due", "rights_requests", ["state", "due"])
    op.create_table(
        "request_pauses",
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Date(), nullable=False),
        sa.Column("answered", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", "seq", name="pk_request_pauses"),
        comment="Clarification pauses of access requests (Art. 12A(5)).",
    )
    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(32), nullable=True),
        sa.Column("to_state", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_request_events"),
        comment="Every transition of every request: its timeline.",
    )
    op.create_index("ix_request_events_request_id", "request_events", ["request_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("letter", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("payload_ciphertext", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        comment="Letters to send, queued with the change that causes them; sent by the jobs.",
    )
    op.create_index("ix_outbox_due", "outbox", ["sent_at", "next_attempt_at"])
    op.create_table(
        "verification_codes",
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("code_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", name="pk_verification_codes"),
        comment="One-time codes proving a requester holds an address: keyed hashes only.",
    )


def downgrade() -> None:
    op.drop_table("verification_codes")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_request_events_request_id", table_name="request_events")
    op.drop_table("request_events")
    op.drop_table("request_pauses")
    op.drop_index("ix_rights_requests_state_due", table_name="rights_requests")
    op.drop_index("ix_rights_requests_subject_id", table_name="rights_requests")
    op.drop_index("ix_rights_requests_tenant_id", table_name="rights_requests")
    op.drop_table("rights_requests")
