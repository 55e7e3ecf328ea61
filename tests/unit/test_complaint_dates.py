"""A complaint's dates (DUAA s.103): acknowledged within 30 days of receipt, then its outcome
due by a target of its own, so an acknowledged complaint is not shown overdue. Exact England
and Wales calendar cases."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest
from pydantic import ValidationError

from dataward.domain.calendar import bank_holidays
from dataward.domain.requests.flags import late_acknowledgement, transition_flags
from dataward.domain.requests.workflow import (
    DueFor,
    Move,
    RequestEvent,
    RequestState,
    RequestType,
    RightsRequest,
    Urgency,
    deadline,
    due_for,
    transition,
    urgency,
)
from tests.builders import shipped_register

HOLIDAYS = bank_holidays()
# Tuesday 7 July 2026: acknowledged by Wednesday 5 August; the outcome's target, 56 days on
# counting the 7th, is Monday 31 August, the summer bank holiday: Tuesday 1 September.
RECEIVED = date(2026, 7, 7)


def a_complaint(**kw: object) -> RightsRequest:
    return RightsRequest(
        id=uuid.uuid4(),
        type=RequestType.COMPLAINT,
        state=RequestState.RECEIVED,
        received=RECEIVED,
        channel="post",
        **kw,  # type: ignore[arg-type]
    )


def start(complaint: RightsRequest, day: date) -> RightsRequest:
    started, _ = transition(
        complaint,
        Move(RequestEvent.START, at=datetime.combine(day, time(10), UTC), actor="dco"),
        holidays=HOLIDAYS,
    )
    return started


def test_an_unacknowledged_complaint_is_due_to_be_acknowledged_within_30_days() -> None:
    complaint = a_complaint()
    assert (deadline(complaint, HOLIDAYS), due_for(complaint)) == (
        date(2026, 8, 5),
        DueFor.ACKNOWLEDGEMENT,
    )
    assert urgency(complaint, date(2026, 8, 5), date(2026, 8, 6)) is Urgency.OVERDUE


def test_once_acknowledged_its_outcome_has_its_own_target_and_it_is_not_overdue() -> None:
    started = start(a_complaint(), date(2026, 7, 9))
    assert started.acknowledged == date(2026, 7, 9)
    due = deadline(started, HOLIDAYS)
    assert (due, due_for(started)) == (date(2026, 9, 1), DueFor.OUTCOME_TARGET)
    assert urgency(started, due, date(2026, 8, 6)) is None  # past the 30 days: acknowledged
    assert urgency(started, due, date(2026, 8, 26)) is Urgency.THIS_WEEK
    assert urgency(started, due, date(2026, 9, 2)) is Urgency.OVERDUE


def test_an_acknowledgement_already_made_stands_when_the_investigation_starts() -> None:
    acknowledged = a_complaint(acknowledged=date(2026, 7, 7))
    assert start(acknowledged, date(2026, 7, 20)).acknowledged == date(2026, 7, 7)


@pytest.mark.parametrize(
    ("within", "target"),
    [
        (30, date(2026, 8, 5)),  # the least the register allows with 30 days' acknowledgement
        (28 + 30, date(2026, 9, 2)),
        (365, date(2027, 7, 6)),
    ],
)
def test_the_target_is_the_registers_figure_fixed_at_receipt(within: int, target: date) -> None:
    started = start(a_complaint(investigate_within=within), date(2026, 7, 9))
    assert deadline(started, HOLIDAYS) == target


def test_the_acknowledgement_is_due_within_the_registers_days_fixed_at_receipt() -> None:
    """The register promises 14 days: due Monday 20 July, the 7th the first; acknowledged on
    the 22nd, two days late, flagged by the 14 days, not the statutory 30."""
    complaint = a_complaint(acknowledge_within=14)
    assert (deadline(complaint, HOLIDAYS), due_for(complaint)) == (
        date(2026, 7, 20),
        DueFor.ACKNOWLEDGEMENT,
    )
    assert urgency(complaint, date(2026, 7, 20), date(2026, 7, 21)) is Urgency.OVERDUE
    assert (
        late_acknowledgement(a_complaint(acknowledge_within=14, acknowledged=date(2026, 7, 20)))
        is None
    )
    late = a_complaint(acknowledge_within=14, acknowledged=date(2026, 7, 22))
    assert late_acknowledgement(late) == "complaint acknowledged 2 days after its 14 days"


def test_the_register_cannot_promise_more_than_the_statutory_30_days() -> None:
    complaints = shipped_register().contacts.complaints
    with pytest.raises(ValidationError, match="acknowledge_within_days"):
        complaints.model_validate({**complaints.model_dump(), "acknowledge_within_days": 31})


def test_a_complaint_acknowledged_after_its_30_days_is_flagged() -> None:
    assert late_acknowledgement(a_complaint(acknowledged=date(2026, 8, 5))) is None
    assert late_acknowledgement(a_complaint(acknowledged=date(2026, 8, 7))) == (
        "complaint acknowledged 2 days after its 30 days"
    )
    before = a_complaint()
    after, change = transition(
        before,
        Move(RequestEvent.START, at=datetime(2026, 8, 6, 10, tzinfo=UTC), actor="dco"),
        holidays=HOLIDAYS,
    )
    assert transition_flags(before, after, change, HOLIDAYS) == [
        "complaint acknowledged 1 day after its 30 days"
    ]


def test_an_outcome_after_its_target_is_recorded_late() -> None:
    started = start(a_complaint(), date(2026, 7, 9))
    done, change = transition(
        started,
        Move(RequestEvent.COMPLETE, at=datetime(2026, 9, 3, 10, tzinfo=UTC), actor="dco"),
        holidays=HOLIDAYS,
    )
    assert (done.state, done.days_late, change.days_late) == (RequestState.COMPLETED, 2, 2)


def test_the_registers_target_is_eight_weeks_and_never_before_the_acknowledgement() -> None:
    complaints = shipped_register().contacts.complaints
    assert complaints.investigate_within_days == 56
    with pytest.raises(ValidationError, match="shorter than acknowledge_within_days"):
        complaints.model_validate(
            {
                **complaints.model_dump(),
                "acknowledge_within_days": 30,
                "investigate_within_days": 29,
            }
        )
