"""`/api/v1/requests/{id}/...` and `/api/v1/restrictions/{id}/...`: carrying requests out.

A tenant's administrator instructs us on a request forwarded to it (export or erase its
caller); a restriction a request applied is lifted only after the person has been told.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.restrictions import ObjectionOutcome
from dataward.domain.requests.workflow import UK
from dataward.entrypoints.api.deps import ContainerDep, UseCaseDep
from dataward.entrypoints.api.fields import Day
from dataward.entrypoints.api.requests import RequestOut
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.views.calls import CallOut
from dataward.services.rights.dispatch import HowToCarryOut, carry_out
from dataward.services.rights.processor import Instruction, carry_out_instruction
from dataward.services.rights.restriction import lift_after_telling, tell_before_lifting

router = APIRouter(tags=["requests"], route_class=TokenFirstRoute)


class CorrectionIn(BaseModel):
    kind: IdentifierType = Field(description="The identifier kind to correct")
    value: str = Field(min_length=1, max_length=320, repr=False)


class FulfilIn(BaseModel):
    """What some rights need; the others need nothing."""

    notice_version: str | None = Field(
        None, max_length=40, description="Withdrawal, objection: the notice in force"
    )
    last_transaction: Day | None = Field(
        None, description="Erasure: the subject's last transaction, for the tax hold's date"
    )
    corrections: list[CorrectionIn] = Field(default_factory=list, description="Rectification")
    statement: str | None = Field(None, max_length=2000, repr=False, description="Rectification")
    decision: ObjectionOutcome | None = Field(
        None, description="Objection to legitimate interests: upheld or compelling_grounds"
    )
    reasoning: str | None = Field(None, max_length=500, description="Compelling grounds: why")


class FulfilOut(BaseModel):
    request: RequestOut
    outcome: dict[str, Any]


@router.post(
    "/api/v1/requests/{request_id}/fulfilment",
    summary="Carry out a started, verified request by its right, and complete it",
)
def fulfil(request_id: UUID, body: FulfilIn, container: ContainerDep, ctx: UseCaseDep) -> FulfilOut:
    how = HowToCarryOut(
        delivery=container.delivery(),
        notice_version=body.notice_version,
        last_transaction=body.last_transaction,
        corrections=[(c.kind, c.value) for c in body.corrections],
        statement=body.statement,
        decision=body.decision,
        reasoning=body.reasoning,
    )
    view, outcome = carry_out(ctx, request_id, how)
    today = ctx.clock.now().astimezone(UK).date()
    return FulfilOut(request=RequestOut.of(view, today), outcome=outcome)


class InstructionIn(BaseModel):
    kind: Instruction = Field(description="export: the caller's calls; erase: the caller")
    subject_id: UUID | None = Field(None, description="The caller, if the request names none")


class QuarantinedLineOut(BaseModel):
    ingest_id: int
    source: str = Field(description="The ingest's label (`file-7.log`), never a file's name")
    line: int
    reason: str
    text: str = Field(description="The line as the tenant's file had it")
    certain: bool = Field(
        description="Whether the caller is named in a field of the line that can name someone; "
        "false for a line of no known shape, which may be another person's: read it first"
    )


class InstructionOut(BaseModel):
    request_id: UUID
    kind: Instruction
    outcome: dict[str, Any]
    calls: list[CallOut] = Field(default_factory=list, description="An export's calls")
    quarantined_lines: list[QuarantinedLineOut] = Field(
        default_factory=list,
        description="An export's quarantined lines that name the caller (bad lines of the "
        "tenant's files), in plain text",
    )


@router.post(
    "/api/v1/requests/{request_id}/instructions",
    summary="The tenant's instruction on a request forwarded to it, carried out",
)
def instruct(request_id: UUID, body: InstructionIn, ctx: UseCaseDep) -> InstructionOut:
    done = carry_out_instruction(ctx, request_id, body.kind, subject_id=body.subject_id)
    return InstructionOut(
        request_id=done.request_id,
        kind=done.kind,
        outcome=done.outcome,
        calls=[CallOut.of(view) for view in done.calls],
        quarantined_lines=[
            QuarantinedLineOut(
                ingest_id=q.ingest_id,
                source=q.source,
                line=q.line,
                reason=q.reason,
                text=q.text,
                certain=q.certain,
            )
            for q in done.quarantined
        ],
    )


@router.post(
    "/api/v1/restrictions/{restriction_id}/lifting-notice",
    status_code=202,
    summary="Queue the letter telling the person their restriction will be lifted",
)
def lifting_notice(restriction_id: UUID, ctx: UseCaseDep) -> dict[str, str]:
    tell_before_lifting(ctx, restriction_id)
    return {"status": "queued"}


@router.post(
    "/api/v1/restrictions/{restriction_id}/lift",
    summary="Lift a request's restriction once the letter telling the person has gone",
)
def lift(restriction_id: UUID, ctx: UseCaseDep) -> dict[str, str]:
    lifted = lift_after_telling(ctx, restriction_id)
    told = lifted.subject_told_at.isoformat() if lifted.subject_told_at else ""
    return {"restriction": str(lifted.id), "subject_told_at": told}
