"""quarantine parties and ingest labels: erasure reaches quarantined lines; no file names kept

`quarantine_parties` holds the blind indexes of every number and agent id a quarantined line
could hold, so that erasing the person empties the line. `ingests.source` held the file's name
as given, which may be a number (`07911123456-calls.log`): every existing value is replaced by
a neutral label (`file-7.log`, `batch-8`, `replay-9`) and, for a file, `source_digest` gets a
keyed digest of its own name when the caller of the migration supplies the key (`dataward init`
and `dataward db upgrade` do, from the key store; otherwise it stays NULL). The labels are
copied here, not imported, so that this revision keeps doing what it did. A downgrade keeps the
labels: the names are gone.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

NAME_DIGEST = "ingest_name_digest"
"""Alembic config attribute: (tenant id, file name) -> keyed digest, if the caller has the key."""

_EXTENSION = re.compile(r"[A-Za-z]{1,8}")


def _base_name(path_text: str) -> str:
    return re.split(r"[\\/]", path_text)[-1]


def _label(ingest_id: int, source: str, replay_of: int | None) -> tuple[str, bool]:
    """(label, whether the source was a file)."""
    if replay_of is not None:
        return f"replay-{ingest_id}", False
    if source == "batch":
        return f"batch-{ingest_id}", False
    stem, dot, extension = _base_name(source).rpartition(".")
    plain = bool(dot and stem and _EXTENSION.fullmatch(extension))
    return f"file-{ingest_id}" + ("." + extension.lower() if plain else ""), True


def upgrade() -> None:
    op.create_table(
        "quarantine_parties",
        sa.Column("quarantine_id", sa.Integer(), nullable=False),
        sa.Column("blind_index", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("quarantine_id", "blind_index", name="pk_quarantine_parties"),
        comment="Blind indexes of every number or agent id a quarantined line could hold.",
    )
    op.create_index(
        "ix_quarantine_parties_blind_index", "quarantine_parties", ["blind_index"], unique=False
    )
    op.add_column(
        "ingests",
        sa.Column(
            "source_digest",
            sa.LargeBinary(16),
            nullable=True,
            comment="Keyed digest of file name",
        ),
    )
    config = op.get_context().config
    digest: Callable[[str, str], bytes] | None = (
        config.attributes.get(NAME_DIGEST) if config is not None else None
    )
    ingests = sa.table(
        "ingests",
        sa.column("id", sa.Integer()),
        sa.column("tenant_id", sa.String()),
        sa.column("source", sa.String()),
        sa.column("source_digest", sa.LargeBinary()),
        sa.column("replay_of", sa.Integer()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(ingests.c.id, ingests.c.tenant_id, ingests.c.source, ingests.c.replay_of)
    ).all()
    for row in rows:
        label, is_file = _label(row.id, row.source, row.replay_of)
        name = _base_name(row.source)
        connection.execute(
            sa.update(ingests)
            .where(ingests.c.id == row.id)
            .values(
                source=label,
                source_digest=digest(row.tenant_id, name) if digest and is_file else None,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("ingests") as batch:
        batch.drop_column("source_digest")
    op.drop_index("ix_quarantine_parties_blind_index", table_name="quarantine_parties")
    op.drop_table("quarantine_parties")
