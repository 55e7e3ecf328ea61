"""Keys of the key store whose records are gone, listed in the main database until destroyed.

A key lives in the key store, outside the main database's transactions; the rows it seals are
deleted (or emptied) in one of them. Destroyed before that commits, a rollback would leave rows
nobody can open; destroyed after, a process that dies in between leaves a key no row names, so
nothing would ever find it again, and every copy of what it sealed (a backup, a write-ahead log)
would stay readable. So the transaction that lets the rows go lists their keys here too: the
list commits with the deletion or not at all, and whoever destroys a key removes it from the
list afterwards (`services.keys.doomed`). Only key ids (random ids of subjects, requests and
links), each for as long as its key takes to destroy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, Connection, String, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime

doomed_keys = Table(
    "doomed_keys",
    metadata,
    Column("key_id", String(36), primary_key=True),
    Column("doomed_at", UTCDateTime(), nullable=False, comment="When its records went"),
    comment="Ids of data keys whose records are gone, until the key store has destroyed them.",
)


class SqlDoomedKeyRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, key_ids: Sequence[str], at: datetime) -> None:
        """List these keys for destruction in this transaction; one listed already stays as
        it is (a second erasure of a subject whose key is still listed)."""
        wanted = list(dict.fromkeys(key_ids))
        make = postgresql.insert if self._connection.dialect.name == "postgresql" else sqlite.insert
        for chunk in in_chunks(wanted):
            rows = [{"key_id": key, "doomed_at": at} for key in chunk]
            self._connection.execute(make(doomed_keys).values(rows).on_conflict_do_nothing())

    def listed(self, limit: int) -> list[str]:
        """Keys still listed (at most `limit`)."""
        rows = self._connection.execute(
            select(doomed_keys.c.key_id).order_by(doomed_keys.c.key_id).limit(limit)
        )
        return [str(key) for key in rows.scalars()]

    def forget(self, key_ids: Sequence[str]) -> None:
        """These keys are destroyed: no longer listed."""
        for chunk in in_chunks(list(dict.fromkeys(key_ids))):
            self._connection.execute(delete(doomed_keys).where(doomed_keys.c.key_id.in_(chunk)))
