"""The breach register's tables (UK GDPR Art. 33(5)).

`breaches` keeps each breach: the moment of awareness and the deadline it sets, the outcome of
its assessment and the state the DCO's queue reads, and the rest of the record (facts,
assessment, counts, reports, notices) as one JSON document the domain reads and writes whole.
`breach_events` is its decision trail: who did what, when, with counts and words from closed
sets. Neither holds a subject reference or an identifier: the people affected are counted,
and the notices to them are outbox messages.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime

breaches = Table(
    "breaches",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("aware_at", UTCDateTime(), nullable=False),
    Column("ico_due", UTCDateTime(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("natures", String(64), nullable=False, comment="Space-separated"),
    Column("outcome", String(20), nullable=True),
    Column("reported_at", UTCDateTime(), nullable=True),
    Column("closed_at", UTCDateTime(), nullable=True),
    Column("document", Text, nullable=False, comment="JSON: facts, assessment, counts, notices"),
    Column("version", Integer, nullable=False),
    comment="The breach register: every breach, reported or not (Art. 33(5)).",
)
Index("ix_breaches_open", breaches.c.closed_at, breaches.c.aware_at)

breach_events = Table(
    "breach_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("breach_id", String(36), nullable=False, index=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("event", String(32), nullable=False),
    Column("details", Text, nullable=False, comment="JSON of counts and closed words"),
    comment="A breach's decision trail: who did what, when.",
)
