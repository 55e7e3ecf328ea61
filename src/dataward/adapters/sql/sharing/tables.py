"""The sharing tables: the disclosure log, its batches, transfer suspensions, refused exports.

`disclosures` holds one row per subject disclosed to a recipient in a batch: the subject's
random id (a foreign key without cascade, removed by the subject's erasure through the unlink
step), the recipient, the purpose, the categories and the time; never an identifier.
`disclosure_batches` says who exported what to whom (no subject reference).
`transfer_suspensions` and `refused_exports` are the DCO's record of Chapter V decisions.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime

disclosure_batches = Table(
    "disclosure_batches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("recipient", String(64), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("fields", Text, nullable=False, comment="Register fields, space-separated"),
    Column("format", String(8), nullable=False),
    Column("subjects", Integer, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    comment="Each export to a register recipient: who, to whom, for what, which fields.",
)

disclosures = Table(
    "disclosures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(36), ForeignKey(disclosure_batches.c.id), nullable=False, index=True),
    Column("subject_id", String(36), ForeignKey(subjects.c.id), nullable=False, index=True),
    Column("recipient", String(64), nullable=False, index=True),
    Column("purpose", String(64), nullable=False),
    Column("categories", String(500), nullable=False, comment="Space-separated"),
    Column("at", UTCDateTime(), nullable=False),
    comment="The disclosure log: each subject's data that went to a recipient, by batch.",
)

transfer_suspensions = Table(
    "transfer_suspensions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("mechanism", String(100), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("suspended_at", UTCDateTime(), nullable=False),
    Column("suspended_by", String(100), nullable=False),
    Column("lifted_at", UTCDateTime(), nullable=True),
    Column("lifted_by", String(100), nullable=True),
    comment="Transfer mechanisms suspended (e.g. an adequacy decision struck down).",
)
Index(
    "uq_transfer_suspensions_one_active",
    transfer_suspensions.c.mechanism,
    unique=True,
    sqlite_where=transfer_suspensions.c.lifted_at.is_(None),
    postgresql_where=transfer_suspensions.c.lifted_at.is_(None),
)

refused_exports = Table(
    "refused_exports",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("recipient", String(64), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("mechanism", String(100), nullable=True),
    Column("at", UTCDateTime(), nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    comment="Exports refused before anything was read, for the DCO.",
)
