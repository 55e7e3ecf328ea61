"""A request's own details: the scope a right needs, a representative's authority, the
forwarding time agreed with a tenant, and how the queue marks urgency."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from dataward.domain.calendar import bank_holidays
from dataward.domain.requests.scope import check_scope, objection_purpose
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
    Urgency,
    deadline,
    parse_ground,
    transition,
    urgency,
)

HOLIDAYS = bank_holidays()
PURPOSES = frozenset({"debt_recovery", "order_delivery"})
AT = datetime(2026, 11, 25, 10, tzinfo=UTC)


def _request(**kw: object) -> RightsRequest:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "type": RequestType.ACCESS,
        "state": RequestState.RECEIVED,
        "received": date(2026, 11, 20),
        "channel": "post",
        **kw,
    }
    return RightsRequest(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "scope", "expected"),
    [
        (RequestType.RESTRICTION, "objection_pending", "objection_pending"),
        (RequestType.OBJECTION, "direct_marketing", "direct_marketing"),
        (RequestType.OBJECTION, "legitimate_interests:debt_recovery", None),
        (RequestType.ACCESS, None, None),
    ],
)
def test_scopes_that_fit(kind: RequestType, scope: str | None, expected: str | None) -> None:
    assert check_scope(kind, scope, PURPOSES) == (scope if expected is None else expected)


@pytest.mark.parametrize(
    ("kind", "scope", "message"),
    [
        (RequestType.RESTRICTION, None, "needs its ground"),
        (RequestType.RESTRICTION, "because", "scope: one of"),
        (RequestType.OBJECTION, None, "direct_marketing"),
        (RequestType.OBJECTION, "legitimate_interests", "direct_marketing"),
        (RequestType.OBJECTION, "legitimate_interests:profiling", "no purpose"),
        (RequestType.OBJECTION, "marketing:debt_recovery", "direct_marketing"),
        (RequestType.ERASURE, "objection_pending", "takes no scope"),
    ],
)
def test_scopes_that_do_not(kind: RequestType, scope: str | None, message: str) -> None:
    with pytest.raises(RequestRefused, match=message):
        check_scope(kind, scope, PURPOSES)


def test_an_objections_purpose() -> None:
    assert objection_purpose("legitimate_interests:debt_recovery") == "debt_recovery"
    assert objection_purpose("direct_marketing") is None


def test_a_representatives_proof_restarts_the_clock_and_unblocks_the_start() -> None:
    request = _request(representative=True)
    with pytest.raises(RequestRefused, match="authority"):
        transition(request, Move(RequestEvent.START, at=AT, actor="dco"), holidays=HOLIDAYS)
    with pytest.raises(RequestRefused, match="needs its proof"):
        transition(
            request, Move(RequestEvent.AUTHORITY_RECEIVED, at=AT, actor="dco"), holidays=HOLIDAYS
        )
    proved, change = transition(
        request,
        Move(
            RequestEvent.AUTHORITY_RECEIVED,
            at=AT,
            actor="dco",
            ground=AuthorityProof.WRITTEN_AUTHORITY,
            reason="signed form",
            on=date(2026, 11, 23),
        ),
        holidays=HOLIDAYS,
    )
    assert proved.authority_received == date(2026, 11, 23)
    assert proved.state is RequestState.RECEIVED
    assert change.reason == "written_authority: signed form"
    assert deadline(proved, HOLIDAYS) == date(2026, 12, 23)  # a month from the proof
    assert deadline(request, HOLIDAYS) == date(2026, 12, 21)  # 20 Dec is a Sunday
    started, _ = transition(proved, Move(RequestEvent.START, at=AT, actor="dco"), holidays=HOLIDAYS)
    assert started.state is RequestState.IN_PROGRESS


def test_a_person_acting_for_themselves_has_no_authority_to_prove() -> None:
    with pytest.raises(RequestRefused, match="acts for themselves"):
        transition(
            _request(),
            Move(
                RequestEvent.AUTHORITY_RECEIVED,
                at=AT,
                actor="dco",
                ground=AuthorityProof.POWER_OF_ATTORNEY,
            ),
            holidays=HOLIDAYS,
        )


def test_forwarding_is_due_within_the_tenants_agreed_working_days() -> None:
    # Thursday 24 December 2026: Christmas, Boxing Day (Saturday, substitute Monday 28th)
    base = _request(tenant_id="t", received=date(2026, 12, 24))
    assert deadline(base, HOLIDAYS) == date(2026, 12, 30)  # 29th, 30th working days
    assert deadline(
        _request(tenant_id="t", received=date(2026, 12, 24), forward_within=1), HOLIDAYS
    ) == date(2026, 12, 29)
    same_day = _request(tenant_id="t", received=date(2026, 12, 24), forward_within=0)
    assert deadline(same_day, HOLIDAYS) == date(2026, 12, 24)


def test_grounds_are_parsed_for_their_event() -> None:
    assert parse_ground(RequestEvent.ASK_FEE, "further_copy") is FeeGround.FURTHER_COPY
    assert parse_ground(RequestEvent.REFUSE, "manifestly_excessive") is (
        RefusalGround.MANIFESTLY_EXCESSIVE
    )
    assert parse_ground(RequestEvent.START, None) is None
    with pytest.raises(RequestRefused, match="one of manifestly_unfounded"):
        parse_ground(RequestEvent.REFUSE, "further_copy")
    with pytest.raises(RequestRefused, match="takes no ground"):
        parse_ground(RequestEvent.START, "further_copy")


def test_urgency_on_exact_days() -> None:
    today = date(2026, 11, 25)
    open_request = _request()
    assert urgency(open_request, date(2026, 11, 24), today) is Urgency.OVERDUE
    assert urgency(open_request, today, today) is Urgency.THIS_WEEK
    assert urgency(open_request, date(2026, 12, 2), today) is Urgency.THIS_WEEK
    assert urgency(open_request, date(2026, 12, 3), today) is None
    closed = _request(state=RequestState.COMPLETED)
    assert urgency(closed, date(2026, 11, 1), today) is None
