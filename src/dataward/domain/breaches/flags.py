"""What about a breach the DCO must look at now (legal-rules A4). Pure.

- the 72 hours passed with no report to the ICO, the breach reached our own data and was not
  judged unlikely to result in a risk (unassessed counts: the decision is due within the same
  hours); a breach of tenants' data only is theirs to report;
- a report made after the 72 hours without the reasons for the delay (Art. 33(1));
- a high risk with the people not yet told (Art. 34(1): without undue delay; flagged once the
  ICO's deadline has passed);
- a tenant not told within its contract's hours (Art. 33(2)).
"""

from __future__ import annotations

from datetime import datetime

from dataward.domain.breaches.assessment import Outcome
from dataward.domain.breaches.deadline import remaining
from dataward.domain.breaches.model import Breach


def breach_flags(
    breach: Breach, now: datetime, *, people_withheld: int = 0, controllers_withheld: int = 0
) -> list[str]:
    """Each thing overdue about `breach` at `now`, in words (no identifiers); and how many
    notices the outbox withheld or gave up on (no address, erased, refused by the gate)."""
    if breach.closed_at is not None:
        return []
    flags: list[str] = []
    if people_withheld:
        flags.append(
            f"{people_withheld} people's notices could not be sent: tell them another way "
            "(a public notice, Art. 34(3)(c))"
        )
    if controllers_withheld and any(c.sent_at is None for c in breach.controllers):
        flags.append(
            f"{controllers_withheld} notices to tenants could not be sent: notify again or "
            "tell them another way"
        )
    late = remaining(breach.ico_due, now)
    if breach.must_report and not breach.reports and late.late:
        what = "not assessed" if breach.assessment is None else "not reported to the ICO"
        flags.append(f"72 hours passed {late.describe()}: {what}")
    if breach.reports and breach.reports[0].late and breach.facts.delay_reason is None:
        flags.append("reported after 72 hours with no reason for the delay (Art. 33(1))")
    if (
        breach.own_data
        and breach.outcome is Outcome.TELL_PEOPLE
        and breach.people_queued is None
        and late.late
    ):
        flags.append("high risk: the people are not told yet (Art. 34)")
    for notice in breach.controllers:
        told = notice.sent_at
        if (told is None and now > notice.due_at) or (told is not None and told > notice.due_at):
            overdue = remaining(notice.due_at, told or now).describe()
            state = "told" if told is not None else "not told"
            flags.append(f"tenant {notice.tenant_id} {state}, {overdue}")
    return flags
