"""relationship dates: the day of a subject's last transaction

`subjects.last_transaction` is the day of the subject's last transaction with us, which the tax
term of an erasure hold runs from (recorded with the end of the relationship, `dataward
subjects relationship`).

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE in place, not a batch copy: on SQLite a copy drops `subjects`, and the
    # identifiers' foreign key would cascade that to every identifier
    op.add_column("subjects", sa.Column("last_transaction", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("subjects", "last_transaction")  # in place too (SQLite 3.35 and later)
