"""calls.queued_at on SQLite: written as naive UTC with microseconds, like every other time

Ingest's bulk path on SQLite wrote `queued_at` through the driver's own datetime adapter, as the
call's local time with its offset (`2026-10-17 01:00:34+01:00`), where every other time of the
row is naive UTC (`2026-10-17 00:00:34.000000`). Read back through SQLAlchemy both gave the same
instant, but the text sorts and compares apart from the rest. Rewritten as the others are;
SQLite's date functions read the offset. PostgreSQL stored them right (timestamptz): nothing
changes there.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

_WITH_OFFSET = "(queued_at LIKE '%+__:__' OR queued_at LIKE '%-__:__')"
_FRACTION = (
    "CASE WHEN instr(queued_at, '.') > 0 "
    "THEN substr(queued_at || '000000', instr(queued_at, '.') + 1, 6) ELSE '000000' END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"UPDATE calls SET queued_at = strftime('%Y-%m-%d %H:%M:%S', queued_at) || '.' || "  # noqa: S608 - no input
        f"{_FRACTION} WHERE {_WITH_OFFSET}"
    )


def downgrade() -> None:
    """Nothing to undo: the times are the same instants, written as the rest are."""
