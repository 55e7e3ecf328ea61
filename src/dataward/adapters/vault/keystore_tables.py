"""The key store's tables: kept in a database of their own, apart from the data."""

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
    comment="One AES-256 key per subject, wrapped by the master key; deleted to shred.",
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
