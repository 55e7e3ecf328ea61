"""Leases: at most one holder of a name at a time, across processes, released by the holder's
end however it ends (a crash included), with no timeout to guess.

- PostgreSQL: a session-level advisory lock on the name within the current schema, tried
  without waiting, on a connection of its own that the lease keeps open; the server frees it
  when that connection closes.
- SQLite: an exclusive `flock` on a file beside the database, tried without waiting; the
  kernel frees it when the holding process ends. (An in-memory database has one process.)
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from dataward.adapters.sql.registry.tables import subjects
from dataward.domain.errors import NotFound

LEASE_CLASS = int.from_bytes(b"dwls", "big", signed=True)
"""The first half of every lease's advisory lock key (PostgreSQL)."""


def _key(name: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=4).digest(), "big", signed=True
    )


@dataclass(frozen=True, slots=True)
class HeldLease:
    """A lease as `lease` yields it: `had` when asked for, and whether it is `held()` still."""

    had: bool
    connection: Connection | None = None
    """PostgreSQL: the connection whose session holds the advisory lock."""
    key: dict[str, int] | None = None

    def held(self) -> bool:
        """SQLite: the process's `flock` lasts as long as the process. PostgreSQL: the lock is
        still this session's (a connection the server ended, by a restart or a terminated
        backend, freed it: then another may hold it)."""
        if not self.had:
            return False
        if self.connection is None or self.key is None:
            return True
        try:
            found = self.connection.execute(_MINE, _unsigned(self.key)).scalar_one()
            self.connection.commit()
        except DBAPIError:
            _forget(self.connection)
            return False
        return bool(found)


_MINE = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND pid = pg_backend_pid() AND classid = :c AND objid = :k AND objsubid = 2"
)


def _unsigned(key: dict[str, int]) -> dict[str, int]:
    """pg_locks shows an advisory lock's two keys as unsigned 32-bit object ids."""
    return {name: value & 0xFFFFFFFF for name, value in key.items()}


@contextmanager
def lease(engine: Engine, name: str) -> Iterator[HeldLease]:
    """Hold the lease `name` for the block: yields it, not `had` when another holds it (the
    block should then do nothing)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            # the schema is part of the name: installations sharing a server hold their own
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            key = {"c": LEASE_CLASS, "k": _key(f"{schema}/{name}")}
            had = bool(
                connection.execute(text("SELECT pg_try_advisory_lock(:c, :k)"), key).scalar_one()
            )
            connection.commit()
            try:
                yield HeldLease(had, connection, key)
            finally:
                if had:
                    _unlock(connection, key)
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield HeldLease(had=True)
        return
    path = Path(f"{database}.{_key(name) & 0xFFFFFFFF:08x}.lease")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield HeldLease(had=False)
            return
        try:
            yield HeldLease(had=True)
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _unlock(connection: Connection, key: dict[str, int]) -> None:
    """Free the lease; if its connection was lost meanwhile, the server freed it already."""
    try:
        connection.execute(text("SELECT pg_advisory_unlock(:c, :k)"), key)
        connection.commit()
    except SQLAlchemyError:
        _forget(connection)


def _forget(connection: Connection) -> None:
    """A connection the server ended: its transaction rolled back so it can be closed."""
    with suppress(SQLAlchemyError):
        connection.rollback()


HOLDS_LOCK = (LEASE_CLASS, 0x686F6C64)  # "hold"
"""The advisory lock key (PostgreSQL) that orders new holds against the retention sweep's
batches: a batch holds it shared from before it reads the holds to its commit, and placing a
hold, a restriction or a rights request takes it exclusively."""


def holds_frozen(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock_shared(:c, :k)"),
            {"c": HOLDS_LOCK[0], "k": HOLDS_LOCK[1]},
        )


def holds_changing(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:c, :k)"), {"c": HOLDS_LOCK[0], "k": HOLDS_LOCK[1]}
        )


def subject_kept(connection: Connection, subject_id: str) -> bool:
    """Hold the subject's row (PostgreSQL: `FOR KEY SHARE`) until the transaction ends, before
    writing a record of it: a retention batch that erases it locks its row first
    (`FOR UPDATE`), so it either waits for this record and reads it, or erased the subject
    before and the row is gone (False: write nothing). SQLite serialises every writer, and the
    row was read in this same transaction: True when it is there."""
    query = select(subjects.c.id).where(subjects.c.id == subject_id)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(key_share=True)
    return connection.execute(query).first() is not None


def subject_there(connection: Connection, subject_id: UUID | str) -> None:
    """Hold the subject's row before writing a record of it (`subject_kept`): an erasure locks
    the row first, so it waits for this record and removes it, or went first; then the record
    is refused (`NotFound`) rather than left naming no one."""
    if not subject_kept(connection, str(subject_id)):
        raise NotFound("subject", str(subject_id))
