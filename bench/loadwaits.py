"""What the database sessions of a load were doing: `pg_stat_activity` sampled while it runs.

Every `INTERVAL` seconds a thread reads the wait event and state of each session of the
installation's data database, and counts the busy ones (running a statement, or inside a
transaction) by what they were doing or waiting for. The figures are mean sessions per sample:
`advisory_lock` waiting for the audit chain's lock (`adapters/sql/audit.py`: every append takes
it until its transaction commits), `idle_in_transaction` holding a transaction open while the
server process works between statements, `wal` writing or flushing the write-ahead log (a
commit's fsync), `other_wait` any other wait and `running` none. Enough to tell a load bound by
the server processes' CPU from one queued behind the one chain.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

INTERVAL = 0.2
STATES = ("running", "advisory_lock", "idle_in_transaction", "wal", "other_wait")
_QUERY = text(
    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
    "WHERE datname = :name AND pid <> pg_backend_pid() "
    "AND state IN ('active', 'idle in transaction')"
)


@dataclass
class Waits:
    """Sessions counted by what they were doing, over `samples` samples."""

    samples: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    @classmethod
    def merged(cls, parts: list[Waits]) -> Waits:
        whole = cls()
        for part in parts:
            whole.samples += part.samples
            whole.counts.update(part.counts)
        return whole

    def mean(self) -> dict[str, float]:
        """Mean busy sessions per sample, by state."""
        if not self.samples:
            return dict.fromkeys(STATES, 0.0)
        return {state: round(self.counts[state] / self.samples, 2) for state in STATES}


def _state(state: str, wait_type: str | None, wait: str | None) -> str:
    if state == "idle in transaction":
        return "idle_in_transaction"
    if wait_type == "Lock" and wait == "advisory":
        return "advisory_lock"
    if wait is not None and wait.startswith("WAL"):  # WALSync, WALWrite, WALInsert...
        return "wal"
    return "other_wait" if wait_type else "running"


@contextmanager
def sampled(admin_url: str, database: str) -> Iterator[Waits]:
    """Sample the sessions of `database` until the block ends; the figures fill in as it goes."""
    url = make_url(admin_url)
    engine = create_engine(url.set(database=url.database or "postgres"), pool_size=1)
    waits = Waits()
    stop = threading.Event()

    def sample() -> None:
        with engine.connect() as connection:
            while not stop.wait(INTERVAL):
                rows = connection.execute(_QUERY, {"name": database}).all()
                connection.rollback()  # each sample its own snapshot of the statistics
                waits.samples += 1
                waits.counts.update(_state(*row) for row in rows)

    thread = threading.Thread(target=sample, name="load-waits", daemon=True)
    thread.start()
    try:
        yield waits
    finally:
        stop.set()
        thread.join()
        engine.dispose()
