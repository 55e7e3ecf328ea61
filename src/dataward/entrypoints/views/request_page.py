"""A rights request as the console shows it: which actions its state allows, in plain words.

The state machine decides (`domain.requests.workflow.TRANSITIONS` and its rules, run here
only to choose which forms to offer); the services decide again when a form is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dataward.domain.calendar import Regime
from dataward.domain.requests.workflow import (
    TRANSITIONS,
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    RightsRequest,
    Urgency,
    require_may_move,
    urgency,
)
from dataward.domain.subjects import Actor

E = RequestEvent


@dataclass(frozen=True, slots=True)
class Action:
    slug: str
    """The last part of the form's address: `/console/requests/{id}/{slug}`."""
    label: str
    event: RequestEvent | None
    """The state machine's event; None for what a service does in several steps."""


ACTIONS: tuple[Action, ...] = (
    Action("ask-identity", "Ask for proof of identity", E.ASK_IDENTITY),
    Action("verify-identity", "Record identity as verified", E.IDENTITY_VERIFIED),
    Action("authority", "Record the representative's authority", E.AUTHORITY_RECEIVED),
    Action("ask-fee", "Ask a fee", E.ASK_FEE),
    Action("fee-paid", "Record the fee as paid", E.FEE_PAID),
    Action("start", "Start work on it", E.START),
    Action("clarify", "Ask the requester to clarify", E.ASK_CLARIFICATION),
    Action("clarified", "Record the clarification as received", E.CLARIFIED),
    Action("extend", "Extend, with notice", E.EXTEND),
    Action("fulfil", "Fulfil and complete", None),
    Action("complete", "Complete the complaint", E.COMPLETE),
    Action("forward", "Forward to the tenant's controller", E.FORWARD),
    Action("instruct", "Instruct us on the caller", None),
    Action("refuse", "Refuse, with reasons", E.REFUSE),
    Action("withdraw", "Record as withdrawn", E.WITHDRAW),
)
BY_SLUG = {action.slug: action for action in ACTIONS}

COMPLAINT_EVENTS = frozenset(
    {E.START, E.COMPLETE, E.WITHDRAW, E.ASK_IDENTITY, E.IDENTITY_VERIFIED, E.AUTHORITY_RECEIVED}
)
_WORKING = frozenset({RequestState.IN_PROGRESS, RequestState.EXTENDED})


def allowed_actions(request: RightsRequest, actor: Actor) -> list[Action]:
    """The forms to offer `actor` on `request` in its present state."""
    return [action for action in ACTIONS if _allowed(request, actor, action)]


def _allowed(request: RightsRequest, actor: Actor, action: Action) -> bool:
    complaint = request.type is RequestType.COMPLAINT
    if action.slug == "instruct":
        return (
            request.state is RequestState.FORWARDED_TO_CONTROLLER
            and actor.tenant_id is not None
            and actor.tenant_id == request.tenant_id
        )
    if action.slug == "fulfil":
        event = E.COMPLETE
        if complaint or request.state not in _WORKING:
            return False
    else:
        event = action.event or E.RECEIVE
    if (request.state, event) not in TRANSITIONS:
        return False
    if complaint and event not in COMPLAINT_EVENTS:
        return False
    if event is E.COMPLETE and action.slug == "complete" and not complaint:
        return False
    return _rule_allows(request, actor, event)


def _rule_allows(request: RightsRequest, actor: Actor, event: RequestEvent) -> bool:
    try:
        require_may_move(request, event, by_tenant=actor.tenant_id is not None)
    except RequestRefused:
        return False
    if event is E.AUTHORITY_RECEIVED:
        return request.representative
    if event is E.ASK_CLARIFICATION:
        return request.type is RequestType.ACCESS and request.regime is Regime.DUAA
    if event is E.FORWARD:
        return request.tenant_id is not None and not request.by_controller
    if event is E.EXTEND:
        return request.fixed_due is None
    return True


URGENCY_WORDS = {Urgency.OVERDUE: "Overdue", Urgency.THIS_WEEK: "Due this week"}


def urgency_words(request: RightsRequest, due: date, today: date) -> str:
    """How the queue marks a request: overdue, due this week, late when answered, or nothing."""
    if request.days_late:
        return f"Answered {request.days_late} day{'s' if request.days_late != 1 else ''} late"
    mark = urgency(request, due, today)
    return URGENCY_WORDS.get(mark, "") if mark is not None else ""


def words(value: str) -> str:
    """An enum's value as words: `awaiting_identity` -> `awaiting identity`."""
    return value.replace("_", " ")
