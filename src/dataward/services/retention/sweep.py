"""The retention sweep: each tenant's calls past its call retention deleted, then the callers
left without a call crypto-shredded; in batches, with evidence.

Each batch is its own transaction: it deletes (or erases) and writes the sweep's progress
(counts, digest, the oldest date removed) together, so a sweep killed at any point has its
record say exactly what went. The next sweep of the same rule, store, tenant and day goes on
with that record; a sweep run twice finds nothing more to do and records that it ran. A held
item (a litigation hold, a restriction for legal claims, an open rights request: the holds in
force when the sweep starts) is never deleted: the calls naming a held subject stay, and the
held subject stays; the record counts them and the plan lists them.

Erasing a party is the shred's erasure (`subjects.erase`: every store's unlink step and a
tombstone, reason `no_longer_needed`), many to a transaction; their keys are destroyed right
after each commit, and a sweep killed in between leaves only keys, which `dataward keys sweep`
destroys (`finish_erasures`). The anonymous rollups are not touched: reports read the same
after a sweep. The day may not be ahead of today (a plan may look ahead; a sweep may not
delete early).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date

from dataward.domain.audit import AuditAction
from dataward.domain.errors import OutOfRange
from dataward.domain.retention.sweeps import (
    RetentionRefused,
    SweepRecord,
    SweepState,
    Target,
    chain_digest,
    earliest,
)
from dataward.domain.subjects import ErasureReason
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.retention.ports import Removed, Scope
from dataward.services.retention.targets import (
    PARTY_KINDS,
    checked_day,
    require_retention,
    tenant_targets,
    today_of,
)

BATCH = 5000
MOST_BATCH = 100_000


@dataclass(frozen=True, slots=True)
class SweepRetention:
    """Sweep every tenant (or `tenant_id` only) as of `as_of` (default today), `batch_size`
    items to a transaction."""

    as_of: date | None = None
    tenant_id: str | None = None
    batch_size: int = BATCH


def sweep_retention(ctx: UseCase, command: SweepRetention) -> list[SweepRecord]:
    """Sweep; the evidence of each target swept, in the order swept."""
    require_retention(ctx)
    today = today_of(ctx)
    day = checked_day(command.as_of or today)
    if day > today:
        raise RetentionRefused(
            "a sweep cannot run as of a day after today (it would delete early): "
            "a plan can look ahead"
        )
    if not 1 <= command.batch_size <= MOST_BATCH:
        raise OutOfRange("batch_size", f"a whole number from 1 to {MOST_BATCH:,}")
    with ctx.uow as uow:
        tenants = sorted(uow.tenants.all(), key=lambda t: t.id)
    if command.tenant_id is not None:
        tenants = [t for t in tenants if t.id == command.tenant_id]
    done: list[SweepRecord] = []
    for tenant in tenants:
        targets = tenant_targets(ctx.register, tenant, day)
        with ctx.uow as uow:
            holds = uow.retention.held_subjects(tenant.id, ctx.clock.now())
        scope = targets.scope(frozenset(holds))
        done.append(_sweep_calls(ctx, targets.calls, scope, command.batch_size))
        done.append(_sweep_parties(ctx, targets.parties, scope, command.batch_size))
    return done


def _sweep_calls(ctx: UseCase, target: Target, scope: Scope, size: int) -> SweepRecord:
    with ctx.uow as uow:
        held = sum(uow.retention.held_calls(scope).values())
    sweep = _begin(ctx, target)
    while True:
        with ctx.uow as uow:
            removed = uow.retention.delete_calls(scope, size)
            if not removed.ids:
                break
            sweep = _progress(sweep, removed)
            uow.retention.save_sweep(sweep)
            uow.commit()
    return _finish(ctx, sweep, held)


def _sweep_parties(ctx: UseCase, target: Target, scope: Scope, size: int) -> SweepRecord:
    unheld = scope.unheld()
    with ctx.uow as uow:
        candidates = [subject_id for subject_id, _ in uow.retention.parties_due(scope, PARTY_KINDS)]
        held = len(uow.retention.parties_due(unheld, PARTY_KINDS, among=sorted(scope.held)))
    sweep = _begin(ctx, target)
    now = ctx.clock.now()
    for start in range(0, len(candidates), size):
        with ctx.uow as uow:
            due = uow.retention.parties_due(
                scope, PARTY_KINDS, among=candidates[start : start + size]
            )  # again, in the batch's transaction: a call may have come meanwhile
            found = uow.subjects.get_many([subject_id for subject_id, _ in due])
            for subject in found.values():
                uow.subjects.erase(
                    subject, at=now, reason=ErasureReason.NO_LONGER_NEEDED.value, request_ref=None
                )
            oldest = min(
                (s.created_at.astimezone(UTC).date() for s in found.values()), default=None
            )
            ids = sorted(found)
            sweep = _progress(sweep, Removed([uuid.UUID(i).bytes for i in ids], oldest))
            uow.retention.save_sweep(sweep)
            uow.commit()
        ctx.vault.destroy_keys(ids)
    release_line_keys(ctx.uow, ctx.vault)  # the quarantined lines that named them
    if sweep.removed:
        ctx.vault.purge_freed_pages()
        ctx.uow.purge_freed_pages()
    return _finish(ctx, sweep, held)


def _begin(ctx: UseCase, target: Target) -> SweepRecord:
    """The target's interrupted sweep, to go on with; or a new one."""
    with ctx.uow as uow:
        sweep = uow.retention.running_sweep(target)
        if sweep is None:
            sweep = uow.retention.start_sweep(target, ctx.actor.id, ctx.clock.now())
        uow.commit()
    return sweep


def _progress(sweep: SweepRecord, removed: Removed) -> SweepRecord:
    return replace(
        sweep,
        removed=sweep.removed + len(removed.ids),
        batches=sweep.batches + 1,
        oldest=earliest(sweep.oldest, removed.oldest),
        digest=chain_digest(sweep.digest, removed.ids),
    )


def _finish(ctx: UseCase, sweep: SweepRecord, held: int) -> SweepRecord:
    """The record closed, and its audit entry, in one transaction."""
    done = replace(sweep, state=SweepState.DONE, finished_at=ctx.clock.now(), held=held)
    target = done.target
    with ctx.uow as uow:
        uow.retention.save_sweep(done)
        record(
            uow,
            ctx.clock,
            ctx.actor,
            Audited(
                AuditAction.RETENTION_SWEPT,
                details={
                    "sweep": done.id,
                    "rule": target.rule,
                    "store": target.store.value,
                    "tenant": target.tenant_id,
                    "as_of": target.as_of.isoformat(),
                    "retention": target.retention,
                    "kept_from": target.kept_from.isoformat(),
                    "oldest": done.oldest.isoformat() if done.oldest else "",
                    "removed": done.removed,
                    "held": done.held,
                    "batches": done.batches,
                    "digest": done.digest,
                },
            ),
        )
        uow.commit()
    return done
