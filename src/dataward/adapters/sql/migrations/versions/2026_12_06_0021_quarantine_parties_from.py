"""quarantine parties from: where a quarantined line's party indexes were read

A quarantined line was indexed by every number found anywhere in it, its times and ids too (a
queue_log time `1764000100` read as the number 01764 000100), so another person's line could
be put in a caller's export and erased with them. A line of its format's shape is now indexed
only from the fields that can name someone; `parties_from` says which a line was: `fields`, or
`line` (a line of no known shape, or a header row, searched whole). Lines indexed before are
NULL until `dataward init` or `dataward db upgrade`, which have the key store at hand, open and
index them again (`services.quarantine.upgrade.reindex_quarantine`).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("call_quarantine") as batch:
        batch.add_column(sa.Column("parties_from", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_quarantine") as batch:
        batch.drop_column("parties_from")
