"""What the DCO is told to look at when a request moves on late. Pure: no I/O.

A flag is one sentence of dates, counts and the state machine's own words (never anything a
requester wrote), kept with the request and shown in the queue and the timeline:

- something asked of the requester after the due date: the date stands, the request overdue;
- a refusal or completion after the due date, with the days it is late;
- identity asked more than `IDENTITY_WITHIN_WORKING_DAYS` working days after receipt: the law
  expects it without undue delay (Art. 12(6); ICO: ask as soon as possible);
- a complaint acknowledged after its 30 days (DUAA s.103).
"""

from __future__ import annotations

from typing import Final

from dataward.domain.calendar import HolidayCalendar
from dataward.domain.requests.deadlines import working_days_after
from dataward.domain.requests.workflow import (
    RequestEvent,
    RequestType,
    RightsRequest,
    Transition,
    uk_date,
)

IDENTITY_WITHIN_WORKING_DAYS: Final = 5
"""Working days after receipt within which identity is asked for, unless set otherwise."""

_LATE_ASK = {
    RequestEvent.ASK_IDENTITY: "identity asked",
    RequestEvent.ASK_FEE: "a fee asked",
    RequestEvent.ASK_CLARIFICATION: "clarification asked",
    RequestEvent.AUTHORITY_RECEIVED: "proof of authority, never asked for, came",
}


def transition_flags(
    before: RightsRequest,
    after: RightsRequest,
    change: Transition,
    holidays: HolidayCalendar,
    *,
    identity_within: int = IDENTITY_WITHIN_WORKING_DAYS,
) -> list[str]:
    """The flags a transition raises, in the order they arose (none when all is in time)."""
    flags: list[str] = []
    if after.fixed_due is not None and before.fixed_due is None:
        flags.append(
            f"{_LATE_ASK[change.event]} after the due date {after.fixed_due.isoformat()}: "
            "the date stands, the request is overdue"
        )
    if change.days_late:
        flags.append(f"{change.event.value} {_days(change.days_late)} late")
    today = uk_date(change.at)
    if change.event is RequestEvent.ASK_IDENTITY and today > working_days_after(
        before.received, identity_within, holidays
    ):
        flags.append(
            f"identity asked {today.isoformat()}, more than {identity_within} working days "
            f"after receipt ({before.received.isoformat()}): it is due without undue delay"
        )
    if before.acknowledged is None:
        flags.extend(filter(None, [late_acknowledgement(after)]))
    return flags


def late_acknowledgement(request: RightsRequest) -> str | None:
    """The flag of a complaint acknowledged after its days (the register's), if it was."""
    if request.type is not RequestType.COMPLAINT or request.acknowledged is None:
        return None
    within = request.acknowledge_within
    late = (request.acknowledged - request.received).days + 1 - within
    if late <= 0:
        return None
    return f"complaint acknowledged {_days(late)} after its {within} days"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
