"""Reading the breach register: one breach with its clock, trail and flags; the list; the
export for the regulator; the ICO draft. Reading needs `manage_breaches` like the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from dataward.domain.breaches.deadline import Remaining, remaining, uk_time
from dataward.domain.breaches.drafts import Draft, ico_draft
from dataward.domain.breaches.flags import breach_flags
from dataward.domain.breaches.model import Breach, TrailEntry
from dataward.domain.outreach import MessageKind
from dataward.services.breaches.common import may_manage, read_breach
from dataward.services.context import UseCase


@dataclass(frozen=True, slots=True)
class BreachView:
    breach: Breach
    now: datetime
    flags: tuple[str, ...]
    trail: tuple[TrailEntry, ...] = ()

    @property
    def clock(self) -> Remaining:
        """Time left to the ICO's deadline, or how late; stopped when the first report was
        made or the breach was judged unlikely to result in a risk."""
        return remaining(self.breach.ico_due, self.breach.clock_stopped or self.now)


def show_breach(ctx: UseCase, wanted: UUID | str) -> BreachView:
    may_manage(ctx)
    with ctx.uow as uow:
        breach = read_breach(ctx, wanted)
        trail = tuple(uow.breaches.trail(breach.id))
        flags = _flags(ctx, breach)
    return BreachView(breach, ctx.clock.now(), flags, trail)


def list_breaches(ctx: UseCase, *, include_closed: bool = False) -> list[BreachView]:
    """The register (or its open breaches), the most recently found first, each flagged."""
    may_manage(ctx)
    with ctx.uow as uow:
        found = uow.breaches.listed(include_closed=include_closed)
        flagged = [(b, _flags(ctx, b)) for b in found]
    now = ctx.clock.now()
    return [BreachView(b, now, flags) for b, flags in flagged]


def _flags(ctx: UseCase, breach: Breach) -> tuple[str, ...]:
    """What is overdue, and how many notices the outbox could not make (inside `with uow`)."""
    withheld = {
        kind: sum(
            n
            for state, n in ctx.uow.messages.counts(kind, str(breach.id)).items()
            if state.startswith("withheld")  # "withheld:<reason>", given up included
        )
        for kind in (MessageKind.BREACH_NOTICE, MessageKind.BREACH_CONTROLLER)
    }
    return tuple(
        breach_flags(
            breach,
            ctx.clock.now(),
            people_withheld=withheld[MessageKind.BREACH_NOTICE],
            controllers_withheld=withheld[MessageKind.BREACH_CONTROLLER],
        )
    )


def overdue_breaches(ctx: UseCase) -> list[BreachView]:
    """The open breaches with something overdue, for the DCO's queue."""
    return [view for view in list_breaches(ctx) if view.flags]


def draft_for_ico(ctx: UseCase, wanted: UUID | str) -> Draft:
    may_manage(ctx)
    with ctx.uow:
        breach = read_breach(ctx, wanted)
    return ico_draft(breach, ctx.register)


EXPORT_FIELDS: Sequence[str] = (
    "id",
    "aware_at",
    "aware_at_uk",
    "recorded_at",
    "natures",
    "description",
    "categories",
    "people",
    "records",
    "likelihood",
    "severity",
    "risk",
    "outcome",
    "reasoning",
    "consequences",
    "measures",
    "ico_deadline",
    "ico_deadline_uk",
    "reported_at",
    "report_phases",
    "reported_late",
    "delay_reason",
    "own_data",
    "people_counted",
    "records_counted",
    "people_queued",
    "people_sent",
    "tenants",
    "tenants_told",
    "closed_at",
    "flags",
)


def export_row(view: BreachView) -> dict[str, Any]:
    """One breach as the regulator's export gives it (`EXPORT_FIELDS`): its facts, effects,
    remedial action and, where not reported, the reasoning (Art. 33(5))."""
    b, a = view.breach, view.breach.assessment
    decision = None if a is None else a.decision
    return {
        "id": str(b.id),
        "aware_at": b.aware_at.isoformat(),
        "aware_at_uk": uk_time(b.aware_at),
        "recorded_at": b.recorded_at.isoformat(),
        "natures": " ".join(sorted(n.value for n in b.natures)),
        "description": b.facts.description,
        "categories": " ".join(sorted(b.categories())),
        "people": b.people(),
        "records": b.records(),
        "likelihood": None if decision is None else decision.likelihood.name.lower(),
        "severity": None if decision is None else decision.severity.name.lower(),
        "risk": None if decision is None else decision.risk,
        "outcome": None if decision is None else decision.outcome.value,
        "reasoning": None if a is None else a.factors.reasoning,
        "consequences": b.facts.consequences,
        "measures": b.facts.measures,
        "ico_deadline": b.ico_due.isoformat(),
        "ico_deadline_uk": uk_time(b.ico_due),
        "reported_at": None if b.reported_at is None else b.reported_at.isoformat(),
        "report_phases": " ".join(r.phase.value for r in b.reports),
        "reported_late": bool(b.reports) and b.reports[0].late,
        "delay_reason": b.facts.delay_reason,
        "own_data": b.own_data,
        "people_counted": b.counted_people(),
        "records_counted": b.counted_records(),
        "people_queued": b.people_queued,
        "people_sent": b.people_sent,
        "tenants": " ".join(b.tenants()),
        "tenants_told": " ".join(c.tenant_id for c in b.controllers if c.sent_at is not None),
        "closed_at": None if b.closed_at is None else b.closed_at.isoformat(),
        "flags": "; ".join(view.flags),
    }
