"""Judging a breach's risk (Art. 33(1), 34(1)) and counting who it reached (Art. 33(3)(a)).

An assessment may be made again as facts come to light; each is kept in the decision trail.
The count of a scope (a tenant, or our own data, and a window) is made in the database and
kept on the breach by its numbers only; counting the same scope again replaces its figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from uuid import UUID

from dataward.domain.breaches.affected import AffectedScope, check_scope
from dataward.domain.breaches.assessment import (
    Factors,
    Likelihood,
    Severity,
    assess,
    check_factors,
)
from dataward.domain.breaches.model import (
    Assessment,
    Breach,
    BreachEvent,
    BreachRefused,
    CountedScope,
)
from dataward.domain.errors import NotFound
from dataward.services.breaches.common import may_manage, open_breach, step
from dataward.services.breaches.record import with_tenants
from dataward.services.context import UseCase


@dataclass(frozen=True, slots=True)
class Judgement:
    """The DCO's judgement; the people and the categories default to those counted."""

    likelihood: Likelihood
    severity: Severity
    reasoning: str = field(repr=False)
    unintelligible: bool = False
    people: int | None = None
    categories: frozenset[str] = frozenset()
    records: int | None = None
    """The DCO's estimate of the records, for what no store counts."""


def assess_breach(ctx: UseCase, wanted: UUID | str, judgement: Judgement) -> Breach:
    """Record the DCO's judgement and the outcome it leads to (not reportable, report to the
    ICO, or tell the people too), with the reason for each step."""
    may_manage(ctx)
    known = [c.key for c in ctx.register.categories]
    with ctx.uow as uow:
        breach = open_breach(ctx, wanted)
        people = breach.people() if judgement.people is None else judgement.people
        if people is None:
            raise BreachRefused(
                "people: give how many, approximately, or count them (breaches affected)"
            )
        factors = Factors(
            likelihood=judgement.likelihood,
            severity=judgement.severity,
            categories=judgement.categories or breach.categories(),
            people=people,
            unintelligible=judgement.unintelligible,
            reasoning=judgement.reasoning.strip(),
            records=judgement.records,
        )
        check_factors(factors, breach.natures, known)
        decision = assess(factors)
        assessment = Assessment(factors, decision, ctx.clock.now(), ctx.actor.id)
        earlier = breach.earlier_assessments
        if breach.assessment is not None:  # each judgement is kept (Art. 33(5))
            earlier = (*earlier, breach.assessment)
        changed = replace(breach, assessment=assessment, earlier_assessments=earlier)
        saved = uow.breaches.save(changed)
        details = {
            "outcome": decision.outcome.value,
            "risk": decision.risk,
            "likelihood": decision.likelihood.name.lower(),
            "severity": decision.severity.name.lower(),
        }
        step(ctx, saved, BreachEvent.ASSESSED, details)
        uow.commit()
    return saved


def count_affected(ctx: UseCase, wanted: UUID | str, scope: AffectedScope) -> CountedScope:
    """Count the people and records a breach reached in `scope`, from the data, and keep the
    figures on the breach (a tenant counted becomes one the breach reached)."""
    may_manage(ctx)
    now = ctx.clock.now()
    check_scope(scope, now)
    with ctx.uow as uow:
        breach = open_breach(ctx, wanted)
        if scope.tenant_id is not None and uow.tenants.get(scope.tenant_id) is None:
            raise NotFound("tenant", scope.tenant_id)
        counted = CountedScope(scope, uow.breach_data.count(scope), now)
        kept = tuple(
            s
            for s in breach.scopes
            if (s.scope.tenant_id, s.scope.start, s.scope.end, s.scope.categories, s.scope.held)
            != (scope.tenant_id, scope.start, scope.end, scope.categories, scope.held)
        )
        changed = replace(breach, scopes=(*kept, counted))
        if scope.tenant_id is not None and scope.tenant_id not in breach.tenants():
            changed = with_tenants(ctx, changed, [scope.tenant_id])
        if scope.tenant_id is None:  # our own data counted: ours to report and to tell
            changed = replace(changed, own_data=True)
        saved = uow.breaches.save(changed)
        step(
            ctx,
            saved,
            BreachEvent.COUNTED,
            {
                "tenant": scope.tenant_id,
                "people": counted.count.people,
                "records": counted.count.records,
            },
        )
        uow.commit()
    return counted
