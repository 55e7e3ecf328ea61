"""consent_events: the ledger refuses UPDATE (rows go only by erasure)

The consent ledger is the evidence of every consent (Art. 7(1)): an event once written is
never changed. Erasure still deletes a subject's events through its unlink step, so DELETE
stays allowed; UPDATE is refused by a trigger on both backends.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MESSAGE = "consent_events is append-only: record a new event instead"

SQLITE_UP = [
    (
        "CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS consent_events_no_update"]
POSTGRESQL_UP = [
    (
        "CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$"
    ),
    (
        "CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events "
        "FOR EACH ROW EXECUTE FUNCTION consent_events_append_only()"
    ),
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS consent_events_no_update ON consent_events",
    "DROP FUNCTION IF EXISTS consent_events_append_only()",
]


def upgrade() -> None:
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_DOWN
    for statement in statements:
        op.execute(statement)
