"""The retention sweep: each tenant's calls past its call retention deleted, then its callers
left without a call crypto-shredded, and its quarantined lines kept as long emptied; then the
closed rights requests past the rights-records rule deleted, and our own subjects whose
customer-records rule has run out crypto-shredded. In batches, with evidence.

Each batch is its own transaction: it deletes (or erases) and writes the sweep's progress
(counts, digest, the oldest date removed) together, so a sweep killed at any point has its
record say exactly what went. The next sweep of the same rule, store, tenant and day goes on
with that record; a sweep run twice finds nothing more to do and records that it ran. A held
item (a litigation hold, a restriction for legal claims, an open rights request: the holds in
force when the sweep of that tenant starts) is never deleted: the calls naming a held subject
stay, and the held subject stays; the record counts them and the plan lists them.

Erasing a subject is the shred's erasure, many to a transaction (`shredding`). The anonymous
rollups are not touched: reports read the same after a sweep. The day may not be ahead of
today (a plan may look ahead; a sweep may not delete early).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dataward.domain.errors import OutOfRange
from dataward.domain.retention.sweeps import RetentionRefused, SweepRecord, Target
from dataward.domain.subjects import Subject
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.retention import customers, quarantine, requests
from dataward.services.retention.evidence import begin, finish, progress
from dataward.services.retention.ports import Scope
from dataward.services.retention.shredding import shred_in_batches
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
    """Sweep every tenant and our own records (or `tenant_id`'s calls and callers only) as of
    `as_of` (default today), `batch_size` items to a transaction."""

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
    size = command.batch_size
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
        done.append(_sweep_calls(ctx, targets.calls, scope, size))
        done.append(_sweep_callers(ctx, targets.parties, scope, size))
        done.append(_sweep_quarantine(ctx, targets.quarantine, scope, size))
    if command.tenant_id is None:
        done.append(_sweep_requests(ctx, day, size))
        done.append(_sweep_customers(ctx, day, size))
    return done


def _sweep_quarantine(ctx: UseCase, target: Target, scope: Scope, size: int) -> SweepRecord:
    with ctx.uow as uow:
        due, kept = quarantine.sort_out(uow, scope)
    sweep = quarantine.expire_in_batches(ctx, begin(ctx, target), due, size)
    return finish(ctx, sweep, sum(len(lines) for lines in kept.values()))


def _sweep_requests(ctx: UseCase, day: date, size: int) -> SweepRecord:
    records = requests.rights_records(ctx.register, day)
    with ctx.uow as uow:
        found = requests.sort_out(uow, ctx.register, records)
    sweep = requests.delete_in_batches(ctx, begin(ctx, records.target), found.due, size)
    if sweep.removed:
        ctx.vault.purge_freed_pages()
        ctx.uow.purge_freed_pages()
    return finish(ctx, sweep, len(found.held))


def _sweep_calls(ctx: UseCase, target: Target, scope: Scope, size: int) -> SweepRecord:
    with ctx.uow as uow:
        held = sum(uow.retention.held_calls(scope).values())
    sweep = begin(ctx, target)
    while True:
        with ctx.uow as uow:
            removed = uow.retention.delete_calls(scope, size)
            if not removed.ids:
                break
            sweep = progress(sweep, removed)
            uow.retention.save_sweep(sweep)
            uow.commit()
    return finish(ctx, sweep, held)


def _sweep_callers(ctx: UseCase, target: Target, scope: Scope, size: int) -> SweepRecord:
    with ctx.uow as uow:
        candidates = [subject_id for subject_id, _ in uow.retention.parties_due(scope, PARTY_KINDS)]
        unheld = scope.unheld()
        held = len(uow.retention.parties_due(unheld, PARTY_KINDS, among=sorted(scope.held)))

    def still_due(uow: UnitOfWork, ids: list[str]) -> list[Subject]:
        # again, in the batch's transaction: a call naming one may have come meanwhile
        due = uow.retention.parties_due(scope, PARTY_KINDS, among=ids)
        return list(uow.subjects.get_many([subject_id for subject_id, _ in due]).values())

    sweep = shred_in_batches(ctx, begin(ctx, target), candidates, still_due, size)
    return finish(ctx, sweep, held)


def _sweep_customers(ctx: UseCase, day: date, size: int) -> SweepRecord:
    records = customers.customer_records(ctx.register, day)
    with ctx.uow as uow:
        holds = uow.retention.held_subjects(None, ctx.clock.now())
        listed = uow.retention.own_subjects(records.kinds)
    due, _waiting = customers.sorted_out(ctx.register, records, listed)
    candidates = [subject_id for subject_id, _day in due if subject_id not in holds]
    held = len(due) - len(candidates)
    still_due = customers.still_due(ctx.register, records, holds)
    sweep = shred_in_batches(ctx, begin(ctx, records.target), candidates, still_due, size)
    return finish(ctx, sweep, held)
