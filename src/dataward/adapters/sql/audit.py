"""The audit log on SQLAlchemy Core: one chain, appended by one writer at a time.

Appends are serialised so that two processes never fork the chain (two entries on one
`prev_hash`). Each append reads the head and writes after it inside the caller's transaction,
having first taken the chain's lock:

- PostgreSQL: `pg_advisory_xact_lock(AUDIT_CHAIN_LOCK)`, held until the transaction ends. Under
  READ COMMITTED (the default) the head read after the lock sees every earlier append. Append
  late in a use case: the lock is held from the first append to the commit.
- SQLite: the engine opens every writing transaction with BEGIN IMMEDIATE (see `engine.py`), so
  the transaction already holds the database's one write lock.

Either way `seq` is the primary key, so a fork the lock somehow let through would fail to
commit rather than be stored.

The table is append-only in the database too: triggers created by the migration refuse UPDATE
and DELETE (and TRUNCATE on PostgreSQL). The owner of the schema (the DCO's database role
included) can only get round them by dropping them; an entry then changed, deleted or moved
breaks the chain at that entry. Rewriting every hash from that entry onward, or cutting off the
newest entries, yields a chain that verifies but ends in another head, which is why the head
must also be kept outside the database (see `dataward.domain.audit`).

Erasure registers no unlink step here: an entry keeps the subject's pseudonymous reference,
which after crypto-shredding leads only to a tombstone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import RowMapping

from dataward.adapters.sql.engine import READ_ONLY
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.domain.audit import AuditDraft, AuditEntry, seal, to_json_line
from dataward.domain.audit_search import AuditSearch, SearchSlice
from dataward.services.ports import TextSink

AUDIT_CHAIN_LOCK: Final = int.from_bytes(b"dw-audit", "big")
"""The PostgreSQL advisory lock key that serialises appends (one per database)."""

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject_ref", String(36), nullable=True),
    Column("purpose", String(64), nullable=True),
    Column("decision", String(64), nullable=True),
    Column("details", Text, nullable=False, comment="JSON object of references, no personal data"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    comment="Append-only, hash-chained audit log: who did what to whose data, and why.",
)
# One subject's entries in chain order, straight from the index (`entries_about`).
Index("ix_audit_log_subject_ref_seq", audit_log.c.subject_ref, audit_log.c.seq)


class SqlAuditLog:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def append(self, *drafts: AuditDraft) -> list[AuditEntry]:
        """Seal `drafts` after the current head and insert them, in the caller's transaction."""
        if not drafts:
            return []
        if self._connection.get_execution_options().get(READ_ONLY, False):
            raise RuntimeError("the audit log is appended to in a writing unit of work only")
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK}
            )
        entries = seal(drafts, self.head())
        self._connection.execute(insert(audit_log), [_row(entry) for entry in entries])
        return entries

    def head(self) -> AuditEntry | None:
        """The newest entry, or None for an empty log."""
        row = (
            self._connection.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(1))
            .mappings()
            .first()
        )
        return None if row is None else _entry(row)

    def count(self) -> int:
        return int(
            self._connection.execute(select(func.count()).select_from(audit_log)).scalar_one()
        )

    def iter_entries(self, batch: int = 1000) -> Iterator[AuditEntry]:
        """Every entry by seq, `batch` rows per query: memory stays flat however long the log."""
        after: int | None = None
        while True:
            query = select(audit_log).order_by(audit_log.c.seq).limit(batch)
            if after is not None:
                query = query.where(audit_log.c.seq > after)
            rows = self._connection.execute(query).mappings().all()
            for row in rows:
                yield _entry(row)
            if len(rows) < batch:
                return
            after = rows[-1]["seq"]

    def entries_about(self, subject_ref: str, batch: int = 1000) -> Iterator[AuditEntry]:
        """The entries about one subject by seq, `batch` rows per query, read through the
        (subject_ref, seq) index rather than the whole log."""
        after: int | None = None
        while True:
            query = (
                select(audit_log)
                .where(audit_log.c.subject_ref == subject_ref)
                .order_by(audit_log.c.seq)
                .limit(batch)
            )
            if after is not None:
                query = query.where(audit_log.c.seq > after)
            rows = self._connection.execute(query).mappings().all()
            for row in rows:
                yield _entry(row)
            if len(rows) < batch:
                return
            after = rows[-1]["seq"]

    def search(self, query: AuditSearch, part: SearchSlice) -> list[AuditEntry]:
        """The entries `query` finds in `part` of the log, by seq: one query, `part.limit`
        rows at most. A subject's are read through the (subject_ref, seq) index; the other
        filters walk the primary key in order from `part.after`, so a page costs the entries
        passed over, never the whole log held at once."""
        c = audit_log.c
        conditions = [c.seq < part.before_seq]
        if part.after is not None:
            conditions.append(c.seq > part.after)
        if query.subject is not None:
            conditions.append(c.subject_ref == str(query.subject))
        if query.actor is not None:
            conditions.append(c.actor == query.actor)
        if query.action is not None:
            conditions.append(c.action == query.action)
        if query.since is not None:
            conditions.append(c.at >= query.since)
        if query.before is not None:
            conditions.append(c.at < query.before)
        found = select(audit_log).where(*conditions).order_by(c.seq).limit(part.limit)
        return [_entry(row) for row in self._connection.execute(found).mappings()]

    def export(self, out: TextSink) -> int:
        """Write every entry to `out` as JSON Lines; returns how many."""
        count = 0
        for entry in self.iter_entries():
            out.write(to_json_line(entry))
            count += 1
        return count


def _row(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "subject_ref": entry.subject_ref,
        "purpose": entry.purpose,
        "decision": entry.decision,
        "details": json.dumps(dict(entry.details), sort_keys=True, ensure_ascii=False),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        seq=int(row["seq"]),
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        subject_ref=row["subject_ref"],
        purpose=row["purpose"],
        decision=row["decision"],
        details=_details(row["details"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def _details(stored: str) -> dict[str, Any]:
    """The stored JSON object; anything else loads as a marker, so verify reports a mismatch."""
    try:
        details = json.loads(stored)
    except ValueError:
        details = None
    return details if isinstance(details, dict) else {"unreadable_details": stored}
