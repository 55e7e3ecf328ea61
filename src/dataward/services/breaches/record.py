"""Recording a breach, completing its facts as they come to light, and closing it.

Every suspected breach is recorded, reported or not (Art. 33(5)); the moment we became aware
starts the 72 hours. Each tenant named is a controller whose data the breach reached: it is
owed a notice within its contract's hours, whatever the assessment (Art. 33(2)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID, uuid4

from dataward.domain.breaches.assessment import Nature, Outcome
from dataward.domain.breaches.deadline import check_moment, controller_deadline
from dataward.domain.breaches.model import (
    MAX_TENANTS,
    Breach,
    BreachEvent,
    BreachRefused,
    ControllerNotice,
    Facts,
    FactsVersion,
)
from dataward.domain.errors import NotFound
from dataward.services.breaches.common import may_manage, open_breach, step
from dataward.services.context import UseCase


@dataclass(frozen=True, slots=True)
class NewBreach:
    aware_at: datetime
    natures: frozenset[Nature]
    facts: Facts = field(repr=False)
    tenants: tuple[str, ...] = ()
    own_data: bool | None = None
    """Whether it reached data we control; by default, exactly when no tenant is named."""


def record_breach(ctx: UseCase, command: NewBreach) -> Breach:
    """Record a breach; each tenant named must exist, and is owed its notice."""
    may_manage(ctx)
    now = ctx.clock.now()
    aware_at = check_moment("aware_at", command.aware_at, now=now)
    if not command.natures:
        raise BreachRefused("nature: name at least one (confidentiality, integrity, availability)")
    if len(set(command.tenants)) > MAX_TENANTS:
        raise BreachRefused(f"tenant: at most {MAX_TENANTS}")
    facts = command.facts.checked()
    with ctx.uow as uow:
        breach = Breach(
            id=uuid4(),
            aware_at=aware_at,
            recorded_at=now,
            recorded_by=ctx.actor.id,
            natures=command.natures,
            facts=facts,
            own_data=not command.tenants if command.own_data is None else command.own_data,
        )
        breach = with_tenants(ctx, breach, command.tenants)
        uow.breaches.add(breach)
        step(
            ctx,
            breach,
            BreachEvent.RECORDED,
            {
                "natures": sorted(n.value for n in breach.natures),
                "tenants": len(breach.controllers),
                "own_data": breach.own_data,
            },
        )
        uow.commit()
    return breach


def with_tenants(ctx: UseCase, breach: Breach, tenants: Sequence[str]) -> Breach:
    """`breach` owing a notice to each of `tenants` not owed one yet (inside `with uow`)."""
    for tenant_id in sorted(set(tenants) - set(breach.tenants())):
        tenant = ctx.uow.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound("tenant", tenant_id)
        due = controller_deadline(breach.aware_at, tenant.breach_notice_hours)
        breach = breach.with_controller(ControllerNotice(tenant.id, due))
    return breach


@dataclass(frozen=True, slots=True)
class FactsChange:
    """What the DCO adds or corrects; None leaves a part as it is."""

    description: str | None = field(default=None, repr=False)
    consequences: str | None = field(default=None, repr=False)
    measures: str | None = field(default=None, repr=False)
    delay_reason: str | None = field(default=None, repr=False)
    tenants: tuple[str, ...] = ()
    told_another_way: tuple[str, ...] = ()
    """Tenants the DCO told by other means (a call, the customer's portal), now."""
    own_data: bool | None = None


def update_breach(ctx: UseCase, wanted: UUID | str, change: FactsChange) -> Breach:
    """Complete or correct a breach's facts, or name more tenants it reached."""
    may_manage(ctx)
    with ctx.uow as uow:
        breach = open_breach(ctx, wanted)
        old = breach.facts
        facts = Facts(
            description=old.description if change.description is None else change.description,
            consequences=old.consequences if change.consequences is None else change.consequences,
            measures=old.measures if change.measures is None else change.measures,
            delay_reason=old.delay_reason if change.delay_reason is None else change.delay_reason,
        ).checked()
        changed = with_tenants(ctx, replace(breach, facts=facts), change.tenants)
        parts = [
            name
            for name in ("description", "consequences", "measures", "delay_reason")
            if getattr(facts, name) != getattr(old, name)
        ]
        if parts:
            kept = FactsVersion(old, ctx.clock.now(), ctx.actor.id)
            changed = replace(changed, earlier_facts=(*breach.earlier_facts, kept))
        if change.own_data is not None and change.own_data != breach.own_data:
            changed = replace(changed, own_data=change.own_data)
            parts.append("own_data")
        changed, told = _told_another_way(ctx, changed, change.told_another_way)
        added = len(changed.controllers) - len(breach.controllers)
        if not parts and not added and not told:
            return breach
        saved = uow.breaches.save(changed)
        details = {"changed": parts, "tenants_added": added, "told_another_way": told}
        step(ctx, saved, BreachEvent.UPDATED, details)
        uow.commit()
    return saved


def _told_another_way(ctx: UseCase, breach: Breach, tenants: Sequence[str]) -> tuple[Breach, int]:
    owed = {c.tenant_id: c for c in breach.controllers}
    for tenant_id in tenants:
        if tenant_id not in owed:
            raise BreachRefused("told_another_way: a tenant the breach reached")
        notice = owed[tenant_id]
        if notice.sent_at is None:
            breach = breach.with_controller(
                replace(notice, sent_at=ctx.clock.now(), another_way=True)
            )
    return breach, sum(1 for t in set(tenants) if owed[t].sent_at is None)


def close_breach(ctx: UseCase, wanted: UUID | str) -> Breach:
    """Close a breach once nothing about it is owed: assessed; its consequences and measures
    recorded (Art. 33(5)); reported if it had to be; the people told if the risk to them is
    high; and every tenant told, its notice sent (a queued one may still be withheld)."""
    may_manage(ctx)
    with ctx.uow as uow:
        breach = open_breach(ctx, wanted)
        owed = _still_owed(breach)
        if owed:
            raise BreachRefused(f"before closing it: {owed}")
        saved = uow.breaches.save(replace(breach, closed_at=ctx.clock.now()))
        step(ctx, saved, BreachEvent.CLOSED, {})
        uow.commit()
    return saved


def _still_owed(breach: Breach) -> str | None:
    if breach.assessment is None:
        return "assess it"
    if breach.facts.consequences is None or breach.facts.measures is None:
        return "record its consequences and the measures taken (Art. 33(5))"
    if breach.must_report and not breach.reports:
        return "report it to the ICO"
    if breach.own_data and breach.outcome is Outcome.TELL_PEOPLE and breach.people_queued is None:
        return "tell the people at high risk (Art. 34)"
    if any(c.sent_at is None for c in breach.controllers):
        return "tell every tenant it reached (a notice sent, or told another way)"
    return None
