"""`/api/v1/subjects/{id}/consents|restrictions|objections`: what the gate needs to know.

Each route builds the service's command and acts as the token's staff member; the services
check the register's staff actions and tenant scope, and refuse what the law does not allow
(consent for a purpose that does not rest on it, lifting a restriction before telling the
subject, overriding a direct-marketing objection). Before any of that, the subject of the path
must be one the caller's role may know of, and a restriction or objection named in the path
must be that subject's: otherwise the answer is the one 404 of an unknown subject.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from dataward.domain.processing.consent import ConsentEvent, ConsentMethod
from dataward.domain.processing.restrictions import (
    Objection,
    ObjectionKind,
    ObjectionOutcome,
    Restriction,
    RestrictionGround,
)
from dataward.entrypoints.api.deps import ReadingDep, UseCaseDep, get_visible_subject
from dataward.entrypoints.api.fields import Instant
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.processing import consent, lookup, objections, restrictions

router = APIRouter(
    prefix="/api/v1/subjects/{subject_id}",
    tags=["consent and objections"],
    dependencies=[Depends(get_visible_subject)],
    route_class=TokenFirstRoute,
)


class ConsentIn(BaseModel):
    purpose: str
    channel: str | None = None
    given: bool = Field(description="true to record consent given, false to record withdrawal")
    method: ConsentMethod
    notice_version: str = Field(description="Version of the notice the person was shown")
    evidence_ref: str | None = Field(None, max_length=200)


class ConsentOut(BaseModel):
    purpose: str
    channel: str | None
    state: str
    method: str
    notice_version: str
    at: datetime
    evidence_ref: str | None

    @classmethod
    def of(cls, event: ConsentEvent) -> ConsentOut:
        return cls(
            purpose=event.purpose,
            channel=event.channel,
            state=event.state.value,
            method=event.method.value,
            notice_version=event.notice_version,
            at=event.at,
            evidence_ref=event.evidence_ref,
        )


class ConsentStateOut(BaseModel):
    purpose: str
    channel: str | None
    state: str


class RestrictionIn(BaseModel):
    ground: RestrictionGround
    categories: list[str] | None = Field(None, description="Only these categories; all if none")
    ends_at: Instant | None = Field(None, description="When it ends, with its zone")
    request_ref: str | None = Field(None, max_length=64)


class RestrictionOut(BaseModel):
    id: UUID
    ground: str
    categories: list[str] | None
    starts_at: datetime
    ends_at: datetime | None
    lifted_at: datetime | None
    subject_told_at: datetime | None

    @classmethod
    def of(cls, r: Restriction) -> RestrictionOut:
        return cls(
            id=r.id,
            ground=r.ground.value,
            categories=sorted(r.scope) if r.scope is not None else None,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            lifted_at=r.lifted_at,
            subject_told_at=r.subject_told_at,
        )


class LiftIn(BaseModel):
    subject_told_at: Instant | None = Field(
        description="When the subject was told the restriction would be lifted (Art. 18(3)), "
        "with its zone"
    )


class ObjectionIn(BaseModel):
    kind: ObjectionKind
    purpose: str | None = Field(None, description="The legitimate-interests purpose objected to")
    request_ref: str | None = Field(None, max_length=64)


class ObjectionOut(BaseModel):
    id: UUID
    kind: str
    purpose: str
    outcome: str
    received_at: datetime
    decided_at: datetime | None
    reasoning: str | None

    @classmethod
    def of(cls, o: Objection) -> ObjectionOut:
        return cls(
            id=o.id,
            kind=o.kind.value,
            purpose=o.purpose,
            outcome=o.outcome.value,
            received_at=o.received_at,
            decided_at=o.decided_at,
            reasoning=o.reasoning,
        )


class DecisionIn(BaseModel):
    outcome: ObjectionOutcome
    reasoning: str | None = Field(None, description="Required for compelling grounds")


@router.post("/consents", status_code=201, summary="Record consent given or withdrawn")
def record_consent(subject_id: UUID, body: ConsentIn, ctx: UseCaseDep) -> list[ConsentOut]:
    if body.given:
        event = consent.record_consent(
            ctx,
            consent.GiveConsent(
                subject_id=subject_id,
                purpose=body.purpose,
                channel=body.channel,
                method=body.method,
                notice_version=body.notice_version,
                evidence_ref=body.evidence_ref,
            ),
        )
        return [ConsentOut.of(event)]
    events = consent.withdraw_consent(
        ctx,
        consent.WithdrawConsent(
            subject_id=subject_id,
            purpose=body.purpose,
            channel=body.channel,
            method=body.method,
            notice_version=body.notice_version,
            evidence_ref=body.evidence_ref,
        ),
    )
    return [ConsentOut.of(e) for e in events]


@router.get("/consents", summary="Where each consent stands now")
def consent_state(subject_id: UUID, reading: ReadingDep) -> list[ConsentStateOut]:
    state = consent.consent_state_for(reading, subject_id)
    return [
        ConsentStateOut(purpose=purpose, channel=channel, state=value.value)
        for (purpose, channel), value in sorted(state.items(), key=lambda kv: str(kv[0]))
    ]


@router.post("/restrictions", status_code=201, summary="Restrict processing (Art. 18)")
def restrict(subject_id: UUID, body: RestrictionIn, ctx: UseCaseDep) -> RestrictionOut:
    applied = restrictions.apply_restriction(
        ctx,
        restrictions.ApplyRestriction(
            subject_id=subject_id,
            ground=body.ground,
            categories=body.categories,
            ends_at=body.ends_at,
            request_ref=body.request_ref,
        ),
    )
    return RestrictionOut.of(applied)


@router.post("/restrictions/{restriction_id}/lift", summary="Lift a restriction, once told")
def lift(subject_id: UUID, restriction_id: UUID, body: LiftIn, ctx: UseCaseDep) -> RestrictionOut:
    lookup.require_restriction_of(ctx, subject_id, restriction_id)
    lifted = restrictions.lift_restriction(
        ctx, restrictions.LiftRestriction(restriction_id, body.subject_told_at)
    )
    return RestrictionOut.of(lifted)


@router.post("/objections", status_code=201, summary="Record an objection (Art. 21)")
def object_to(subject_id: UUID, body: ObjectionIn, ctx: UseCaseDep) -> ObjectionOut:
    recorded = objections.record_objection(
        ctx,
        objections.RecordObjection(
            subject_id=subject_id,
            kind=body.kind,
            purpose=body.purpose,
            request_ref=body.request_ref,
        ),
    )
    return ObjectionOut.of(recorded)


@router.post("/objections/{objection_id}/decision", summary="Decide an objection")
def decide(subject_id: UUID, objection_id: UUID, body: DecisionIn, ctx: UseCaseDep) -> ObjectionOut:
    lookup.require_objection_of(ctx, subject_id, objection_id)
    decided = objections.decide_objection(
        ctx, objections.DecideObjection(objection_id, body.outcome, body.reasoning)
    )
    return ObjectionOut.of(decided)
