"""`/api/v1/holds`: litigation holds, which keep a subject from erasure until they are lifted.

Every route needs the `manage_holds` action (the DCO; a tenant administrator for its own
tenant's callers). A subject or a hold outside the caller's tenant scope is a 404 like one
that does not exist. A hold's reason goes in sealed and comes out only from `GET
/api/v1/holds/{hold_id}` (audited); lists never carry it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from dataward.domain.processing.litigation_holds import MAX_REASON, HoldGround, LitigationHold
from dataward.domain.requests.workflow import uk_date
from dataward.entrypoints.api.deps import ContainerDep, UseCaseDep
from dataward.entrypoints.api.fields import Day
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.processing import holds as service

router = APIRouter(prefix="/api/v1/holds", tags=["litigation holds"], route_class=TokenFirstRoute)


class HoldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_id: UUID
    ground: HoldGround
    review_on: Day = Field(description="When to review the hold; after today")
    reason: str = Field(
        min_length=1,
        max_length=MAX_REASON,
        repr=False,
        description="The claim or enquiry; sealed under the subject's key, never logged",
    )


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review_on: Day = Field(description="The next review date; after today")


class HoldOut(BaseModel):
    id: UUID
    subject_id: UUID
    tenant_id: str | None
    ground: str
    review_on: date
    placed_at: datetime
    placed_by: str
    lifted_at: datetime | None
    lifted_by: str | None
    ours: bool = Field(
        default=False,
        description="On a customer's caller, placed by our staff as the law requires: ours to "
        "lift; the customer's own holds are its to lift",
    )
    flag: str | None = Field(description="review_today or review_overdue once the date has come")

    @classmethod
    def of(cls, view: service.HoldView, customer: bool = False) -> HoldOut:
        """The hold as shown; to a `customer`, a hold of ours names none of our staff."""
        hold = view.hold
        ours_hidden = customer and hold.ours
        return cls(
            id=hold.id,
            subject_id=hold.subject_id,
            tenant_id=hold.tenant_id,
            ground=hold.ground.value,
            review_on=hold.review_on,
            placed_at=hold.placed_at,
            placed_by="us" if ours_hidden else hold.placed_by,
            lifted_at=hold.lifted_at,
            lifted_by="us" if ours_hidden and hold.lifted_by else hold.lifted_by,
            ours=hold.ours,
            flag=view.flag.value if view.flag else None,
        )


class HoldDetailOut(HoldOut):
    reason: str | None = Field(description="The reason, opened; null once the subject is erased")


def _view(container: ContainerDep, hold: LitigationHold) -> service.HoldView:
    return service.HoldView(hold, hold.flag(uk_date(container.clock.now())))


@router.post("", status_code=201, summary="Place a litigation hold on a subject")
def place(body: HoldIn, container: ContainerDep, ctx: UseCaseDep) -> HoldOut:
    """No erasure of the subject (request, shred, tenant's instruction, retention sweep) until
    the hold is lifted; audited."""
    command = service.PlaceHold(body.subject_id, body.ground, body.review_on, body.reason)
    return HoldOut.of(_view(container, service.place_hold(ctx, command)))


@router.get("", summary="The litigation holds, soonest review first")
def list_holds(
    ctx: UseCaseDep, lifted: Annotated[bool, Query(description="Lifted holds too")] = False
) -> list[HoldOut]:
    views = service.list_holds(ctx, include_lifted=lifted)
    # a customer sees that we hold its caller, never which of our staff did
    return [HoldOut.of(view, ctx.actor.tenant_id is not None) for view in views]


@router.get("/{hold_id}", summary="A litigation hold with its reason (audited)")
def show(hold_id: UUID, ctx: UseCaseDep) -> HoldDetailOut:
    view, reason = service.read_hold(ctx, hold_id)
    return HoldDetailOut(**HoldOut.of(view).model_dump(), reason=reason)


@router.put("/{hold_id}/review", summary="Record a review: the hold stands until the next")
def review(hold_id: UUID, body: ReviewIn, container: ContainerDep, ctx: UseCaseDep) -> HoldOut:
    return HoldOut.of(_view(container, service.review_hold(ctx, hold_id, body.review_on)))


@router.post("/{hold_id}/lift", summary="Lift a litigation hold")
def lift(hold_id: UUID, container: ContainerDep, ctx: UseCaseDep) -> HoldOut:
    """The subject may be erased again; audited."""
    return HoldOut.of(_view(container, service.lift_hold(ctx, hold_id)))
