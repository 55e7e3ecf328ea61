"""A retention plan: a dry run of the sweep, changing nothing.

For each tenant and store (and our own stores: rights requests, customer records, consent
records, marketing bases, campaign sends, disclosures, download links, suppression entries,
contacts): how many items the rule lets go on
the day, the date of the oldest (a customer record's: the day it became due; a contact's: the
day we came to hold it), how many wait for an event (and why), and what a hold keeps (each
held subject's pseudonymous id, its holds, and how many items it keeps). The holds are those
in force now; the day may be any day, ahead of today included, to see what a sweep would take
then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date

from dataward.domain.retention.sweeps import HeldItem, PlanLine
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
from dataward.services.retention.targets import (
    PARTY_KINDS,
    TenantTargets,
    checked_day,
    holds_of,
    require_retention,
    tenant_targets,
    today_of,
)


@dataclass(frozen=True, slots=True)
class RetentionPlan:
    as_of: date
    lines: tuple[PlanLine, ...]


def retention_plan(ctx: UseCase, as_of: date | None = None) -> RetentionPlan:
    """What a sweep on `as_of` (default today) would remove and keep, store by store."""
    require_retention(ctx)
    day = checked_day(as_of or today_of(ctx))
    lines: list[PlanLine] = []
    with ctx.uow as uow:
        for tenant in sorted(uow.tenants.all(), key=lambda t: t.id):
            targets = tenant_targets(ctx.register, tenant, day)
            holds = holds_of(uow, tenant.id, ctx.clock.now())
            lines += plan_lines(uow, targets, holds)
            scope = targets.scope(frozenset(holds))
            lines.append(quarantine.plan_line(uow, targets.quarantine, scope, holds))
        rights = requests.rights_records(ctx.register, day)
        lines.append(requests.plan_line(uow, ctx.register, rights, ctx.clock.now()))
        ours = holds_of(uow, None, ctx.clock.now())
        records = customers.customer_records(ctx.register, day)
        lines.append(customers.plan_line(uow, ctx.register, records, ours))
        lines += _our_other_lines(uow, ctx, day)
    return RetentionPlan(day, tuple(lines))


def _our_other_lines(uow: UnitOfWork, ctx: UseCase, day: date) -> list[PlanLine]:
    """Our consent records, marketing bases, campaign sends and disclosures, the expired
    download links, the suppression entries, and our contacts with nothing of theirs left."""
    now = ctx.clock.now()
    consent = consents.consent_records(ctx.register, day)
    links = downloads.download_links(ctx.register, day)
    suppression = suppressions.suppression_digests(ctx.register, day)
    return [
        consents.plan_line(uow, consent, now),
        *(records.plan_line(uow, store, now) for store in records.record_stores(ctx.register, day)),
        downloads.plan_line(uow, links, now),
        suppressions.plan_line(uow, suppression),
        contacts.plan_line(uow, contacts.contact_records(ctx.register, day), now),
    ]


def plan_lines(
    uow: UnitOfWork, targets: TenantTargets, holds: Mapping[str, set[str]]
) -> tuple[PlanLine, PlanLine]:
    """The tenant's two lines: its calls, and its parties left without a call."""
    scope = targets.scope(frozenset(holds))
    due = uow.retention.calls_due(scope)
    _total, kept = uow.retention.held_calls(scope)
    calls = PlanLine(targets.calls, due.count, due.oldest, _held(holds, kept))
    parties = uow.retention.parties_due(scope, PARTY_KINDS)
    unheld = replace(scope, held=frozenset())  # which held ones would go, but for the hold
    kept_parties = uow.retention.parties_due(unheld, PARTY_KINDS, among=sorted(holds))
    oldest = min((created.astimezone(UTC).date() for _id, created in parties), default=None)
    return calls, PlanLine(
        targets.parties,
        len(parties),
        oldest,
        _held(holds, {subject_id: 1 for subject_id, _created in kept_parties}),
    )


def _held(holds: Mapping[str, set[str]], kept: Mapping[str, int]) -> tuple[HeldItem, ...]:
    """Each held subject that keeps something, with its holds and how much it keeps."""
    return tuple(
        HeldItem(subject_id, tuple(sorted(holds.get(subject_id, ()))), count)
        for subject_id, count in sorted(kept.items())
        if count
    )
