"""Subjects, their encrypted identifiers, and the tombstones erasure leaves.

No column here holds an identifier in plain text: `identifiers.ciphertext` is AES-GCM under the
subject's own key (kept in the key store, not here) and `identifiers.blind_index` an HMAC under
the index key. A copy of this database alone reveals no identifier.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
)

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.domain.identifiers import UNIQUE_TYPES

UNIQUE_KINDS = sorted(t.value for t in UNIQUE_TYPES)
"""Identifier types stored once per scope (a partial unique index enforces it)."""

CONTROLLER_SCOPE = ""
"""`identifiers.scope` for the organisation's own subjects; callers use their tenant's id."""

subjects = Table(
    "subjects",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("tenant_id", String(64), nullable=True, index=True),
    Column("status", String(16), nullable=False),
    Column("relationship_start", Date, nullable=True),
    Column("relationship_end", Date, nullable=True),
    Column("last_transaction", Date, nullable=True),
    Column("birth_date", Date, nullable=True),
    Column("dco_flag", String(200), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    comment="Data subjects: no identifiers, only what the gate needs to decide.",
)

identifiers = Table(
    "identifiers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "subject_id",
        String(36),
        ForeignKey("subjects.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("scope", String(64), nullable=False),
    Column("type", String(20), nullable=False),
    Column("blind_index", LargeBinary(32), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    comment="Each identifier once: a keyed blind index to find it, AES-GCM ciphertext to read it.",
)

Index("ix_identifiers_lookup", identifiers.c.scope, identifiers.c.type, identifiers.c.blind_index)
Index(
    "uq_identifiers_single_out",
    identifiers.c.scope,
    identifiers.c.type,
    identifiers.c.blind_index,
    unique=True,
    sqlite_where=identifiers.c.type.in_(UNIQUE_KINDS),
    postgresql_where=identifiers.c.type.in_(UNIQUE_KINDS),
)

tombstones = Table(
    "tombstones",
    metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("tenant_id", String(64), nullable=True),
    Column("erased_at", UTCDateTime(), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("request_ref", String(64), nullable=True),
    comment="What remains of an erased subject: that it existed, when and why it went.",
)
