"""The key sweep: finish what erasures and dead processes left in the key store.

One use case, run by `dataward keys sweep` (and by the scheduler later), in steps that each
commit on their own on purpose: a key is destroyed in the key store, outside the main
database's transaction, only after the change that makes it unneeded has committed.

1. Key batches of processes that died before their records landed (`orphans`), each under its
   fence, read in a unit of work that only reads (the fence takes the lock it needs).
2. Erasures a legal hold delayed, whose hold has ended (`rights.erasure_holds`).
3. Keys still held for an erased subject, still listed for destruction (`keys.doomed`: a shred,
   sweep or link whose process died after its commit) or of a resolved quarantined line.
4. Erased-number entries past their retention.

It needs `run_maintenance` (every tenant's data at once) and `erase_subjects` (held erasures
are shredded).
"""

from __future__ import annotations

from dataclasses import dataclass

from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.services.context import UseCase
from dataward.services.keys.orphans import BatchSweep, OrphanSweep, destroy_orphan_keys
from dataward.services.processing.erased_numbers import expire_erased_numbers
from dataward.services.processing.erasure import finish_erasures
from dataward.services.rights.erasure_holds import HeldErasures, finish_held_erasures


@dataclass(frozen=True, slots=True)
class KeySweep:
    orphans: OrphanSweep
    held: HeldErasures
    destroyed: int
    """Left-over keys of erased subjects, of deleted links and requests (still listed for
    destruction) and of resolved quarantined lines destroyed."""
    expired: int
    """Erased-number entries past their retention deleted."""
    purged: bool
    """Whether the main database's freed pages (and write-ahead log) were purged."""


def sweep_keys(ctx: UseCase, reading: UseCase, keys: BatchSweep) -> KeySweep:
    """Run every step of the sweep (see the module); `reading` is the same actor's use case in a
    unit of work that only reads, `keys` the key store's batches."""
    require(ctx.register, ctx.actor, StaffAction.RUN_MAINTENANCE)
    require(ctx.register, ctx.actor, StaffAction.ERASE_SUBJECTS)
    orphans = destroy_orphan_keys(reading.uow, keys, ctx.clock)
    held = finish_held_erasures(ctx)
    destroyed = finish_erasures(ctx.uow, ctx.vault)
    expired = expire_erased_numbers(ctx.uow, ctx.clock)
    purged = ctx.uow.purge_freed_pages()
    return KeySweep(orphans, held, destroyed, expired, purged)
