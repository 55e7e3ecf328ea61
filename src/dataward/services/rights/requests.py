"""Use cases of the rights-request workflow: receive a request, move it on, read the queue.

Every state change goes through `domain.requests.workflow.transition`; this module loads the
request, applies the transition, stores it over the version it read (a concurrent change refuses
this one: `WriteConflict`), recomputes the due date, and audits the change, all in one
transaction. Requests about a tenant's call data are the tenant's (its controller decides):
a tenant administrator works only its own tenant's requests; the DCO works every request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.errors import ActionNotAllowed, NotFound, WriteConflict
from dataward.domain.permissions import require
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.requests.fees import check_further_copy, fee_amount
from dataward.domain.requests.flags import (
    IDENTITY_WITHIN_WORKING_DAYS,
    transition_flags,
)
from dataward.domain.requests.workflow import (
    LETTER_FOR,
    FeeGround,
    Ground,
    Move,
    RequestEvent,
    RequestRefused,
    RequestType,
    RightsRequest,
    Transition,
    deadline,
    require_may_move,
    transition,
)
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class RequestView:
    request: RightsRequest
    due: date
    flag: str | None = None
    """Why the DCO should look at it, one reason a line: it repeats an earlier request, it
    was answered late..."""
    outcome: Mapping[str, Any] | None = None
    """What carrying it out did: erased, kept and why, sent, corrected... (no personal data)."""


@dataclass(frozen=True, slots=True)
class LetterView:
    letter: str
    queued_at: datetime
    sent_at: datetime | None


def advance(ctx: UseCase, request_id: UUID | str, step: Step) -> RequestView:
    """Apply one event to a request; `RequestRefused` if the state machine does not allow it.

    `step.letters` are queued with the change beside the requester's (kind, sealed payload):
    the letter to a tenant's controller that a forward needs (`services.rights.processor`).
    `step.letter_payload` (sealed under the request's key) goes with the requester's letter,
    e.g. a download link in a completion letter; `step.outcome` is stored as what carrying the
    request out did, in the same transaction. `step.fee_pence` replaces the register's fee for
    an `ask_fee`, within its bounds. Identity asked more than `step.identity_within` working
    days after receipt is flagged for the DCO, as is whatever comes after the due date.

    A request about a tenant's call data is the tenant's to answer (we are its processor):
    our own staff may only forward it to the tenant's controller, or close it as withdrawn.
    A complaint is completed with its outcome (`services.rights.complaints`).
    """
    uow, event = ctx.uow, step.event
    if not 1 <= step.identity_within <= 30:
        raise RequestRefused("identity_within: 1 to 30 working days")
    with uow:
        found = workable_request(uow, ctx.register, ctx.actor, request_id, event)
        if found[0].type is RequestType.COMPLAINT and event is RequestEvent.COMPLETE:
            raise RequestRefused(
                "a complaint is completed with its outcome: what was found and what was done"
            )
        if event is RequestEvent.FORWARD and not step.letters:
            raise RequestRefused("forward through forward_to_controller, which writes to it")
        view = apply_step(ctx, found, step)
        uow.commit()
    return view


@dataclass(frozen=True, slots=True)
class Step:
    """One event to apply to a request, with what it carries (see `advance`)."""

    event: RequestEvent
    ground: Ground | None = None
    reason: str | None = None
    on: date | None = None
    letters: Sequence[tuple[str, bytes | None]] = ()
    letter: str | None = None
    """The requester's letter, when not the event's usual one (`LETTER_FOR`)."""
    letter_payload: bytes | None = field(default=None, repr=False)
    outcome: Mapping[str, Any] | None = None
    fee_pence: int | None = None
    identity_within: int = IDENTITY_WITHIN_WORKING_DAYS


def workable_request(
    uow: UnitOfWork,
    register: Register,
    actor: Actor,
    request_id: UUID | str,
    event: RequestEvent,
) -> tuple[RightsRequest, int]:
    """The request and its version, if the actor may move it on by `event`: a request about
    a tenant's call data is only forwarded or withdrawn by our own staff, and one the tenant's
    administrator recorded (with its controller already) not even that."""
    request, version, _ = visible_request(uow, register, actor, request_id)
    require_may_move(request, event, by_tenant=actor.tenant_id is not None)
    return request, version


def apply_step(ctx: UseCase, found: tuple[RightsRequest, int], step: Step) -> RequestView:
    """Inside the caller's transaction (`ctx.uow`): move the request on now, store it over its
    version with the change, its letters, its outcome, its flags and its audit entry."""
    uow, holidays, now = ctx.uow, ctx.holidays, ctx.clock.now()
    request, version = found
    amount = step.fee_pence
    if step.event is RequestEvent.ASK_FEE and isinstance(step.ground, FeeGround):
        amount = fee_amount(ctx.register.fees, step.ground, step.fee_pence)
    move = Move(step.event, now, ctx.actor.id, step.ground, step.reason, step.on, amount)
    changed, change = transition(request, move, holidays=holidays)
    if step.event is RequestEvent.ASK_FEE and step.ground is FeeGround.FURTHER_COPY:
        _copy_supplied_before(uow, request)
    due = deadline(changed, holidays)
    if not uow.requests.save(changed, version=version, due=due, change=change):
        raise WriteConflict("the request was changed meanwhile: read it again")
    letter = step.letter or LETTER_FOR.get(step.event)
    # a request the tenant recorded is the controller's to answer: it writes to its caller
    # itself, and no letter of ours speaks for it
    if letter is not None and not changed.by_controller and uow.requests.contact(changed.id):
        uow.requests.queue_letter(changed.id, letter, now, step.letter_payload)  # with it
    for kind, payload in step.letters:
        uow.requests.queue_letter(changed.id, kind, now, payload)
    if step.outcome is not None:
        uow.requests.set_outcome(changed.id, step.outcome)
    uow.requests.add_flags(
        changed.id,
        transition_flags(request, changed, change, holidays, identity_within=step.identity_within),
    )
    uow.audit.append(audit_entry(changed, due, change))
    return RequestView(changed, due, uow.requests.flag_of(changed.id), step.outcome)


def _copy_supplied_before(uow: UnitOfWork, request: RightsRequest) -> None:
    """`FeeNotAllowed` unless an earlier access request of the subject supplied a copy, which
    a further-copy fee needs (Art. 15(3))."""
    subject = request.subject_id
    others = () if subject is None else uow.requests.for_subject(subject)
    check_further_copy(
        ((r.type, r.state) for r in others if r.id != request.id), has_subject=subject is not None
    )


def request_queue(reading: UseCase, *, include_closed: bool = False) -> list[RequestView]:
    """Open requests (or all), the soonest due first; a tenant administrator sees its own."""
    uow, actor = reading.uow, reading.actor
    require(reading.register, actor, StaffAction.MANAGE_REQUESTS, tenant_id=actor.tenant_id)
    with uow:
        found = uow.requests.queue(tenant_id=actor.tenant_id, include_closed=include_closed)
    return [RequestView(request, due, flag) for request, due, flag in found]


def request_timeline(
    reading: UseCase, request_id: UUID | str
) -> tuple[RequestView, Sequence[Transition], list[LetterView]]:
    """A request, every transition it went through, and every letter queued and sent."""
    uow = reading.uow
    with uow:
        request, _, due = visible_request(uow, reading.register, reading.actor, request_id)
        events = uow.requests.timeline(request.id)
        letters = [LetterView(*row) for row in uow.requests.letters_of(request.id)]
        flag = uow.requests.flag_of(request.id)
        outcome = uow.requests.outcome_of(request.id)
    return RequestView(request, due, flag, outcome), events, letters


def visible_request(
    uow: UnitOfWork, register: Register, actor: Actor, request_id: UUID | str
) -> tuple[RightsRequest, int, date]:
    """The request (with its version and due date), if the actor may work it; another
    tenant's answers as not found, the same as one that does not exist."""
    found = uow.requests.get(request_id)
    if found is None:
        raise NotFound("request", str(request_id))
    request = found[0]
    try:
        require(register, actor, StaffAction.MANAGE_REQUESTS, tenant_id=request.tenant_id)
    except ActionNotAllowed:
        if actor.tenant_id is not None and request.tenant_id != actor.tenant_id:
            raise NotFound("request", str(request_id)) from None
        raise
    return found


def audit_entry(request: RightsRequest, due: date, change: Transition) -> AuditDraft:
    """The audit entry of a request's change, by whom and when the change says: its receipt
    (the first line of its timeline) as received, every later change as a transition."""
    received = change.event is RequestEvent.RECEIVE
    details: dict[str, object] = {
        "request": str(request.id),
        "type": request.type.value,
        "state": request.state.value,
        "due": due.isoformat(),
        "tenant": request.tenant_id or "",
    }
    if not received:
        details["event"] = change.event.value
        details["from"] = change.from_state.value
        if change.days_late:
            details["days_late"] = change.days_late
        if change.event is RequestEvent.ASK_FEE and request.fee_pence is not None:
            details["fee_pence"] = request.fee_pence
    return AuditDraft(
        at=change.at,
        actor=change.actor,
        action=AuditAction.REQUEST_RECEIVED if received else AuditAction.REQUEST_TRANSITION,
        subject_ref=request.subject_id,
        details=details,
    )
