"""consent_events: an id is never given again (SQLite AUTOINCREMENT)

The retention sweep deletes withdrawn consent ledgers. SQLite gives a plain INTEGER PRIMARY KEY
the largest id in use plus one, so once the newest events were deleted the next event took one
of their ids: two sweeps' digests could name one id for different events, and the API's
`sequence` of a consent was given twice. AUTOINCREMENT keeps the largest id ever given (in
`sqlite_sequence`) and never goes below it. SQLite cannot change a table to AUTOINCREMENT in
place, so the table is recreated, its rows and ids copied as they are (the sequence starts at
the largest id kept; an id above it, deleted before this migration, may be given once more).
The old table takes its trigger with it: the ledger's refusal of UPDATE (0008) is created
again on the new one. PostgreSQL's sequence never goes back already: nothing to do there.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

MESSAGE = "consent_events is append-only: record a new event instead"
"""As 0008 wrote it."""

NO_UPDATE = (
    "CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
)


def _recreate(*, autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS consent_events_no_update")
    with op.batch_alter_table(
        "consent_events",
        recreate="always",
        table_kwargs={"sqlite_autoincrement": autoincrement},
    ):
        pass
    op.execute(NO_UPDATE)


def upgrade() -> None:
    _recreate(autoincrement=True)


def downgrade() -> None:
    _recreate(autoincrement=False)
