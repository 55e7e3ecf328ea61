"""`/api/v1/jobs`: background jobs, their state and results; and asking for one.

A job is seen by whoever may run maintenance, by whoever may ingest its tenant's calls (an
ingest's), and by whoever asked for it; to anyone else it is a 404 like one that does not
exist. A call batch becomes a job with `POST /api/v1/tenants/{tenant}/calls?background=true`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from dataward.bootstrap import Container
from dataward.bootstrap_jobs import relay_jobs
from dataward.domain.errors import InvalidValue
from dataward.domain.jobs import Job, JobKind, JobState, NewJob
from dataward.domain.subjects import Actor
from dataward.entrypoints.api.deps import ContainerDep, ReadingDep, UseCaseDep
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.context import UseCase
from dataward.services.jobs.rights import may_do
from dataward.services.jobs.submit import JobFilter, list_jobs, show_job, submit_job

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], route_class=TokenFirstRoute)


class JobOut(BaseModel):
    id: str
    kind: JobKind
    state: JobState
    tenant: str | None
    asked_by: str
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None = Field(description="Why it failed, in fixed words")
    result: dict[str, Any] = Field(description="Counts and ids, never content")

    @classmethod
    def of(cls, job: Job, reader: Actor) -> JobOut:
        """The job as `reader` sees it: who asked by their id to our own staff and to the one
        who asked; to a tenant's own staff, another's id is only "staff"."""
        asked_by = job.actor.id
        if reader.tenant_id is not None and job.actor != reader:
            asked_by = "staff"
        return cls(
            id=job.id,
            kind=job.kind,
            state=job.state,
            tenant=job.tenant_id,
            asked_by=asked_by,
            attempts=job.attempts,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            error=job.error,
            result=dict(job.result),
        )


@router.get("", summary="Background jobs, the newest first")
def get_jobs(
    ctx: ReadingDep,
    state: JobState | None = None,
    kind: JobKind | None = None,
    tenant: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[JobOut]:
    found = list_jobs(ctx, JobFilter(state, kind, tenant, limit))
    return [JobOut.of(j, ctx.actor) for j in found]


@router.get("/{job_id}", summary="A background job")
def get_job(job_id: UUID, ctx: ReadingDep) -> JobOut:
    return JobOut.of(show_job(ctx, str(job_id)), ctx.actor)


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["outbox", "retention_sweep", "key_sweep", "alerts", "fulfil"]
    request: UUID | None = Field(None, description="fulfil: the rights request to carry out")


@router.post("", status_code=202, summary="Ask for a background job")
async def post_job(body: JobIn, ctx: UseCaseDep, container: ContainerDep) -> JobOut:
    """The outbox, a sweep, the alerts, or carrying out a request (a right that takes no value
    given here: access, erasure, portability, restriction, withdrawal). Answered once the job
    is recorded and sent (`202`); follow it at `GET /api/v1/jobs/{id}`. Without a broker it
    has run by then."""
    params: dict[str, object] = {}
    if body.kind == "fulfil":
        if body.request is None:
            raise InvalidValue("request", "the rights request to carry out")
        params["request"] = str(body.request)
    new = NewJob(JobKind(body.kind), ctx.actor, None, params)
    job = await run_in_threadpool(_ask, ctx, container, new)
    return JobOut.of(job, ctx.actor)


def _ask(ctx: UseCase, container: Container, new: NewJob) -> Job:
    """Jobs that wait are sent again first (as the scheduler's relay does: without a broker
    nothing else would), then the new one is recorded and sent."""
    may_do(ctx.register, ctx.actor, new.kind, new.tenant_id)
    relay_jobs(container, container.dispatcher())
    return submit_job(ctx, new, container.dispatcher())
