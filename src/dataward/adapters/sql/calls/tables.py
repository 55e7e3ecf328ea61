"""The call store's tables: calls, the ingests that brought them, the quarantine, the rollups.

No column holds a phone number, a caller's name or a channel string: parties are subject
references (`caller_ref`, `callee_ref`, `agent_ref`, UUIDs of subjects in the vault), a call's
source identity is a keyed digest (`source_key`), an ingest is named by a neutral label and a
keyed digest of its file's name (`domain.calls.ingest_names`), and a quarantined line (or a file's
header row, kept with its quarantine) is ciphertext under a key of its own in the key store
(`key_id`, destroyed once the line is resolved), found by erasure through the blind indexes of
the numbers and agent ids it could hold (`quarantine_parties`). `ingests.quarantine_key` and
`header_ciphertext` are what lines quarantined before per-line keys were sealed under, until
the upgrade re-seals them (`services.quarantine.upgrade`).

On PostgreSQL `calls` is partitioned by month of `started_at` (`calls_YYYY_MM`, created before
the first insert into that month), so a retention sweep can drop whole months. Its key
includes `started_at` because a partitioned table's unique keys must hold the partition key;
it leads with the time so that a file in time order appends to the key's index instead of
scattering inserts over it, and duplicates are looked up by (start, identity) pairs.

`call_links` maps the PBX's own ids of a call (a CDR's linkedid and uniqueids, a queue_log
callid, a BroadWorks call id: keyed digests, like `source_key`) to the row of that call, so a
record of the same call from another source, arriving in any order, is joined into it
(`domain.calls.correlation`). It holds no party and outlives nothing: a call's links go with it.

`call_rollups` are anonymous: counts and wait histograms per tenant, queue and period, with no
subject reference, so reports outlive the erasure of callers and the deletion of raw calls.
Each call adds to five grains (`services.calls.rollups`): its UTC hour, and on the tenant's clock
its day, its month, its hour of day within its month, and its weekday within its month, so that
any report reads a few thousand rows, not one per hour of two years.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    and_,
    false,
)

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime

calls = Table(
    "calls",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("source_key", LargeBinary(16), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("answered_at", UTCDateTime(), nullable=True),
    Column("ended_at", UTCDateTime(), nullable=True),
    Column("direction", String(10), nullable=False),
    Column("disposition", String(12), nullable=False),
    Column("queue", String(80), nullable=True),
    Column("wait_s", Float, nullable=True),
    Column("ring_s", Float, nullable=True),
    Column("talk_s", Float, nullable=True),
    Column("caller_ref", String(36), nullable=True),
    Column("callee_ref", String(36), nullable=True),
    Column("agent_ref", String(36), nullable=True),
    Column("caller_withheld", Boolean, nullable=False),
    Column("callee_withheld", Boolean, nullable=False),
    Column("legs", SmallInteger, nullable=False),
    Column("format", String(32), nullable=False),
    Column("ingest_id", Integer, nullable=False),
    Column("queued_at", UTCDateTime(), nullable=True),
    Column("sources", SmallInteger, nullable=False, server_default="1"),
    PrimaryKeyConstraint("tenant_id", "started_at", "source_key", name="pk_calls"),
    comment="Calls, pseudonymised: subject references only, never a number or a name.",
    postgresql_partition_by="RANGE (started_at)",
)

# A tenant's calls by start are found through the primary key, which begins (tenant, start).
for _party in ("caller_ref", "callee_ref", "agent_ref"):
    Index(
        f"ix_calls_{_party}",
        calls.c[_party],
        sqlite_where=calls.c[_party].is_not(None),
        postgresql_where=calls.c[_party].is_not(None),
    )

call_links = Table(
    "call_links",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("link_key", LargeBinary(16), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("source_key", LargeBinary(16), nullable=False),
    PrimaryKeyConstraint("tenant_id", "link_key", name="pk_call_links"),
    comment="A PBX's call ids (keyed digests) to the call row they belong to.",
)
# A retention sweep removes the links of the calls it deletes, found by (tenant, start).
Index("ix_call_links_tenant_started", call_links.c.tenant_id, call_links.c.started_at)

ingests = Table(
    "ingests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False, index=True),
    Column("source", String(255), nullable=False),
    Column("source_digest", LargeBinary(16), nullable=True, comment="Keyed digest of file name"),
    Column("format", String(32), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("calls_read", Integer, nullable=False, default=0),
    Column("stored", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("bad", Integer, nullable=False, default=0),
    Column("quarantine_key", String(36), nullable=True),
    Column("header_ciphertext", LargeBinary, nullable=True),
    Column("replay_of", Integer, nullable=True),
    comment="One row per file ingested: who, when, what format, and its counts.",
)

call_quarantine = Table(
    "call_quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ingest_id", Integer, nullable=False, index=True),
    Column("tenant_id", String(64), nullable=False, index=True),
    Column("line", Integer, nullable=False),
    Column("reason", String(300), nullable=False),
    Column("raw_ciphertext", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("resolved_at", UTCDateTime(), nullable=True),
    Column("resolution", String(16), nullable=True),
    Column("key_id", String(36), nullable=True, index=True),
    Column("header", Boolean, nullable=False, server_default=false()),
    Column("parties_from", String(8), nullable=True),
    comment="Unreadable lines and header rows, each encrypted under a key of its own.",
)
Index(
    "ix_call_quarantine_released_keys",
    call_quarantine.c.resolved_at,
    sqlite_where=and_(
        call_quarantine.c.resolved_at.is_not(None), call_quarantine.c.key_id.is_not(None)
    ),
    postgresql_where=and_(
        call_quarantine.c.resolved_at.is_not(None), call_quarantine.c.key_id.is_not(None)
    ),
)

quarantine_parties = Table(
    "quarantine_parties",
    metadata,
    Column("quarantine_id", Integer, nullable=False),
    Column("blind_index", LargeBinary(32), nullable=False, index=True),
    PrimaryKeyConstraint("quarantine_id", "blind_index", name="pk_quarantine_parties"),
    comment="Blind indexes of every number or agent id a quarantined line could hold.",
)

call_rollups = Table(
    "call_rollups",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("queue", String(80), nullable=False),
    Column("grain", String(8), nullable=False),
    Column("bucket", String(24), nullable=False),
    Column("offered", Integer, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("abandoned", Integer, nullable=False),
    Column("overflow", Integer, nullable=False),
    Column("wait_sum", Float, nullable=False),
    Column("wait_count", Integer, nullable=False),
    Column("answered_wait_sum", Float, nullable=False),
    Column("talk_sum", Float, nullable=False),
    Column("talk_count", Integer, nullable=False),
    Column("ring_sum", Float, nullable=False),
    Column("answered_waits", LargeBinary, nullable=False),
    Column("abandoned_waits", LargeBinary, nullable=False),
    Column("all_waits", LargeBinary, nullable=False),
    PrimaryKeyConstraint("tenant_id", "queue", "grain", "bucket", name="pk_call_rollups"),
    comment="Anonymous ACD aggregates per tenant, queue and period: no subject reference.",
)
Index(
    "ix_call_rollups_tenant_grain_bucket",
    call_rollups.c.tenant_id,
    call_rollups.c.grain,
    call_rollups.c.bucket,
)
