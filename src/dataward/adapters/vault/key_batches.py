"""Batches of keys made for records that land in a transaction of the main database.

The key store and the main database are two databases: a subject's key is stored (and
committed) before the transaction that creates the subject commits. A process killed in
between leaves a key whose subject never existed. So every key made that way carries the name
of a batch registered here first, and the process making it refreshes the batch's heartbeat
as it goes (each ingest batch, each key enrolment, and right before its commit).

The sweep (`services.keys.orphans`) claims a batch once its heartbeat is older than the grace
period; a claimed batch takes no more keys and no more heartbeats (`KeyBatchLost`). Claiming
only decides when a silent batch is looked at, and makes its process fail cleanly should it
wake up: whether a key may be destroyed is decided in the main database, under the batch's
fence (`adapters.sql.registry.key_owners`), never by how old a heartbeat is. Heartbeats are written
by the writer's clock and compared with the sweeper's, so clocks that disagree only move when a
live batch is claimed (and its process then fails and may be retried), not what is destroyed.
A batch whose process ends normally is closed (its row deleted): its keys stay named, but no
sweep looks at them again.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, select, update

from dataward.adapters.sql.engine import READ_ONLY
from dataward.adapters.vault.keystore_tables import data_keys, key_batches
from dataward.domain.clock import Clock
from dataward.domain.errors import KeyBatchLost


def beat(connection: Connection, batch: str, at: datetime) -> None:
    """Refresh the batch's heartbeat in the caller's key-store transaction; `KeyBatchLost`
    if the sweep has claimed it (or it was never opened). The error does not name the batch."""
    result = connection.execute(
        update(key_batches)
        .where(key_batches.c.name == batch, key_batches.c.claimed_at.is_(None))
        .values(heartbeat_at=at)
    )
    if result.rowcount != 1:
        raise KeyBatchLost


class SqlKeyBatches:
    """The key store's batches: registered, kept alive, claimed by the sweep, closed."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    def open_batch(self, label: str) -> str:
        """Register a batch of keys about to be made, with its first heartbeat; its name."""
        name = f"{label}-{uuid.uuid4()}"[:64]
        now = self._clock.now()
        with self._engine.begin() as connection:
            connection.execute(
                insert(key_batches).values(name=name, started_at=now, heartbeat_at=now)
            )
        return name

    def heartbeat(self, batch: str) -> None:
        """The batch's process is alive; `KeyBatchLost` if the sweep has claimed it."""
        with self._engine.begin() as connection:
            beat(connection, batch, self._clock.now())

    def close_batch(self, batch: str) -> None:
        """Every key of the batch is settled: its records landed, or the key was destroyed."""
        with self._engine.begin() as connection:
            connection.execute(delete(key_batches).where(key_batches.c.name == batch))

    def claim_stale_batches(self, silent_since: datetime) -> list[str]:
        """Claim every batch whose last heartbeat is older than `silent_since`; the claimed
        ones, with any a sweep claimed before and did not finish. None of them takes a key or
        a heartbeat again."""
        with self._engine.begin() as connection:
            connection.execute(
                update(key_batches)
                .where(
                    key_batches.c.heartbeat_at < silent_since, key_batches.c.claimed_at.is_(None)
                )
                .values(claimed_at=self._clock.now())
            )
            rows = connection.execute(
                select(key_batches.c.name)
                .where(key_batches.c.claimed_at.is_not(None))
                .order_by(key_batches.c.started_at, key_batches.c.name)
            )
            return [row.name for row in rows]

    def batch_keys(self, batch: str) -> list[str]:
        """The ids of the keys the batch made that are still held."""
        with self._engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            rows = connection.execute(
                select(data_keys.c.subject_id).where(data_keys.c.batch == batch)
            )
            return [row.subject_id for row in rows]
