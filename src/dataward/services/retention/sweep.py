"""The retention sweep: each tenant's calls past its call retention deleted, then its callers
left without a call crypto-shredded, and its quarantined lines kept as long emptied; then the
closed rights requests past the rights-records rule deleted, our own subjects whose
customer-records rule has run out crypto-shredded, the withdrawn consent ledgers past the
marketing-preferences rule deleted (`consents`), the marketing bases and campaign sends past
the same rule and the disclosure log's entries past the disclosure-log rule deleted record by
record (`records`), the expired download links deleted with their
sealed packages (`downloads`), the suppression entries looked at (`suppressions`: nothing ends
one yet), and last our own contacts (marketing contacts, website visitors) with nothing of
theirs left crypto-shredded (`contacts`), so that one whose last record went earlier in the
sweep goes in it too. In batches, with evidence.

One sweep at a time: it holds a lease (`UnitOfWork.lease`) for its whole run, and a second is
refused (`SweepRunning`) while the first holds it; a sweep that died has no lease left, and one
whose lease ended under it (on PostgreSQL, its connection lost) stops at its next batch, that
batch rolled back (`SweepLeaseLost`, `evidence.holding`), rather than run beside a sweep that
may have begun since. Each
batch is its own transaction: it reads the holds again (a hold placed meanwhile is honoured),
deletes (or erases), and writes the sweep's progress (counts, digest, the oldest date removed,
its heartbeat) together, so a sweep killed at any point has its record say exactly what went.
The next sweep goes on with an interrupted record of the same day and closes one of another
day as interrupted (with its audit entry); a sweep run twice finds nothing more and records
that it ran. A held item (a litigation hold, a restriction that keeps the data, an open rights
request) is never deleted: the calls naming a held subject (a caller, or an agent) stay, and
the held subject stays; the record counts them and the plan lists them.

Erasing a subject is the shred's erasure, many to a transaction (`shredding`). The anonymous
rollups are not touched: reports read the same after a sweep. The day may not be ahead of
today (a plan may look ahead; a sweep may not delete early).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import partial

from dataward.domain.errors import NotFound, OutOfRange
from dataward.domain.retention.sweeps import (
    RetentionRefused,
    SweepRecord,
    SweepRunning,
    SweepState,
    TenantBusy,
)
from dataward.domain.subjects import Subject
from dataward.domain.tenants import Tenant
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.retention import (
    consents,
    contacts,
    customers,
    downloads,
    quarantine,
    records,
    requests,
    suppressions,
)
from dataward.services.retention.evidence import begin, finish, holding, progress, purge
from dataward.services.retention.ports import Scope
from dataward.services.retention.shredding import shred_in_batches
from dataward.services.retention.targets import (
    PARTY_KINDS,
    TenantTargets,
    checked_day,
    holds_of,
    require_retention,
    tenant_targets,
    today_of,
)

BATCH = 5000
MOST_BATCH = 10_000
LEASE = "dataward.retention.sweep"
INGEST_WAIT_S = 30.0
MOST_INGEST_WAIT_S = 3600.0


@dataclass(frozen=True, slots=True)
class SweepRetention:
    """Sweep every tenant and our own records (or `tenant_id`'s calls, callers and lines only)
    as of `as_of` (default today), `batch_size` items to a transaction."""

    as_of: date | None = None
    tenant_id: str | None = None
    batch_size: int = BATCH
    ingest_wait_s: float = INGEST_WAIT_S
    """How long a batch of a tenant's callers waits for the tenant's ingests under way before
    it leaves them for the next sweep (the store's record closed as deferred)."""


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
    if not 0 <= command.ingest_wait_s <= MOST_INGEST_WAIT_S:
        raise OutOfRange("ingest_wait_s", f"seconds from 0 to {MOST_INGEST_WAIT_S:,.0f}")
    with ctx.uow.lease(LEASE) as lease:  # before any transaction: a second sweep waits on none
        if not lease.had:
            raise SweepRunning("another retention sweep is under way: try again once it ends")
        with ctx.uow as uow:
            tenants = sorted(uow.tenants.all(), key=lambda t: t.id)
        if command.tenant_id is not None:
            tenants = [t for t in tenants if t.id == command.tenant_id]
            if not tenants:
                raise NotFound("tenant", command.tenant_id)
        done: list[SweepRecord] = []
        with holding(lease):  # every record written is fenced by the lease (`evidence`)
            for step in _steps(ctx, tenants, command, day):
                done.append(step())
        return done


def _steps(
    ctx: UseCase, tenants: list[Tenant], command: SweepRetention, day: date
) -> list[Callable[[], SweepRecord]]:
    """Each store's sweep, in the order they run."""
    size = command.batch_size
    steps: list[Callable[[], SweepRecord]] = []
    for tenant in tenants:
        targets = tenant_targets(ctx.register, tenant, day)
        steps += [
            partial(_sweep_calls, ctx, targets, size),
            partial(_sweep_callers, ctx, targets, size, command.ingest_wait_s),
            partial(_sweep_quarantine, ctx, targets, size),
        ]
    if command.tenant_id is None:
        steps += [
            partial(_sweep_requests, ctx, day, size),
            partial(_sweep_customers, ctx, day, size),
            partial(consents.sweep_consents, ctx, day, size),
        ]
        steps += [
            partial(records.sweep_records, ctx, store, size)
            for store in records.record_stores(ctx.register, day)
        ]
        steps += [
            partial(downloads.sweep_downloads, ctx, day, size),
            partial(suppressions.sweep_suppressions, ctx, day),
            partial(contacts.sweep_contacts, ctx, day, size),  # last: once their records went
        ]
    return steps


def _scope(uow: UnitOfWork, ctx: UseCase, targets: TenantTargets) -> Scope:
    """The tenant's scope with the holds in force now, read in the caller's transaction, with
    new holds held back until it ends."""
    uow.retention.freeze_holds()
    return targets.scope(holds_of(uow, targets.tenant_id, ctx.clock.now()))


def _sweep_calls(ctx: UseCase, targets: TenantTargets, size: int) -> SweepRecord:
    sweep = begin(ctx, targets.calls)
    while True:
        with ctx.uow as uow:
            scope = _scope(uow, ctx, targets)  # a hold placed meanwhile keeps its calls
            removed = uow.retention.delete_calls(scope, size)
            if not removed.count:
                break
            sweep = progress(sweep, removed, ctx.clock.now())
            uow.retention.save_sweep(sweep)
            uow.commit()
    with ctx.uow as uow:
        held, _each = uow.retention.held_calls(_scope(uow, ctx, targets))
    return finish(ctx, sweep, held)


def _sweep_callers(ctx: UseCase, targets: TenantTargets, size: int, wait_s: float) -> SweepRecord:
    with ctx.uow as uow:
        scope = _scope(uow, ctx, targets)
        candidates = [subject_id for subject_id, _ in uow.retention.parties_due(scope, PARTY_KINDS)]

    def still_due(uow: UnitOfWork, ids: list[str]) -> list[Subject]:
        # again, in the batch's transaction, with the tenant's ingests held off: a call naming
        # one, or a hold on one, may have come meanwhile
        if not uow.retention.exclude_ingests(targets.tenant_id, wait_s):
            raise TenantBusy("an ingest of the tenant outlasted the sweep's wait")
        due = uow.retention.parties_due(_scope(uow, ctx, targets), PARTY_KINDS, among=ids)
        return list(uow.subjects.get_many([subject_id for subject_id, _ in due]).values())

    sweep = begin(ctx, targets.parties)
    state = SweepState.DONE
    try:
        sweep = shred_in_batches(ctx, sweep, candidates, still_due, size)
    except TenantBusy:  # the batches before it are on its record: left for the next sweep
        with ctx.uow as uow:
            sweep = uow.retention.running_sweep(targets.parties) or sweep
        state = SweepState.DEFERRED
    with ctx.uow as uow:
        scope = _scope(uow, ctx, targets)
        unheld = replace(scope, held=frozenset())
        held = len(uow.retention.parties_due(unheld, PARTY_KINDS, among=sorted(scope.held)))
    return finish(ctx, sweep, held, state)


def _sweep_quarantine(ctx: UseCase, targets: TenantTargets, size: int) -> SweepRecord:
    sweep = begin(ctx, targets.quarantine)
    with ctx.uow as uow:
        due, _kept = quarantine.sort_out(uow, _scope(uow, ctx, targets))

    def scope_now(uow: UnitOfWork) -> Scope:
        return _scope(uow, ctx, targets)

    sweep = quarantine.expire_in_batches(ctx, sweep, due, size, scope_now)
    with ctx.uow as uow:
        _due, kept = quarantine.sort_out(uow, _scope(uow, ctx, targets))
    return finish(ctx, sweep, sum(len(lines) for lines in kept.values()))


def _sweep_requests(ctx: UseCase, day: date, size: int) -> SweepRecord:
    records = requests.rights_records(ctx.register, day)
    sweep = begin(ctx, records.target)
    with ctx.uow as uow:
        found = requests.sort_out(uow, ctx.register, records, ctx.clock.now())
    sweep = requests.delete_in_batches(ctx, sweep, records, found.due, size)
    sweep = purge(ctx, sweep, keys=True)
    with ctx.uow as uow:
        held = len(requests.sort_out(uow, ctx.register, records, ctx.clock.now()).held)
    return finish(ctx, sweep, held)


def _sweep_customers(ctx: UseCase, day: date, size: int) -> SweepRecord:
    records = customers.customer_records(ctx.register, day)
    sweep = begin(ctx, records.target)
    with ctx.uow as uow:
        holds = customers.held(records, holds_of(uow, None, ctx.clock.now()))
        listed = uow.retention.own_subjects(records.kinds)
        due, _waiting = customers.sorted_out(uow, ctx.register, records, listed)
    candidates = [subject_id for subject_id, _day in due if subject_id not in holds]
    still_due = customers.still_due(ctx.register, records, ctx.clock)
    sweep = shred_in_batches(ctx, sweep, candidates, still_due, size)
    with ctx.uow as uow:
        holds = customers.held(records, holds_of(uow, None, ctx.clock.now()))
    return finish(ctx, sweep, sum(1 for subject_id, _day in due if subject_id in holds))
