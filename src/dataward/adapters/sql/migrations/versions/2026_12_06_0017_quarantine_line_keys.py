"""quarantine line keys: each quarantined line sealed under a key of its own; headers as rows

A quarantined line was sealed under one key of its ingest, which an erasure could not destroy
while other lines of the ingest were pending: an older copy of the data database still opened
an erased line with the live key store. Each line now has its own key (`call_quarantine.key_id`,
destroyed once the line is resolved), and a file's header row, kept only where the format has
one, is a row of its own (`header`), sealed and indexed like a line. Lines quarantined before
are re-sealed under keys of their own, and indexed, by `dataward init` and `dataward db
upgrade`, which have the key store at hand (`services.quarantine.upgrade`); until then they
keep their ingest's key.

Labels: an ingest label kept any extension of 1 to 8 letters (`file-7.jsmith`); only the
extensions of call files are kept now, and any other is dropped from the labels stored.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_EXTENSIONS = frozenset({"csv", "log", "txt", "cdr", "tsv", "xml", "json", "gz"})
_FILE_LABEL = re.compile(r"(file-\d+)\.(.*)")
_COMMENT = "Unreadable lines and header rows, each encrypted under a key of its own."
_OLD_COMMENT = "Unreadable lines, encrypted under their ingest's own key until resolved."


def upgrade() -> None:
    with op.batch_alter_table("call_quarantine") as batch:
        batch.add_column(sa.Column("key_id", sa.String(36), nullable=True))
        batch.add_column(
            sa.Column("header", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    if op.get_bind().dialect.name == "postgresql":  # SQLite keeps no comments
        op.create_table_comment("call_quarantine", _COMMENT, existing_comment=_OLD_COMMENT)
    op.create_index("ix_call_quarantine_key_id", "call_quarantine", ["key_id"], unique=False)
    released = sa.text("resolved_at IS NOT NULL AND key_id IS NOT NULL")
    op.create_index(
        "ix_call_quarantine_released_keys",
        "call_quarantine",
        ["resolved_at"],
        unique=False,
        sqlite_where=released,
        postgresql_where=released,
    )
    ingests = sa.table("ingests", sa.column("id", sa.Integer()), sa.column("source", sa.String()))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(ingests.c.id, ingests.c.source).where(ingests.c.source.like("file-%.%"))
    ).all()
    for row in rows:
        match = _FILE_LABEL.fullmatch(row.source)
        if match is not None and match.group(2) not in _EXTENSIONS:
            connection.execute(
                sa.update(ingests).where(ingests.c.id == row.id).values(source=match.group(1))
            )


def downgrade() -> None:
    op.drop_index("ix_call_quarantine_released_keys", table_name="call_quarantine")
    op.drop_index("ix_call_quarantine_key_id", table_name="call_quarantine")
    if op.get_bind().dialect.name == "postgresql":
        op.create_table_comment("call_quarantine", _OLD_COMMENT, existing_comment=_COMMENT)
    with op.batch_alter_table("call_quarantine") as batch:
        batch.drop_column("header")
        batch.drop_column("key_id")
