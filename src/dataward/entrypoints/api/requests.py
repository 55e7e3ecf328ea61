"""`/api/v1/requests`: rights requests and complaints, their transitions, the DCO's queue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from dataward.domain.clock import Clock
from dataward.domain.requests.fees import CEILING_PENCE
from dataward.domain.requests.workflow import (
    UK,
    DueFor,
    RequestEvent,
    RequestRefused,
    RequestType,
    Urgency,
    due_for,
    parse_ground,
    urgency,
)
from dataward.entrypoints.api.deps import ContainerDep, ReadingDep, UseCaseDep
from dataward.entrypoints.api.fields import Day
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.views.complaints import TransitionOut
from dataward.services.rights import intake
from dataward.services.rights import requests as service
from dataward.services.rights.complaints import (
    ComplaintOutcome,
    complaint_outcome,
    complete_complaint,
)
from dataward.services.rights.processor import forward_to_controller

router = APIRouter(prefix="/api/v1/requests", tags=["requests"], route_class=TokenFirstRoute)


class RequestIn(BaseModel):
    type: RequestType
    received: Day = Field(description="The day it was received (may be earlier than today).")
    channel: str = Field(
        "api", pattern=f"^({'|'.join(intake.CHANNELS)})$", description="How it came in"
    )
    tenant_id: str | None = Field(None, description="When it is about a tenant's call data")
    subject_id: UUID | None = None
    contact_email: str | None = Field(
        None, repr=False, description="Where the requester's letters go (kept encrypted)"
    )
    contact_name: str | None = Field(None, repr=False, max_length=200)
    representative: bool = Field(
        default=False, description="Made by someone acting for the subject (prove authority)"
    )
    scope: str | None = Field(
        None,
        max_length=96,
        description="Restriction: its ground; objection: direct_marketing or "
        "legitimate_interests:<purpose>",
    )


class RequestOut(BaseModel):
    id: UUID
    type: str
    state: str
    received: date
    channel: str
    tenant_id: str | None
    by_controller: bool = Field(
        default=False,
        description="About a tenant's call data and recorded by its administrator: with its "
        "controller, to answer, not to forward",
    )
    subject_id: UUID | None
    due: date
    closed: bool
    flag: str | None = None
    representative: bool = False
    scope: str | None = None
    urgency: Urgency | None = Field(None, description="overdue or this_week, when open")
    outcome: dict[str, Any] | None = Field(
        None, description="What carrying it out did: counts, categories, dates and reasons"
    )
    due_for: DueFor = Field(
        DueFor.ANSWER,
        description="What `due` is the date of: the answer, its forwarding to a tenant, a "
        "complaint's acknowledgement or the target for its outcome",
    )
    fixed_due: date | None = Field(
        None, description="The due date, fixed when something was asked after it: overdue"
    )
    days_late: int | None = Field(None, description="Refused or completed this many days late")
    fee_ground: str | None = None
    fee_pence: int | None = Field(None, description="The fee asked, in whole pence")

    @classmethod
    def of(cls, view: service.RequestView, today: date | None = None) -> RequestOut:
        r = view.request
        return cls(
            id=r.id,
            type=r.type.value,
            state=r.state.value,
            received=r.received,
            channel=r.channel,
            tenant_id=r.tenant_id,
            by_controller=r.by_controller,
            subject_id=r.subject_id,
            due=view.due,
            closed=r.closed,
            flag=view.flag,
            representative=r.representative,
            scope=r.scope,
            urgency=urgency(r, view.due, today) if today else None,
            outcome=dict(view.outcome) if view.outcome is not None else None,
            due_for=due_for(r),
            fixed_due=r.fixed_due,
            days_late=r.days_late,
            fee_ground=r.fee_ground.value if r.fee_ground else None,
            fee_pence=r.fee_pence,
        )


class EventIn(BaseModel):
    event: RequestEvent
    ground: str | None = Field(
        None,
        description="For ask_fee: manifestly_unfounded, manifestly_excessive or further_copy; "
        "(further_copy for an access request only, once an earlier access request of the "
        "same subject was completed); "
        "for refuse: manifestly_unfounded or manifestly_excessive; for authority_received: "
        "written_authority, power_of_attorney, parental_responsibility, court_deputyship or "
        "solicitor",
    )
    reason: str | None = Field(
        None,
        max_length=500,
        description="Why; needed for refuse, extend and ask_fee, and the evidence for "
        "identity_verified",
    )
    on: Day | None = Field(
        None,
        description="identity_verified, fee_paid, clarified, authority_received: the day it "
        "arrived",
    )
    amount_pence: int | None = Field(
        None,
        strict=True,
        ge=1,
        le=CEILING_PENCE,
        description="ask_fee: the fee in whole pence, instead of the register's for the "
        "ground (at most the register's fees.max_pence)",
    )
    found: str | None = Field(
        None, max_length=2000, repr=False, description="complete, a complaint: what was found"
    )
    done: str | None = Field(
        None, max_length=2000, repr=False, description="complete, a complaint: what was done"
    )


class LetterOut(BaseModel):
    letter: str
    queued_at: datetime
    sent_at: datetime | None


class ComplaintOutcomeOut(BaseModel):
    found: str
    done: str


class TimelineOut(BaseModel):
    request: RequestOut
    timeline: list[TransitionOut]
    letters: list[LetterOut]
    complaint_outcome: ComplaintOutcomeOut | None = Field(
        None, description="A completed complaint: what was found and what was done"
    )


@router.post("", status_code=201, summary="Record a rights request or a complaint")
def create(body: RequestIn, container: ContainerDep, ctx: UseCaseDep) -> RequestOut:
    view = intake.receive_request(
        ctx,
        intake.NewRequest(
            type=body.type,
            received=body.received,
            channel=body.channel,
            tenant_id=body.tenant_id,
            subject_id=body.subject_id,
            contact_email=body.contact_email,
            contact_name=body.contact_name,
            representative=body.representative,
            scope=body.scope,
        ),
        repeat_window_days=container.settings.repeat_window_days,
        forward_within=container.settings.forward_working_days,
    )
    return RequestOut.of(view, _today(ctx.clock))


def _today(clock: Clock) -> date:
    return clock.now().astimezone(UK).date()


@router.get("", summary="The queue: open requests, the soonest due first")
def queue(
    reading: ReadingDep,
    include_closed: Annotated[bool, Query(alias="all")] = False,
    due: Annotated[
        Urgency | None, Query(description="Only those overdue, or due this week")
    ] = None,
) -> list[RequestOut]:
    views = service.request_queue(reading, include_closed=include_closed)
    today = _today(reading.clock)
    shown = [RequestOut.of(v, today) for v in views]
    return [out for out in shown if due is None or out.urgency is due]


@router.get("/{request_id}", summary="A request and its timeline")
def show(request_id: UUID, reading: ReadingDep, ctx: UseCaseDep) -> TimelineOut:
    view, events, letters = service.request_timeline(reading, request_id)
    answered = None
    if view.request.type is RequestType.COMPLAINT:
        answered = complaint_outcome(ctx, request_id)
    return TimelineOut(
        request=RequestOut.of(view, _today(ctx.clock)),
        timeline=[TransitionOut.of(e) for e in events],
        letters=[
            LetterOut(letter=x.letter, queued_at=x.queued_at, sent_at=x.sent_at) for x in letters
        ],
        complaint_outcome=(
            ComplaintOutcomeOut(found=answered.found, done=answered.done) if answered else None
        ),
    )


@router.post("/{request_id}/events", summary="Move a request on by one event")
def post_event(
    request_id: UUID, body: EventIn, container: ContainerDep, ctx: UseCaseDep
) -> RequestOut:
    ground = parse_ground(body.event, body.ground)
    if body.found is not None or body.done is not None:
        if body.event is not RequestEvent.COMPLETE:
            raise RequestRefused("found and done: only to complete a complaint")
        outcome = ComplaintOutcome(found=body.found or "", done=body.done or "")
        return RequestOut.of(complete_complaint(ctx, request_id, outcome), _today(ctx.clock))
    if body.event is RequestEvent.FORWARD:  # with its letter to the tenant's controller
        return RequestOut.of(forward_to_controller(ctx, request_id), _today(ctx.clock))
    view = service.advance(
        ctx,
        request_id,
        service.Step(
            body.event,
            ground=ground,
            reason=body.reason,
            on=body.on,
            fee_pence=body.amount_pence,
            identity_within=container.settings.identity_within_working_days,
        ),
    )
    return RequestOut.of(view, _today(ctx.clock))


@router.post(
    "/{request_id}/verification-code",
    status_code=202,
    summary="Send the requester a one-time code to confirm who they are",
)
def send_verification_code(
    request_id: UUID, reading: ReadingDep, ctx: UseCaseDep
) -> dict[str, str]:
    from dataward.services.rights.verification import send_code

    service.request_timeline(reading, request_id)
    send_code(ctx, request_id)
    return {"status": "queued"}
