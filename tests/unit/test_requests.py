"""The rights-request state machine: every allowed path, every refused one, and the dates the
law counts from, on exact calendar cases (England and Wales bank holidays)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from dataward.domain.calendar import bank_holidays
from dataward.domain.requests.workflow import (
    TERMINAL,
    TRANSITIONS,
    FeeGround,
    Move,
    RefusalGround,
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    RightsRequest,
    deadline,
    transition,
    uk_date,
)

E, S = RequestEvent, RequestState
HOLIDAYS = bank_holidays()


def a_request(
    kind: RequestType = RequestType.ACCESS, received: date = date(2026, 3, 2), **kw: object
) -> RightsRequest:
    return RightsRequest(
        id=uuid.uuid4(),
        type=kind,
        state=S.RECEIVED,
        received=received,
        channel="email",
        **kw,  # type: ignore[arg-type]
    )


def on(day: date) -> datetime:
    return datetime.combine(day, time(10), UTC)


def step(request: RightsRequest, event: RequestEvent, day: date, **kw: object) -> RightsRequest:
    happened = Move(event, at=on(day), actor="dco", **kw)  # type: ignore[arg-type]
    changed, record = transition(request, happened, holidays=HOLIDAYS)
    assert (record.from_state, record.to_state, record.event) == (
        request.state,
        changed.state,
        event,
    )
    assert record.at == on(day)
    return changed


def test_an_access_request_through_identity_start_and_completion() -> None:
    request = a_request(received=date(2026, 3, 2))
    assert deadline(request, HOLIDAYS) == date(2026, 4, 2)
    request = step(request, E.ASK_IDENTITY, date(2026, 3, 3))
    assert request.state is S.AWAITING_IDENTITY
    request = step(request, E.IDENTITY_VERIFIED, date(2026, 3, 3), reason="passport seen")
    # the clock restarts on the day identity arrived: 3 April 2026 is Good Friday and
    # 6 April Easter Monday
    assert deadline(request, HOLIDAYS) == date(2026, 4, 7)
    request = step(request, E.START, date(2026, 3, 11))
    request = step(request, E.COMPLETE, date(2026, 3, 20))
    assert request.state is S.COMPLETED
    assert request.closed


def test_a_fee_needs_a_ground_and_restarts_the_clock_when_paid() -> None:
    request = a_request(received=date(2026, 3, 2))
    with pytest.raises(RequestRefused, match="ground"):
        step(request, E.ASK_FEE, date(2026, 3, 3), reason="a further copy")
    request = step(
        request,
        E.ASK_FEE,
        date(2026, 3, 3),
        ground=FeeGround.FURTHER_COPY,
        reason="2nd copy",
        amount=1000,
    )
    assert request.fee_ground is FeeGround.FURTHER_COPY
    assert request.fee_pence == 1000
    request = step(request, E.FEE_PAID, date(2026, 3, 31))
    assert deadline(request, HOLIDAYS) == date(2026, 4, 30)


def test_a_refusal_needs_its_ground() -> None:
    request = a_request()
    with pytest.raises(RequestRefused):
        step(request, E.REFUSE, date(2026, 3, 3))
    with pytest.raises(RequestRefused):
        step(request, E.REFUSE, date(2026, 3, 3), ground=FeeGround.FURTHER_COPY)
    with pytest.raises(RequestRefused, match="reasons"):
        step(request, E.REFUSE, date(2026, 3, 3), ground=RefusalGround.MANIFESTLY_EXCESSIVE)
    refused = step(
        request,
        E.REFUSE,
        date(2026, 3, 3),
        ground=RefusalGround.MANIFESTLY_EXCESSIVE,
        reason="the fourth identical request this month",
    )
    assert refused.state is S.REFUSED
    assert refused.refusal_ground is RefusalGround.MANIFESTLY_EXCESSIVE


def test_the_clarification_pause_moves_the_deadline_by_its_days() -> None:
    request = step(a_request(received=date(2026, 3, 2)), E.START, date(2026, 3, 2))
    request = step(request, E.ASK_CLARIFICATION, date(2026, 3, 5))
    assert request.state is S.AWAITING_CLARIFICATION
    request = step(request, E.CLARIFIED, date(2026, 3, 9))
    # 5 to 9 March both count: 5 days; 2 April + 5 = 7 April
    assert request.paused_days == 5
    assert deadline(request, HOLIDAYS) == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("kind", "received"),
    [
        (RequestType.ERASURE, date(2026, 3, 2)),  # not an access request
        (RequestType.ACCESS, date(2026, 2, 4)),  # before the 2025 Act's commencement
    ],
)
def test_clarification_only_pauses_access_requests_under_the_new_rule(
    kind: RequestType, received: date
) -> None:
    request = step(a_request(kind, received=received), E.START, received)
    with pytest.raises(RequestRefused, match="12A"):
        step(request, E.ASK_CLARIFICATION, received)


def test_an_extension_only_with_notice_inside_the_first_month() -> None:
    received = date(2026, 11, 30)
    request = step(a_request(received=received), E.START, received)
    with pytest.raises(RequestRefused, match="first month"):
        step(request, E.EXTEND, date(2027, 1, 5), reason="complex")
    with pytest.raises(RequestRefused, match="reasons"):
        step(request, E.EXTEND, date(2026, 12, 30))
    extended = step(request, E.EXTEND, date(2026, 12, 30), reason="twelve years of calls")
    assert extended.state is S.EXTENDED
    assert deadline(extended, HOLIDAYS) == date(2027, 3, 1)  # 28 Feb 2027 is a Sunday


def test_only_a_tenants_request_is_forwarded_to_its_controller() -> None:
    with pytest.raises(RequestRefused, match="tenant"):
        step(a_request(), E.FORWARD, date(2026, 3, 2))
    forwarded = step(a_request(tenant_id="tenant-a"), E.FORWARD, date(2026, 3, 2))
    assert forwarded.state is S.FORWARDED_TO_CONTROLLER
    assert forwarded.closed


def test_a_complaint_is_acknowledged_within_30_days_and_is_never_refused_or_extended() -> None:
    complaint = a_request(RequestType.COMPLAINT, received=date(2026, 7, 1))
    assert deadline(complaint, HOLIDAYS) == date(2026, 7, 30)
    with pytest.raises(RequestRefused):
        step(
            complaint,
            E.REFUSE,
            date(2026, 7, 2),
            ground=RefusalGround.MANIFESTLY_UNFOUNDED,
            reason="x",
        )
    started = step(complaint, E.START, date(2026, 7, 2))
    with pytest.raises(RequestRefused):
        step(started, E.EXTEND, date(2026, 7, 3))


@pytest.mark.parametrize("state", sorted(TERMINAL))
@pytest.mark.parametrize("event", list(RequestEvent))
def test_nothing_leaves_a_closed_state(state: RequestState, event: RequestEvent) -> None:
    request = a_request(tenant_id="tenant-a")
    closed = RightsRequest(
        **{**{f: getattr(request, f) for f in request.__slots__}, "state": state}
    )  # type: ignore[arg-type]
    with pytest.raises(RequestRefused, match="cannot"):
        step(
            closed,
            event,
            date(2026, 3, 3),
            ground=RefusalGround.MANIFESTLY_EXCESSIVE,
            reason="x",
        )


def test_every_state_is_reachable_and_every_open_one_can_be_withdrawn() -> None:
    reachable = {S.RECEIVED} | set(TRANSITIONS.values())
    assert reachable == set(RequestState)
    for state in set(RequestState) - TERMINAL:
        assert TRANSITIONS.get((state, E.WITHDRAW)) is S.WITHDRAWN, state


def test_a_naive_time_is_refused() -> None:
    naive = datetime(2026, 3, 2, 10)  # noqa: DTZ001 - the naive time under test
    with pytest.raises(ValueError, match="aware"):
        transition(a_request(), Move(E.START, at=naive, actor="dco"), holidays=HOLIDAYS)


def test_identity_moves_the_clock_only_when_it_was_asked_for_and_only_once() -> None:
    request = a_request(received=date(2026, 3, 2))
    with pytest.raises(RequestRefused, match="cannot identity_verified"):
        step(request, E.IDENTITY_VERIFIED, date(2026, 3, 30))
    asked = step(request, E.ASK_IDENTITY, date(2026, 3, 3))
    # entered on 10 March, the ID having arrived by post on 5 March: the clock runs from the 5th
    verified, _ = transition(
        asked,
        Move(
            E.IDENTITY_VERIFIED,
            at=on(date(2026, 3, 10)),
            actor="dco",
            on=date(2026, 3, 5),
            reason="driving licence by post",
        ),
        holidays=HOLIDAYS,
    )
    assert verified.identity_received == date(2026, 3, 5)
    assert deadline(verified, HOLIDAYS) == date(2026, 4, 7)  # 5 April is Easter Sunday
    with pytest.raises(RequestRefused, match="cannot identity_verified"):
        step(verified, E.IDENTITY_VERIFIED, date(2026, 3, 20))
    with pytest.raises(RequestRefused, match="between"):
        transition(
            asked,
            Move(
                E.IDENTITY_VERIFIED,
                at=on(date(2026, 3, 10)),
                actor="dco",
                on=date(2026, 3, 11),
                reason="driving licence by post",
            ),
            holidays=HOLIDAYS,
        )
    with pytest.raises(RequestRefused, match="needs its evidence"):
        transition(
            asked,
            Move(E.IDENTITY_VERIFIED, at=on(date(2026, 3, 10)), actor="dco"),
            holidays=HOLIDAYS,
        )


def test_days_are_uk_days_not_utc_days() -> None:
    # received 1 June 2026: the extension notice is due by 1 July. At 00:30 on 2 July in
    # London it is still 1 July in UTC, but the notice is a day late.
    request = step(a_request(received=date(2026, 6, 1)), E.START, date(2026, 6, 1))
    late = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    with pytest.raises(RequestRefused, match="first month"):
        transition(request, Move(E.EXTEND, at=late, actor="dco", reason="x"), holidays=HOLIDAYS)


def test_clarification_asked_once_overdue_does_not_pause_the_clock() -> None:
    request = step(a_request(received=date(2026, 3, 2)), E.START, date(2026, 3, 2))
    asked = step(request, E.ASK_CLARIFICATION, date(2026, 5, 1))
    answered = step(asked, E.CLARIFIED, date(2026, 5, 8))
    assert answered.fixed_due == date(2026, 4, 2)
    assert deadline(answered, HOLIDAYS) == date(2026, 4, 2)  # not 2 April + 8 days paused


def test_a_tenants_request_is_due_to_be_forwarded_within_two_working_days() -> None:
    request = a_request(received=date(2026, 4, 2), tenant_id="tenant-a")  # Thursday
    # Good Friday and Easter Monday are not working days: Tuesday 7th, Wednesday 8th
    assert deadline(request, HOLIDAYS) == date(2026, 4, 8)


def test_a_reason_has_a_length() -> None:
    with pytest.raises(RequestRefused, match="500"):
        step(a_request(), E.START, date(2026, 3, 2), reason="x" * 501)


@pytest.mark.parametrize(
    ("at", "day"),
    [
        (datetime(2027, 3, 28, 0, 59, tzinfo=UTC), date(2027, 3, 28)),  # 00:59 GMT
        (datetime(2027, 3, 28, 1, 0, tzinfo=UTC), date(2027, 3, 28)),  # 02:00 BST
        (datetime(2027, 7, 14, 22, 59, tzinfo=UTC), date(2027, 7, 14)),  # 23:59 BST
        (datetime(2027, 7, 14, 23, 0, tzinfo=UTC), date(2027, 7, 15)),  # midnight BST
        (datetime(2027, 10, 31, 0, 59, tzinfo=UTC), date(2027, 10, 31)),  # 01:59 BST
        (datetime(2027, 10, 31, 23, 59, tzinfo=UTC), date(2027, 10, 31)),  # 23:59 GMT
    ],
)
def test_today_is_the_uk_calendar_date_not_the_utc_one(at: datetime, day: date) -> None:
    assert uk_date(at) == day


def test_a_naive_time_has_no_uk_date() -> None:
    with pytest.raises(ValueError, match="aware"):
        uk_date(datetime(2027, 7, 14, 23, 30))  # noqa: DTZ001 - the naive time refused
