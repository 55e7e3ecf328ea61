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

from dataward.domain.breaches.assessment import Nature
from dataward.domain.breaches.deadline import check_moment, controller_deadline
from dataward.domain.breaches.model import (
    MAX_TENANTS,
    Breach,
    BreachEvent,
    BreachRefused,
    ControllerNotice,
    Facts,
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
        added = len(changed.controllers) - len(breach.controllers)
        if not parts and not added:
            return breach
        saved = uow.breaches.save(changed)
        step(ctx, saved, BreachEvent.UPDATED, {"changed": parts, "tenants_added": added})
        uow.commit()
    return saved


def close_breach(ctx: UseCase, wanted: UUID | str) -> Breach:
    """Close a breach once nothing about it is owed: it was assessed, reported if it had to
    be, and every tenant told."""
    may_manage(ctx)
    with ctx.uow as uow:
        breach = open_breach(ctx, wanted)
        if breach.assessment is None:
            raise BreachRefused("assess the breach before closing it")
        if breach.must_report and not breach.reports:
            raise BreachRefused("report it to the ICO before closing it")
        if any(c.queued_at is None for c in breach.controllers):
            raise BreachRefused("tell every tenant it reached before closing it")
        saved = uow.breaches.save(replace(breach, closed_at=ctx.clock.now()))
        step(ctx, saved, BreachEvent.CLOSED, {})
        uow.commit()
    return saved
