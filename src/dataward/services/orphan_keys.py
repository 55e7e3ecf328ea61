"""Keys whose records never landed: made by a process that died before its transaction committed.

Every key made for records of a main-database transaction is named by a key batch whose
process keeps its heartbeat fresh (`services.key_batches`). A batch silent for longer than
`GRACE` is taken for dead: the sweep claims it (from then on it takes no key and no heartbeat,
so a process that was only stalled fails before its commit, `KeyBatchLost`), destroys each of
its keys that names no live record (a subject, a rights request, an ingest's quarantine), keeps
the others (records that did land before the process died), and closes it.

Why a claimed batch is safe to sweep: a process checks its heartbeat once more right before
each commit, so a commit can only follow a heartbeat by the few statements in between, far
less than `GRACE`. A batch silent for `GRACE` therefore has no commit still to come, and a key
that names nothing now never will.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from dataward.domain.clock import Clock
from dataward.services.ports import UnitOfWork

GRACE = timedelta(hours=1)
"""How long a key batch may go without a heartbeat before the sweep takes its process for dead.
An ingest refreshes it every batch of calls (a few thousand calls, well under a second each)."""


class BatchSweep(Protocol):
    """What the sweep needs of the key store (`SqlVault`)."""

    def claim_stale_batches(self, silent_since: datetime) -> list[str]: ...

    def batch_keys(self, batch: str) -> list[str]: ...

    def destroy_keys(self, subject_ids: Sequence[str]) -> int: ...

    def close_batch(self, batch: str) -> None: ...

    def purge_freed_pages(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class OrphanSweep:
    batches: int
    """Batches taken for dead and finished."""
    destroyed: int
    """Their keys that named no live record."""
    kept: int
    """Their keys whose records had landed."""


def destroy_orphan_keys(
    uow: UnitOfWork, keys: BatchSweep, clock: Clock, *, grace: timedelta = GRACE
) -> OrphanSweep:
    """Finish every key batch silent for longer than `grace`: destroy its keys that name no
    live record, keep the rest, close it."""
    batches = keys.claim_stale_batches(clock.now() - grace)
    destroyed = kept = 0
    for batch in batches:
        made = keys.batch_keys(batch)
        with uow:
            owned = uow.key_owners.owned(made)
        orphans = [key for key in made if key not in owned]
        destroyed += keys.destroy_keys(orphans) if orphans else 0
        kept += len(made) - len(orphans)
        keys.close_batch(batch)
    if destroyed:
        keys.purge_freed_pages()
    return OrphanSweep(batches=len(batches), destroyed=destroyed, kept=kept)
