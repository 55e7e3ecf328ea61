"""Subjects a rule lets go, crypto-shredded many to a transaction.

Each batch checks its subjects again in its own transaction (`still_due`: a call, a new
relationship date or an erasure may have come since they were listed), erases each as a shred
does (`subjects.erase`: every store's unlink step and a tombstone, reason `no_longer_needed`),
advances the sweep's record, lists the keys to destroy (the subjects' and their download
links', read before the erase deletes the links: `services.keys.doomed`) and commits; the keys
are destroyed right after. A sweep killed after a commit leaves those keys listed, and
`dataward keys sweep` destroys them (`finish_erasures`), as after an interrupted shred.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC

from dataward.domain.retention.sweeps import SweepRecord
from dataward.domain.subjects import ErasureReason, Subject
from dataward.services.context import UseCase
from dataward.services.keys.doomed import destroy_doomed, doom
from dataward.services.ports import UnitOfWork
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.retention.evidence import progress, purge
from dataward.services.retention.ports import Removed

StillDue = Callable[[UnitOfWork, list[str]], list[Subject]]


def shred_in_batches(
    ctx: UseCase, sweep: SweepRecord, candidates: Sequence[str], still_due: StillDue, size: int
) -> SweepRecord:
    """Shred `candidates` that are `still_due`, `size` to a transaction; the record after.
    Each batch's tombstones carry the batch's own time, so an ingest that began before it
    unlinks the subjects it erased (`CallWriter.finish`)."""
    ids: list[str] = []
    for start in range(0, len(candidates), size):
        with ctx.uow as uow:
            due = still_due(uow, list(candidates[start : start + size]))
            if not due:
                continue
            now = ctx.clock.now()
            links = list(uow.downloads.of_subjects([str(subject.id) for subject in due]))
            for subject in due:
                uow.subjects.erase(
                    subject, at=now, reason=ErasureReason.NO_LONGER_NEEDED.value, request_ref=None
                )
            ids = sorted(str(subject.id) for subject in due)
            oldest = min((s.created_at.astimezone(UTC).date() for s in due), default=None)
            removed = Removed.of([uuid.UUID(i).bytes for i in ids], oldest)
            sweep = progress(sweep, removed, now)
            uow.retention.save_sweep(sweep)
            doomed = doom(uow, [*ids, *links], now)
            uow.commit()
        destroy_doomed(ctx.uow, ctx.vault, doomed)
    release_line_keys(ctx.uow, ctx.vault)  # the quarantined lines that named them
    return purge(ctx, sweep, keys=True)
