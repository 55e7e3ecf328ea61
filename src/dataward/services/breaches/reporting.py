"""Each phase of a breach's report to the ICO (Art. 33(1), 33(4)).

The first phase is `initial`; `further` ones follow as facts come to light, and `final` ends
the reporting. A report made more than 72 hours after awareness must say why (Art. 33(1)):
it is refused until the breach has its reason for the delay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final
from uuid import UUID

from dataward.domain.breaches.deadline import check_moment
from dataward.domain.breaches.model import (
    MAX_REFERENCE,
    Breach,
    BreachEvent,
    BreachRefused,
    Phase,
    Report,
)
from dataward.domain.errors import InvalidValue
from dataward.services.breaches.common import may_manage, open_breach, step
from dataward.services.context import UseCase

REFERENCE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]{0,39}", re.ASCII)
REFERENCES: Final = f"the ICO's case reference: letters, digits, / and -, at most {MAX_REFERENCE}"


@dataclass(frozen=True, slots=True)
class IcoReport:
    phase: Phase
    at: datetime
    reference: str | None = None
    delay_reason: str | None = field(default=None, repr=False)


def report_to_ico(ctx: UseCase, wanted: UUID | str, report: IcoReport) -> Breach:
    """Record that the ICO was told (one phase), when, and under which reference."""
    may_manage(ctx)
    if report.reference is not None and not REFERENCE.fullmatch(report.reference):
        raise InvalidValue("reference", REFERENCES)
    with ctx.uow as uow:
        breach = open_breach(ctx, wanted)
        at = check_moment("at", report.at, now=ctx.clock.now())
        if at < breach.aware_at:
            raise InvalidValue("at", "a time from when we became aware of the breach to now")
        _check_phase(breach, report.phase)
        facts = breach.facts
        if report.delay_reason is not None:
            facts = replace(facts, delay_reason=report.delay_reason).checked()
        # only the first report can be late: later phases follow as facts come (Art. 33(4))
        late = report.phase is Phase.INITIAL and at > breach.ico_due
        if late and facts.delay_reason is None:
            raise BreachRefused(
                "reported more than 72 hours after awareness: give the reasons for the delay "
                "(Art. 33(1))"
            )
        made = Report(report.phase, at, report.reference, late, ctx.clock.now())
        saved = uow.breaches.save(replace(breach, facts=facts, reports=(*breach.reports, made)))
        details = {"phase": report.phase.value, "late": late}
        step(ctx, saved, BreachEvent.REPORTED, details)
        uow.commit()
    return saved


def _check_phase(breach: Breach, phase: Phase) -> None:
    phases = [r.phase for r in breach.reports]
    if Phase.FINAL in phases:
        raise BreachRefused("the final report was made: nothing follows it")
    if phase is Phase.INITIAL and phases:
        raise BreachRefused("the initial report was made: report a further or final phase")
    if phase is not Phase.INITIAL and not phases:
        raise BreachRefused("make the initial report first")
