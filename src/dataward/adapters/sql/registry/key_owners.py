"""Which key ids of the key store name a live record of the main database, and the fence that
makes that answer final for a batch of keys.

A data key is named by what it seals: a subject (its identifiers; an access package made
before links had keys), a rights request (the requester's contact details), a download link
while its row exists (its sealed package), a quarantined line still pending (or, before lines
had keys of their own, an ingest's quarantine). The key sweep asks this of the keys of a batch
it claimed, and destroys the rest: a resolved line's key is owned by nothing.

The answer is final only if no transaction that may still commit owners of the batch's keys is
under way; the fence of a batch is what says so, taken in the main database, where the commit
happens:

- PostgreSQL: every writer transaction that will own keys of a batch takes a shared
  transaction-level advisory lock on the batch (`hold`) at its start; the sweep takes the same
  lock exclusively, without waiting (`fence`), and skips the batch this round if it cannot.
  Once the sweep holds it, every such transaction has ended (committed: its owners are
  visible; rolled back: they never will be), and one that starts later waits for the sweep and
  then finds its batch claimed in the check it makes before its commit.
- SQLite: every writing transaction begins IMMEDIATE and holds the database's write lock to its
  end, so a writer's own transaction is its hold. The sweep's fence is the write lock itself,
  tried with a short wait: one writer at a time, so a writer holding it commits (or not) first,
  and one that begins after the sweep finds its batch claimed before its commit.

Keys are two 32-bit numbers, a class of our own and a digest of the batch's name, apart from
the single 64-bit keys of the other advisory locks; two batches whose digests collide only make
the sweep skip one a round more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

from sqlalchemy import Connection, select, text, union_all, update
from sqlalchemy.exc import OperationalError

from dataward.adapters.sql.calls.tables import call_quarantine, ingests
from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.jobs import job_chunks
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.rights.downloads import access_downloads
from dataward.adapters.sql.rights.requests import rights_requests

BATCH_LOCK_CLASS: Final = int.from_bytes(b"dwkb", "big", signed=True)
"""The first half of every key batch's advisory lock key (PostgreSQL)."""

FENCE_WAIT_MS: Final = 200
"""How long the sweep waits for SQLite's write lock before it leaves its batches to a later
round (a writer holds it for as long as its transaction lasts)."""


def batch_lock_key(batch: str) -> int:
    """The second half of a batch's advisory lock key: a signed 32-bit digest of its name."""
    digest = hashlib.blake2b(batch.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


class SqlKeyOwnerRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def owned(self, key_ids: Sequence[str]) -> set[str]:
        """The ids among these that name a live subject, a rights request, a download link, a
        pending quarantined line, an ingest's quarantine or a job's staged file (an erased
        subject's tombstone owns no key, nor does a resolved line)."""
        found: set[str] = set()
        for chunk in in_chunks(list(dict.fromkeys(key_ids))):
            query = union_all(
                select(subjects.c.id.label("key_id")).where(subjects.c.id.in_(chunk)),
                select(rights_requests.c.id.label("key_id")).where(rights_requests.c.id.in_(chunk)),
                select(access_downloads.c.id.label("key_id")).where(
                    access_downloads.c.id.in_(chunk)
                ),
                select(ingests.c.quarantine_key.label("key_id")).where(
                    ingests.c.quarantine_key.in_(chunk)
                ),
                select(call_quarantine.c.key_id.label("key_id")).where(
                    call_quarantine.c.key_id.in_(chunk), call_quarantine.c.resolved_at.is_(None)
                ),
                select(job_chunks.c.job_id.label("key_id")).where(job_chunks.c.job_id.in_(chunk)),
            )
            found.update(str(row.key_id) for row in self._connection.execute(query))
        return found

    def hold(self, batch: str) -> None:
        """This transaction may own keys of `batch`: no sweep fences it until it ends."""
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(
                text("SELECT pg_advisory_xact_lock_shared(:cls, :key)"),
                {"cls": BATCH_LOCK_CLASS, "key": batch_lock_key(batch)},
            )

    def fence(self, batch: str) -> bool:
        """The batch's fence for the rest of this transaction, or False at once if a writer
        that may own its keys is under way (on SQLite: any writer at all)."""
        if self._connection.dialect.name == "postgresql":
            granted = self._connection.execute(
                text("SELECT pg_try_advisory_xact_lock(:cls, :key)"),
                {"cls": BATCH_LOCK_CLASS, "key": batch_lock_key(batch)},
            ).scalar_one()
            return bool(granted)
        return self._write_lock()

    def _write_lock(self) -> bool:
        """SQLite: take the database's write lock now, waiting `FENCE_WAIT_MS` at most; held
        to the end of this transaction (which writes nothing). A statement that writes no row
        takes it as any write does."""
        connection = self._connection
        (wait,) = connection.exec_driver_sql("PRAGMA busy_timeout").one()
        connection.exec_driver_sql(f"PRAGMA busy_timeout={FENCE_WAIT_MS}")
        try:
            connection.execute(
                update(subjects).where(text("0 = 1")).values(status=subjects.c.status)
            )
        except OperationalError:  # another writer holds it: leave the batch to a later round
            return False
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(wait)}")
        return True
