"""`/api/v1/retention`: the plan (a dry run), the sweep, and the evidence of past sweeps.

The plan and the sweep reach every tenant's data: they need the maintenance action (the DCO);
the history is for them and for auditors. Bodies are small and closed (`extra` forbidden);
ids only, never an identifier.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from dataward.entrypoints.api.deps import ReadingDep, UseCaseDep
from dataward.entrypoints.api.fields import Day
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.views.retention import PlanOut, SweepOut
from dataward.services.retention.history import MOST, retention_history
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import BATCH, MOST_BATCH, SweepRetention, sweep_retention

router = APIRouter(prefix="/api/v1/retention", tags=["retention"], route_class=TokenFirstRoute)


class SweepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: Day | None = Field(default=None, description="The day to sweep as of; not after today")
    tenant: str | None = Field(default=None, max_length=64, description="Only this tenant")
    batch_size: int = Field(default=BATCH, ge=1, le=MOST_BATCH, description="Items a transaction")


@router.get("/plan", summary="What a sweep would remove and keep (a dry run)")
def plan(
    ctx: ReadingDep,
    as_of: Annotated[Day | None, Query(description="The day, today if left out")] = None,
) -> PlanOut:
    return PlanOut.of(retention_plan(ctx, as_of))


@router.post("/sweep", summary="Sweep: delete what the rules let go, keep what is held")
def sweep(body: SweepIn, ctx: UseCaseDep) -> list[SweepOut]:
    """In batches, each its own transaction; resumes an interrupted sweep; safe to repeat."""
    done = sweep_retention(ctx, SweepRetention(body.as_of, body.tenant, body.batch_size))
    return [SweepOut.of_record(record) for record in done]


@router.get("/history", summary="The evidence of past sweeps, newest first")
def history(ctx: ReadingDep, limit: Annotated[int, Query(ge=1, le=MOST)] = 100) -> list[SweepOut]:
    return [SweepOut.of_record(record) for record in retention_history(ctx, limit)]
