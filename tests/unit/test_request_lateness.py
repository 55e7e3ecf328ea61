"""Deadlines never reset by lateness: what is asked after the due date leaves it where it was,
an answer after it is recorded late by its days, and identity asked later than five working
days after receipt is flagged. Exact England and Wales calendar cases, UK dates from the
clock's instant."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest

from dataward.domain.calendar import bank_holidays
from dataward.domain.requests.flags import transition_flags
from dataward.domain.requests.workflow import (
    AuthorityProof,
    FeeGround,
    Move,
    RefusalGround,
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    RightsRequest,
    Transition,
    Urgency,
    deadline,
    transition,
    urgency,
)

E, S = RequestEvent, RequestState
HOLIDAYS = bank_holidays()
EVIDENCE = {E.IDENTITY_VERIFIED: "passport seen", E.COMPLETE: "sent by e-mail"}


def a_request(received: date, **kw: object) -> RightsRequest:
    return RightsRequest(
        id=uuid.uuid4(),
        type=RequestType.ACCESS,
        state=S.RECEIVED,
        received=received,
        channel="email",
        **kw,  # type: ignore[arg-type]
    )


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), UTC)


def move(
    request: RightsRequest, event: RequestEvent, day: date | datetime, **kw: object
) -> tuple[RightsRequest, Transition]:
    when = day if isinstance(day, datetime) else at(day)
    kw.setdefault("reason", EVIDENCE.get(event))
    happened = Move(event, at=when, actor="dco", **kw)  # type: ignore[arg-type]
    return transition(request, happened, holidays=HOLIDAYS)


def step(request: RightsRequest, event: RequestEvent, day: date, **kw: object) -> RightsRequest:
    return move(request, event, day, **kw)[0]


# Friday 20 November 2026: due Monday 21 December (the 20th is a Sunday).
RECEIVED = date(2026, 11, 20)
DUE = date(2026, 12, 21)


def test_identity_asked_in_time_restarts_the_clock_but_asked_late_does_not() -> None:
    in_time = step(a_request(RECEIVED), E.ASK_IDENTITY, date(2026, 11, 23))
    verified = step(in_time, E.IDENTITY_VERIFIED, date(2026, 11, 28))
    assert verified.fixed_due is None
    # from 28 November: 28 December is the substitute for Boxing Day (a Saturday in 2026)
    assert deadline(verified, HOLIDAYS) == date(2026, 12, 29)

    late = step(a_request(RECEIVED), E.ASK_IDENTITY, date(2026, 12, 22))
    assert late.fixed_due == DUE
    verified = step(late, E.IDENTITY_VERIFIED, date(2026, 12, 30))
    assert deadline(verified, HOLIDAYS) == DUE  # not 30 January 2027
    assert urgency(verified, DUE, date(2026, 12, 31)) is Urgency.OVERDUE


def test_identity_asked_on_the_due_date_itself_is_in_time() -> None:
    asked = step(a_request(RECEIVED), E.ASK_IDENTITY, DUE)
    assert asked.fixed_due is None


def test_a_fee_asked_late_and_paid_leaves_the_due_date() -> None:
    asked = step(
        a_request(RECEIVED),
        E.ASK_FEE,
        date(2026, 12, 22),
        ground=FeeGround.MANIFESTLY_EXCESSIVE,
        reason="the fourth request this month",
        amount=2500,
    )
    paid = step(asked, E.FEE_PAID, date(2027, 1, 4))
    assert deadline(paid, HOLIDAYS) == DUE


def test_proof_of_authority_never_asked_for_and_coming_late_leaves_the_due_date() -> None:
    proof = {"ground": AuthorityProof.SOLICITOR}
    unasked = step(
        a_request(RECEIVED, representative=True), E.AUTHORITY_RECEIVED, date(2026, 12, 23), **proof
    )
    assert deadline(unasked, HOLIDAYS) == DUE
    # asked in time (with the identity request), the proof restarts the clock (R1)
    asked = step(a_request(RECEIVED, representative=True), E.ASK_IDENTITY, date(2026, 11, 23))
    proved = step(asked, E.AUTHORITY_RECEIVED, date(2026, 12, 23), **proof)
    assert proved.fixed_due is None
    assert deadline(proved, HOLIDAYS) == date(2027, 1, 25)  # 23 January is a Saturday


def test_a_late_request_cannot_be_extended_even_once_identity_has_come() -> None:
    asked = step(a_request(RECEIVED), E.ASK_IDENTITY, date(2026, 12, 22))
    verified = step(asked, E.IDENTITY_VERIFIED, date(2026, 12, 23))
    started = step(verified, E.START, date(2026, 12, 23))
    with pytest.raises(RequestRefused, match="overdue since 2026-12-21"):
        step(started, E.EXTEND, date(2026, 12, 24), reason="many calls")


@pytest.mark.parametrize(
    ("received", "answered", "late"),
    [
        (RECEIVED, DUE, None),  # on the due date: in time
        (RECEIVED, date(2026, 12, 24), 3),
        # 31 January: 28 February is a Saturday, so Monday 2 March is in time, the 3rd late
        (date(2026, 1, 31), date(2026, 3, 2), None),
        (date(2026, 1, 31), date(2026, 3, 3), 1),
        # 29 February 2028, a leap day: due Wednesday 29 March
        (date(2028, 2, 29), date(2028, 3, 30), 1),
    ],
)
def test_a_completion_after_the_due_date_is_recorded_with_its_days_late(
    received: date, answered: date, late: int | None
) -> None:
    started = step(a_request(received), E.START, received)
    done, change = move(started, E.COMPLETE, answered)
    assert done.state is S.COMPLETED
    assert (done.days_late, change.days_late) == (late, late)


def test_days_late_count_uk_days_across_midnight_in_summer_time() -> None:
    # received 1 June 2026: due Wednesday 1 July. 23:30 UTC on 1 July is 00:30 on 2 July in
    # London: a day late, though the UTC date is still the 1st.
    started = step(a_request(date(2026, 6, 1)), E.START, date(2026, 6, 1))
    _, change = move(started, E.COMPLETE, datetime(2026, 7, 1, 23, 30, tzinfo=UTC))
    assert change.days_late == 1
    _, change = move(started, E.COMPLETE, datetime(2026, 7, 1, 22, 59, tzinfo=UTC))
    assert change.days_late is None


def test_a_late_refusal_is_accepted_and_recorded_late() -> None:
    refused, change = move(
        a_request(RECEIVED),
        E.REFUSE,
        date(2027, 1, 5),
        ground=RefusalGround.MANIFESTLY_EXCESSIVE,
        reason="the sixth identical request",
    )
    assert refused.state is S.REFUSED
    assert change.days_late == 15


@pytest.mark.parametrize(
    ("forwarded", "late"),
    [
        # Thursday 24 December 2026: to forward within two working days, Christmas Day, the
        # weekend and the Boxing Day substitute (Monday 28th) skipped: by Wednesday 30th
        (date(2026, 12, 30), None),
        (date(2026, 12, 31), 1),
        (date(2027, 1, 4), 5),
    ],
)
def test_a_tenants_request_forwarded_after_its_working_days_is_recorded_late(
    forwarded: date, late: int | None
) -> None:
    request = a_request(date(2026, 12, 24), tenant_id="tenant-a")
    assert deadline(request, HOLIDAYS) == date(2026, 12, 30)
    moved, change = move(request, E.FORWARD, forwarded, reason="forwarded to its controller")
    assert moved.state is S.FORWARDED_TO_CONTROLLER
    assert (moved.days_late, change.days_late) == (late, late)
    flags = transition_flags(request, moved, change, HOLIDAYS)
    assert flags == ([f"forward {late} day{'s' if late > 1 else ''} late"] if late else [])


def test_a_clarification_answered_before_it_was_asked_is_refused_by_name() -> None:
    started = step(a_request(date(2026, 3, 2)), E.START, date(2026, 3, 2))
    asked = step(started, E.ASK_CLARIFICATION, date(2026, 3, 10))
    with pytest.raises(RequestRefused, match=r"on: no earlier than .* \(2026-03-10\)"):
        transition(
            asked,
            Move(E.CLARIFIED, at=at(date(2026, 3, 12)), actor="dco", on=date(2026, 3, 9)),
            holidays=HOLIDAYS,
        )
    assert step(asked, E.CLARIFIED, date(2026, 3, 10)).paused_days == 1


@pytest.mark.parametrize(
    ("received", "asked", "within", "flagged"),
    [
        (date(2026, 3, 2), date(2026, 3, 9), 5, False),  # Monday to the fifth working day
        (date(2026, 3, 2), date(2026, 3, 10), 5, True),
        # Thursday 2 April 2026: Good Friday and Easter Monday do not count
        (date(2026, 4, 2), date(2026, 4, 13), 5, False),
        (date(2026, 4, 2), date(2026, 4, 14), 5, True),
        (date(2026, 4, 2), date(2026, 4, 8), 2, False),
        (date(2026, 4, 2), date(2026, 4, 9), 2, True),
        # Saturday 26 December 2026: the 28th is Boxing Day's substitute
        (date(2026, 12, 26), date(2027, 1, 5), 5, False),  # New Year on the 1st
        (date(2026, 12, 26), date(2027, 1, 6), 5, True),
    ],
)
def test_identity_asked_more_than_the_working_days_allowed_is_flagged(
    received: date, asked: date, within: int, flagged: bool
) -> None:
    before = a_request(received)
    after, change = move(before, E.ASK_IDENTITY, asked)
    flags = transition_flags(before, after, change, HOLIDAYS, identity_within=within)
    wanted = (
        f"identity asked {asked}, more than {within} working days after receipt ({received}): "
        "it is due without undue delay"
    )
    assert flags == ([wanted] if flagged else [])


def test_a_late_ask_and_a_late_answer_are_flagged_in_dates_and_days_only() -> None:
    before = a_request(RECEIVED)
    asked, change = move(before, E.ASK_IDENTITY, date(2026, 12, 22))
    flags = transition_flags(before, asked, change, HOLIDAYS)
    assert flags[0] == (
        "identity asked after the due date 2026-12-21: the date stands, the request is overdue"
    )
    started = step(
        step(asked, E.IDENTITY_VERIFIED, date(2026, 12, 22)), E.START, date(2026, 12, 22)
    )
    done, change = move(started, E.COMPLETE, date(2026, 12, 23))
    assert transition_flags(started, done, change, HOLIDAYS) == ["complete 2 days late"]


@pytest.mark.parametrize(
    ("asked", "fixed"),
    [
        (datetime(2026, 7, 1, 22, 59, tzinfo=UTC), None),  # 23:59 on 1 July in London
        (datetime(2026, 7, 1, 23, 0, tzinfo=UTC), date(2026, 7, 1)),  # midnight: 2 July
    ],
)
def test_an_ask_is_late_by_the_uk_date_not_the_utc_one(asked: datetime, fixed: date | None) -> None:
    # received 1 June 2026, due Wednesday 1 July
    after, _ = move(a_request(date(2026, 6, 1)), E.ASK_IDENTITY, asked)
    assert after.fixed_due == fixed
