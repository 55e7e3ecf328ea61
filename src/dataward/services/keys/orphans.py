"""Keys whose records never landed: made by a process that died before its transaction committed.

Every key made for records of a main-database transaction is named by a key batch
(`services.keys.batches`). The sweep settles a batch in three steps:

1. It claims the batch in the key store once its heartbeat is older than `GRACE`. A claimed
   batch takes no more keys and no more heartbeats, and a transaction of it that has not yet
   committed finds it claimed in the check it makes right before its commit (`KeyBatchLost`).
2. In a transaction of the main database it takes the batch's fence (`KeyOwnerRepository.
   fence`), without waiting: if a transaction that may own keys of the batch is under way, the
   batch is skipped this round and stays claimed.
3. Holding the fence, it reads which of the batch's keys name a live record (a subject, a
   rights request, an ingest's quarantine), destroys the others and closes the batch.

Why that is safe whatever the clocks say: while the sweep holds the fence no transaction of
the batch is under way, so every one that began before has committed (its owners are read in
step 3) or rolled back (its records never exist), and any that begins later waits for the fence
and then finds the batch claimed before it commits. A key without an owner at step 3 can
therefore never gain one. `GRACE` and the heartbeat only decide when a silent batch is claimed:
too soon (a stalled process, a writer's clock behind the sweeper's) makes that process fail
cleanly, to be retried; they never decide whether data is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from dataward.domain.clock import Clock
from dataward.services.ports import UnitOfWork

GRACE = timedelta(hours=1)
"""How long a key batch may go without a heartbeat before the sweep claims it: its process is
then taken for dead, and fails should it be only stalled. An ingest refreshes it every batch
of calls (a few thousand calls, well under a second each)."""


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
    """Batches claimed and finished."""
    destroyed: int
    """Their keys that named no live record."""
    kept: int
    """Their keys whose records had landed."""
    busy: int = 0
    """Batches claimed but left to a later round: a transaction that may own their keys was
    still under way (it will fail before its commit, or has committed)."""


def destroy_orphan_keys(
    uow: UnitOfWork, keys: BatchSweep, clock: Clock, *, grace: timedelta = GRACE
) -> OrphanSweep:
    """Claim every key batch silent for longer than `grace`; finish each whose fence is free:
    destroy its keys that name no live record, keep the rest, close it. Best run with a
    read-only unit of work: the fence takes whatever lock it needs itself."""
    claimed = keys.claim_stale_batches(clock.now() - grace)
    finished = destroyed = kept = 0
    for batch in claimed:
        with uow:
            if not uow.key_owners.fence(batch):
                continue
            made = keys.batch_keys(batch)
            owned = uow.key_owners.owned(made)
            orphans = [key for key in made if key not in owned]
            destroyed += keys.destroy_keys(orphans) if orphans else 0
            kept += len(made) - len(orphans)
            keys.close_batch(batch)
            finished += 1
    if destroyed:
        keys.purge_freed_pages()
    return OrphanSweep(
        batches=finished, destroyed=destroyed, kept=kept, busy=len(claimed) - finished
    )
