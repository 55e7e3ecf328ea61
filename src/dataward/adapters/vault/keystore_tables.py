"""The key store's tables: kept in a database of their own, apart from the data.

A data key made for records that land in a transaction of the main database (the subjects an
ingest or a registration creates, a request's contact details) carries the name of its
`key_batches` row: should that transaction die with its process, the key is found by its
batch and destroyed once the batch's heartbeat is older than the grace period
(`services.keys.orphans`).
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table

from dataward.adapters.sql.tables import NAMING
from dataward.adapters.sql.types import UTCDateTime

keystore_metadata = MetaData(naming_convention=NAMING)

data_keys = Table(
    "data_keys",
    keystore_metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("master_fingerprint", String(16), nullable=False, index=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column(
        "batch",
        String(64),
        nullable=True,
        index=True,
        comment="The batch that made it: swept if it dies before its records land",
    ),
    comment="One AES-256 key per subject, wrapped by the master key; deleted to shred.",
)

key_batches = Table(
    "key_batches",
    keystore_metadata,
    Column("name", String(64), primary_key=True),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("heartbeat_at", UTCDateTime(), nullable=False, index=True),
    Column("claimed_at", UTCDateTime(), nullable=True),
    comment="Batches of keys still being made, with the heartbeat of the process making them.",
)

index_keys = Table(
    "index_keys",
    keystore_metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("master_fingerprint", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    comment="Keys of the blind indexes, wrapped by the master key.",
)

key_rotations = Table(
    "key_rotations",
    keystore_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("from_fingerprint", String(16), nullable=False),
    Column("to_fingerprint", String(16), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("rewrapped", Integer, nullable=False, default=0),
    comment="Master key rotations; an unfinished one is resumed.",
)
