"""Data subject rights requests: one state machine, one transition table. Pure: no I/O.

Every change of a request's state goes through `transition`, which looks the (state, event)
pair up in `TRANSITIONS`, checks the event's own rule (a ground for a fee or a refusal, an
extension notice inside the first month, a clarification only for access requests under the
2025 Act, forwarding only of a tenant's call data), stamps the time the caller's clock gave,
and returns the new request together with the `Transition` to record and audit. Nothing else
sets a state.

    received --ask_identity--> awaiting_identity --identity_verified--> received
    received --ask_fee--> awaiting_fee --fee_paid--> received
    received --start--> in_progress --ask_clarification--> awaiting_clarification
        --clarified--> in_progress
    in_progress --extend--> extended
    in_progress | extended --complete | complete_partially | refuse--> (closed)
    any open state --withdraw--> withdrawn; received --forward--> forwarded_to_controller
    received | awaiting_* --refuse--> refused

The dates the law counts from (docs/legal-rules.md A1) are kept as facts of the request, set by the
events that establish them: identity received, fee paid, each clarification pause, the
extension notice. `deadline` turns them into the due date with `domain.calendar`.

Lateness never resets a deadline: what is asked of the requester (identity, a fee, a
clarification) after the due date, or a proof of authority nobody asked for arriving after it,
fixes the due date where it stood (`fixed_due`), and a refusal or completion after the due date
(or a tenant's request forwarded after its working days) is accepted but recorded with the
days it is late (`days_late`). A complaint is due to be acknowledged within the register's
days (30 at most); once acknowledged, its outcome has a target of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Final

from dataward.domain.bounds import check_printable
from dataward.domain.calendar import (
    HolidayCalendar,
    Regime,
    may_extend,
)
from dataward.domain.requests.deadlines import (
    DueFor,
    Urgency,
    clock_started,
    deadline,
    due_for,
    response_due,
    urgency,
)
from dataward.domain.requests.fees import check_fee_ground
from dataward.domain.requests.model import (
    COMPLAINT_ACKNOWLEDGEMENT_DAYS,
    COMPLAINT_INVESTIGATION_DAYS,
    FORWARD_WITHIN_WORKING_DAYS,
    TERMINAL,
    UK,
    Pause,
    RightsRequest,
    Transition,
    uk_date,
)
from dataward.domain.requests.terms import (
    AuthorityProof,
    FeeGround,
    Ground,
    RefusalGround,
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    parse_ground,
)

__all__ = [
    "COMPLAINT_ACKNOWLEDGEMENT_DAYS",
    "COMPLAINT_INVESTIGATION_DAYS",
    "FORWARD_WITHIN_WORKING_DAYS",
    "LETTER_FOR",
    "TERMINAL",
    "TRANSITIONS",
    "UK",
    "AuthorityProof",
    "DueFor",
    "FeeGround",
    "Ground",
    "Move",
    "Pause",
    "RefusalGround",
    "RequestEvent",
    "RequestRefused",
    "RequestState",
    "RequestType",
    "RightsRequest",
    "Transition",
    "Urgency",
    "deadline",
    "due_for",
    "parse_ground",
    "receive",
    "require_may_move",
    "response_due",
    "transition",
    "uk_date",
    "urgency",
]


S, E = RequestState, RequestEvent
_OPEN_BEFORE_START = (S.RECEIVED, S.AWAITING_IDENTITY, S.AWAITING_FEE)
_WORKING = (S.IN_PROGRESS, S.EXTENDED)

TRANSITIONS: Final = MappingProxyType(
    {
        (S.RECEIVED, E.ASK_IDENTITY): S.AWAITING_IDENTITY,
        (S.AWAITING_IDENTITY, E.IDENTITY_VERIFIED): S.RECEIVED,
        (S.RECEIVED, E.ASK_FEE): S.AWAITING_FEE,
        (S.AWAITING_FEE, E.FEE_PAID): S.RECEIVED,
        (S.RECEIVED, E.START): S.IN_PROGRESS,
        (S.RECEIVED, E.FORWARD): S.FORWARDED_TO_CONTROLLER,
        (S.RECEIVED, E.AUTHORITY_RECEIVED): S.RECEIVED,
        (S.AWAITING_IDENTITY, E.AUTHORITY_RECEIVED): S.AWAITING_IDENTITY,
        (S.IN_PROGRESS, E.ASK_CLARIFICATION): S.AWAITING_CLARIFICATION,
        (S.AWAITING_CLARIFICATION, E.CLARIFIED): S.IN_PROGRESS,
        (S.IN_PROGRESS, E.EXTEND): S.EXTENDED,
        **{(state, E.COMPLETE): S.COMPLETED for state in _WORKING},
        **{(state, E.COMPLETE_PARTIALLY): S.PARTIALLY_COMPLETED for state in _WORKING},
        **{(state, E.REFUSE): S.REFUSED for state in (*_OPEN_BEFORE_START, *_WORKING)},
        **{
            (state, E.WITHDRAW): S.WITHDRAWN
            for state in (*_OPEN_BEFORE_START, *_WORKING, S.AWAITING_CLARIFICATION)
        },
    }
)
"""(state, event) -> the state it leads to. A pair not here is refused."""


COMPLAINT_EVENTS: Final = frozenset(
    {E.START, E.COMPLETE, E.WITHDRAW, E.ASK_IDENTITY, E.IDENTITY_VERIFIED, E.AUTHORITY_RECEIVED}
)
"""A complaint is acknowledged and answered; no fee, clarification, extension or refusal."""


def receive(request: RightsRequest, *, at: datetime, actor: str) -> Transition:
    """The first line of a new request's timeline: received, as recorded by `actor`."""
    if request.state is not RequestState.RECEIVED:
        raise RequestRefused("a new request starts as received")
    if at.tzinfo is None:
        raise ValueError("receive needs an aware time from the clock")
    return Transition(request.id, E.RECEIVE, S.RECEIVED, S.RECEIVED, at, actor)


MAX_REASON = 500
NEEDS_REASON: Final = frozenset({E.REFUSE, E.EXTEND, E.ASK_FEE})
"""Events whose reasons the requester must be given (Art. 12(3)-(5)) or the DCO must prove."""
DATED: Final = frozenset({E.IDENTITY_VERIFIED, E.FEE_PAID, E.CLARIFIED, E.AUTHORITY_RECEIVED})
"""Events that record when something arrived, which may be earlier than when it is entered."""
ASKS: Final = frozenset({E.ASK_IDENTITY, E.ASK_FEE, E.ASK_CLARIFICATION})
"""Events that ask the requester for something the clock then waits for (R1, R5)."""
ANSWERS: Final = frozenset({E.COMPLETE, E.COMPLETE_PARTIALLY, E.REFUSE})
"""Events that answer the request: late when they come after its due date."""


def require_may_move(request: RightsRequest, event: RequestEvent, *, by_tenant: bool) -> None:
    """The processor's rule (UK GDPR Art. 28(3)(a)), in one place: a request about a tenant's
    call data is answered by the tenant, its controller. Our own staff (`by_tenant` False)
    only forward one we received, or close it; one the tenant's administrator recorded is
    the controller's alone. `RequestRefused` otherwise."""
    if request.tenant_id is None or by_tenant:
        return
    if request.by_controller:
        raise RequestRefused(
            "the tenant's administrator recorded this request: it is its controller's "
            "to answer, and ours only to help with as it instructs"
        )
    if event not in (E.FORWARD, E.WITHDRAW):
        raise RequestRefused(
            "a request about a tenant's call data is answered by the tenant, its "
            "controller: forward it"
        )


@dataclass(frozen=True, slots=True)
class Move:
    """One event as it happens to a request: when, by whom, and what it carries.

    `on` is the UK date the identity, fee or answer arrived, for the events that record one
    (default: today); it can be no later than today and no earlier than the request.
    `amount` is the fee an `ask_fee` asks, in whole pence (`domain.requests.fees.fee_amount`).
    """

    event: RequestEvent
    at: datetime
    actor: str
    ground: Ground | None = None
    reason: str | None = None
    on: date | None = None
    amount: int | None = None


def transition(
    request: RightsRequest, move: Move, *, holidays: HolidayCalendar
) -> tuple[RightsRequest, Transition]:
    """The request after `move.event` at `move.at`, and the transition to record;
    `RequestRefused` (naming the rule) when the event is not allowed now."""
    event, at, ground, reason, on = move.event, move.at, move.ground, move.reason, move.on
    if at.tzinfo is None:
        raise ValueError("transition needs an aware time from the clock")
    target = TRANSITIONS.get((request.state, event))
    if target is None:
        raise RequestRefused(f"a request that is {request.state.value} cannot {event.value}")
    if request.type is RequestType.COMPLAINT and event not in COMPLAINT_EVENTS:
        raise RequestRefused(f"a complaint cannot {event.value}")
    if event is E.IDENTITY_VERIFIED and not (reason and reason.strip()):
        raise RequestRefused(
            "identity_verified needs its evidence: how identity was checked (a one-time code, "
            "a document seen, a call back to a number on record)"
        )
    if event in NEEDS_REASON and not (reason and reason.strip()):
        raise RequestRefused(f"{event.value} needs its reasons, for the record and the letter")
    if reason is not None and len(reason) > MAX_REASON:
        raise RequestRefused(f"reason: at most {MAX_REASON} characters")
    check_printable("reason", reason)
    today = at.astimezone(UK).date()
    day = today
    if on is not None:
        if event not in DATED:
            raise RequestRefused(f"{event.value} takes no date of its own")
        if not request.received <= on <= today:
            raise RequestRefused("on: between the day the request came and today")
        day = on
    changed = _apply(request, event, day, holidays=holidays, ground=ground)
    amount = move.amount
    if (amount is not None) != (event is E.ASK_FEE) or (amount is not None and amount < 1):
        raise RequestRefused("amount: the fee an ask_fee asks, in whole pence, and only that")
    if event is E.ASK_FEE:
        changed = replace(changed, fee_pence=amount)
    if event is E.AUTHORITY_RECEIVED and ground is not None:  # the proof is the record
        reason = ground.value if not reason else f"{ground.value}: {reason}"[:MAX_REASON]
    changed = _held(request, changed, event, day, holidays)
    late = _days_late(request, event, today, holidays)
    changed = replace(changed, state=target, updated_at=at, days_late=late or changed.days_late)
    change = Transition(request.id, event, request.state, target, at, move.actor, reason, late)
    return changed, change


def _held(
    request: RightsRequest,
    changed: RightsRequest,
    event: RequestEvent,
    day: date,
    holidays: HolidayCalendar,
) -> RightsRequest:
    """`changed` with its due date fixed where it stood, if `event` asks the requester for
    something after it, or brings a proof of authority nobody asked for after it."""
    if request.type is RequestType.COMPLAINT or request.fixed_due is not None:
        return changed
    due = response_due(request, holidays)
    late_ask = event in ASKS and day > due
    unasked = event is E.AUTHORITY_RECEIVED and request.state is S.RECEIVED and day > due
    return replace(changed, fixed_due=due) if late_ask or unasked else changed


def _days_late(
    request: RightsRequest, event: RequestEvent, today: date, holidays: HolidayCalendar
) -> int | None:
    """How many days after its due date an answer, or a tenant's request's forwarding to its
    controller, comes; None when it is in time."""
    if event is E.FORWARD:
        due = deadline(request, holidays)  # the forwarding's date, in working days
    elif event not in ANSWERS:
        return None
    elif request.type is RequestType.COMPLAINT:
        due = deadline(request, holidays)
    else:
        due = response_due(request, holidays)
    return (today - due).days if today > due else None


def _apply(
    request: RightsRequest,
    event: RequestEvent,
    day: date,
    *,
    holidays: HolidayCalendar,
    ground: Ground | None,
) -> RightsRequest:
    """The facts an event establishes, after checking its own rule."""
    if event is E.AUTHORITY_RECEIVED:
        if not request.representative:
            raise RequestRefused("the requester acts for themselves: no authority to prove")
        if not isinstance(ground, AuthorityProof):
            raise RequestRefused(
                "authority needs its proof: " + ", ".join(p.value for p in AuthorityProof)
            )
    if event is E.START and request.representative and request.authority_received is None:
        raise RequestRefused(
            "the requester acts for the subject: record their proof of authority first"
        )
    if event is E.ASK_FEE and not isinstance(ground, FeeGround):
        raise RequestRefused(
            "a fee needs its ground: manifestly_unfounded, manifestly_excessive or "
            "further_copy (no fee is the default)"
        )
    _late_and_fee_rules(request, event, day, ground)
    if event is E.REFUSE and not isinstance(ground, RefusalGround):
        raise RequestRefused(
            "a refusal needs its ground: manifestly_unfounded or manifestly_excessive"
        )
    if event is E.ASK_CLARIFICATION and (
        request.type is not RequestType.ACCESS or request.regime is not Regime.DUAA
    ):
        raise RequestRefused(
            "the clock stops for clarification only on access requests received from "
            "5 February 2026 (Art. 12A(5))"
        )
    if event is E.EXTEND and not may_extend(
        clock_started(request), day, holidays=holidays, paused_days=request.paused_days
    ):
        raise RequestRefused(
            "an extension must be notified within the first month (Art. 12(3)); that month "
            "has passed"
        )
    if event is E.FORWARD and request.tenant_id is None:
        raise RequestRefused("only a request about a tenant's call data goes to its controller")
    if event is E.CLARIFIED:
        return replace(request, pauses=_answered(request.pauses, day))
    complaint = request.type is RequestType.COMPLAINT
    facts: dict[RequestEvent, dict[str, Any]] = {
        E.IDENTITY_VERIFIED: {"identity_received": day},
        E.AUTHORITY_RECEIVED: {"authority_received": day},
        E.ASK_FEE: {"fee_ground": ground},
        E.FEE_PAID: {"fee_paid": day},
        E.REFUSE: {"refusal_ground": ground},
        E.ASK_CLARIFICATION: {"pauses": (*request.pauses, Pause(day))},
        E.EXTEND: {"extension_notice": day},
        E.START: {"acknowledged": request.acknowledged or day} if complaint else {},
    }
    return replace(request, **facts.get(event, {}))


def _late_and_fee_rules(
    request: RightsRequest, event: RequestEvent, day: date, ground: Ground | None
) -> None:
    """A fee only on a ground the right allows (`domain.requests.fees`); no extension once the
    request was late; a clarification answered no earlier than it was asked."""
    if event is E.ASK_FEE and isinstance(ground, FeeGround):
        check_fee_ground(request.type, ground)
    if event is E.EXTEND and request.fixed_due is not None:
        raise RequestRefused(
            f"the request is overdue since {request.fixed_due.isoformat()}: it can no longer "
            "be extended (Art. 12(3))"
        )
    if event is E.CLARIFIED and request.pauses and day < request.pauses[-1].asked:
        raise RequestRefused(
            "on: no earlier than the day the question was asked "
            f"({request.pauses[-1].asked.isoformat()})"
        )


def _answered(pauses: tuple[Pause, ...], day: date) -> tuple[Pause, ...]:
    *done, last = pauses
    return (*done, Pause(last.asked, day))


LETTER_FOR: Final = MappingProxyType(
    {
        E.RECEIVE: "acknowledgement",
        E.ASK_IDENTITY: "identity_request",
        E.ASK_FEE: "fee_request",
        E.ASK_CLARIFICATION: "clarification_request",
        E.EXTEND: "extension_notice",
        E.REFUSE: "refusal",
        E.COMPLETE: "completion",
        E.COMPLETE_PARTIALLY: "completion",
        E.FORWARD: "forwarded_to_controller",
    }
)
"""The letter the requester is sent when an event happens (none for the others)."""
