"""A tenant's quarantined lines under its call retention, counted from the UTC day each was kept:
they are call records that could not be read, and are kept no longer than the calls read. A line
naming a held subject stays. An expired line is resolved as `expired` (emptied, its index of the
numbers it could name deleted; its ingest's header row once none of its lines is pending) and
its key destroyed right after the batch commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dataward.domain.retention.sweeps import HeldItem, PlanLine, SweepRecord, Target
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.quarantine.ports import EXPIRED, QuarantinedLine
from dataward.services.retention.evidence import progress
from dataward.services.retention.ports import Removed, Scope


def sort_out(
    uow: UnitOfWork, scope: Scope
) -> tuple[list[QuarantinedLine], dict[str, list[QuarantinedLine]]]:
    """The tenant's pending lines kept before the bound: those to go, and those each held
    subject keeps."""
    old = [line for line in uow.quarantine.lines(scope.tenant_id) if line.created_at < scope.before]
    ids = {line.id for line in old}
    kept: dict[str, list[QuarantinedLine]] = {}
    for subject_id in sorted(scope.held):
        naming = [line for line in uow.quarantine.naming_subject(subject_id) if line.id in ids]
        if naming:
            kept[subject_id] = naming
    held = {line.id for lines in kept.values() for line in lines}
    return [line for line in old if line.id not in held], kept


def plan_line(
    uow: UnitOfWork, target: Target, scope: Scope, holds: dict[str, set[str]]
) -> PlanLine:
    due, kept = sort_out(uow, scope)
    oldest = min((line.created_at.date() for line in due), default=None)
    held = tuple(
        HeldItem(subject_id, tuple(sorted(holds.get(subject_id, ()))), len(lines))
        for subject_id, lines in kept.items()
    )
    return PlanLine(target, len(due), oldest, held)


def expire_in_batches(
    ctx: UseCase,
    sweep: SweepRecord,
    due: Sequence[QuarantinedLine],
    size: int,
    scope_now: Callable[[UnitOfWork], Scope],
) -> SweepRecord:
    """Expire the lines, `size` to a transaction; each batch leaves out a line naming a
    subject held by then (`scope_now`, read in the batch's transaction)."""
    for start in range(0, len(due), size):
        with ctx.uow as uow:
            scope = scope_now(uow)
            now = ctx.clock.now()
            held = {
                line.id for s in sorted(scope.held) for line in uow.quarantine.naming_subject(s)
            }
            wanted = [line.id for line in due[start : start + size] if line.id not in held]
            pending = set(uow.retention.pending_lines(wanted))  # not resolved meanwhile
            batch = [line for line in due[start : start + size] if line.id in pending]
            if not batch:
                continue
            uow.quarantine.resolve([line.id for line in batch], at=now, resolution=EXPIRED)
            oldest = min(line.created_at.date() for line in batch)
            ids = sorted(line.id.to_bytes(8, "big") for line in batch)
            sweep = progress(sweep, Removed.of(ids, oldest), now)
            uow.retention.save_sweep(sweep)
            uow.commit()
        release_line_keys(ctx.uow, ctx.vault)
    return sweep
