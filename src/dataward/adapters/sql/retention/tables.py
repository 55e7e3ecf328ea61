"""The evidence of retention sweeps: one row per rule, store and tenant swept, with no personal
data (counts, dates, and a digest of the pseudonymous ids removed)."""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Table

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime

retention_sweeps = Table(
    "retention_sweeps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule", String(64), nullable=False),
    Column("store", String(32), nullable=False),
    Column("tenant_id", String(64), nullable=True, comment="None: our own data"),
    Column("as_of", Date, nullable=False),
    Column("retention", String(120), nullable=False),
    Column("kept_from", Date, nullable=False, comment="Items dated before this day went"),
    Column("actor", String(100), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("state", String(12), nullable=False),
    Column("removed", Integer, nullable=False),
    Column("held", Integer, nullable=False),
    Column("batches", Integer, nullable=False),
    Column("oldest", Date, nullable=True, comment="Date of the oldest item removed"),
    Column("digest", String(64), nullable=False, comment="Sum of the removed ids' SHA-256s"),
    Column("heartbeat_at", UTCDateTime(), nullable=True, comment="When a batch last landed"),
    comment="Evidence of each retention sweep: counts, period and a digest; no personal data.",
)
Index("ix_retention_sweeps_target", retention_sweeps.c.tenant_id, retention_sweeps.c.state)
