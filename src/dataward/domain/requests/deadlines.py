"""When a request is due, and what that date is the date of (the answer, its forwarding to
a tenant's controller, a complaint's acknowledgement or its outcome's target), with exact UK
calendar rules (`domain.calendar`). Pure.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from dataward.domain.calendar import (
    HolidayCalendar,
    clock_start,
    due_date,
    extended_due_date,
    is_working_day,
    next_working_day_on_or_after,
)
from dataward.domain.requests.model import RightsRequest
from dataward.domain.requests.terms import (
    RequestEvent,
    RequestState,
    RequestType,
)

S, E = RequestState, RequestEvent


def working_days_after(day: date, days: int, holidays: HolidayCalendar) -> date:
    while days > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            days -= 1
    return day


def clock_started(request: RightsRequest) -> date:
    return clock_start(
        request.received,
        identity_received=request.identity_received,
        authority_received=request.authority_received,
        fee_paid=request.fee_paid,
    )


def deadline(request: RightsRequest, holidays: HolidayCalendar) -> date:
    """When the request is due: its answer's date (`response_due`). A complaint is due to be
    acknowledged within its days (the register's, 30 at most), the day of receipt the first,
    and once acknowledged its
    outcome is due by its target; a request about a tenant's call data, still with us (not
    one its administrator recorded: that one is with its controller, to answer), is
    due to be forwarded within two working days (docs/legal-rules.md A9: we are the processor, the
    tenant answers)."""
    if request.type is RequestType.COMPLAINT:
        if request.acknowledged is None:
            return acknowledge_by(request.received, request.acknowledge_within)
        return outcome_target(request.received, request.investigate_within, holidays)
    if _to_forward(request):
        return working_days_after(request.received, request.forward_within, holidays)
    return response_due(request, holidays)


def acknowledge_by(received: date, within: int) -> date:
    """The last day to acknowledge a complaint received on `received`: `within` days, the
    day of receipt the first."""
    return received + timedelta(days=within - 1)


def outcome_target(received: date, within: int, holidays: HolidayCalendar) -> date:
    """The target for a complaint's outcome: `within` days, the day of receipt the first, on
    to the next working day."""
    return next_working_day_on_or_after(received + timedelta(days=within - 1), holidays)


class DueFor(StrEnum):
    """What a request's due date is the date of."""

    ANSWER = "answer"
    FORWARDING = "forwarding"  # a tenant's request, to its controller
    ACKNOWLEDGEMENT = "acknowledgement"  # a complaint, within the register's days
    OUTCOME_TARGET = "outcome_target"  # an acknowledged complaint's outcome


def due_for(request: RightsRequest) -> DueFor:
    """What `deadline` gives the date of, for this request as it stands."""
    if request.type is RequestType.COMPLAINT:
        return DueFor.ACKNOWLEDGEMENT if request.acknowledged is None else DueFor.OUTCOME_TARGET
    if _to_forward(request):
        return DueFor.FORWARDING
    return DueFor.ANSWER


def _to_forward(request: RightsRequest) -> bool:
    """About a tenant's call data, received by us and not yet forwarded to its controller."""
    return (
        request.tenant_id is not None and not request.by_controller and request.state is S.RECEIVED
    )


def response_due(request: RightsRequest, holidays: HolidayCalendar) -> date:
    """When the answer is due: one month from the clock's start (the latest of receipt,
    identity, authority and fee), three if extended, later by every clarification pause;
    or the date fixed when the request was already late (`fixed_due`)."""
    if request.fixed_due is not None:
        return request.fixed_due
    start = clock_started(request)
    if request.extension_notice is not None:
        return extended_due_date(start, holidays=holidays, paused_days=request.paused_days)
    return due_date(start, months=1, holidays=holidays, paused_days=request.paused_days)


class Urgency(StrEnum):
    """How the DCO's queue marks an open request."""

    OVERDUE = "overdue"
    THIS_WEEK = "this_week"  # due within the next seven days, today included


def urgency(request: RightsRequest, due: date, today: date) -> Urgency | None:
    """Whether an open request is overdue or due this week on `today` (a UK date)."""
    if request.closed:
        return None
    if due < today:
        return Urgency.OVERDUE
    if due <= today + timedelta(days=7):
        return Urgency.THIS_WEEK
    return None
