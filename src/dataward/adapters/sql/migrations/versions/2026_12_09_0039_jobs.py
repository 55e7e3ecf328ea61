"""jobs: background jobs and the files staged for them

A job's row is its whole state (a broker carries only its id): its kind, state, who asked for
it, its parameters (ids and flags only), its attempts and times, its result (counts and ids)
and the ingest ids of the sources it landed, written in the transaction that landed each. A
file staged for a background ingest is kept in sealed chunks under the job's own key, and goes
when the job ends.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dataward.adapters.sql.types import UTCDateTime

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("tenant_id", sa.String(64), nullable=True, index=True),
        sa.Column("actor_id", sa.String(100), nullable=False),
        sa.Column("actor_role", sa.String(64), nullable=False),
        sa.Column("actor_tenant", sa.String(64), nullable=True),
        sa.Column("params", sa.Text, nullable=False, comment="JSON: ids, flags and counts only"),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("result", sa.Text, nullable=False, comment="JSON: counts and ids, never content"),
        sa.Column("error", sa.String(200), nullable=True, comment="fixed words, never the input"),
        sa.Column(
            "landed", sa.Text, nullable=False, comment="JSON: ingest ids of the sources landed"
        ),
        sa.Column("run_token", sa.String(32), nullable=True, comment="the run under way"),
        sa.Column("not_before", UTCDateTime(), nullable=True, comment="not sent again before"),
        comment="Background jobs: the state of each; a broker carries only the id.",
    )
    op.create_table(
        "job_chunks",
        sa.Column("job_id", sa.String(36), sa.ForeignKey("jobs.id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column(
            "sealed", sa.LargeBinary, nullable=False, comment="sealed under the job's own key"
        ),
        comment="A file staged for a background ingest, in sealed chunks; gone when the job ends.",
    )


def downgrade() -> None:
    op.drop_table("job_chunks")
    op.drop_table("jobs")
