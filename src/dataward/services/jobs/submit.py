"""Submitting a job, and reading jobs back, for whoever may see them.

A job is recorded (its file staged with it) in one transaction, and only then sent: a broker
never carries the id of a job that did not commit, and a job the broker could not take waits in
the database for the relay (`relay`). Who may submit a job is who may do its work: an ingest
needs `ingest_calls` on its tenant; a fulfilment `manage_requests`; the outbox, the sweeps and
the alerts `run_maintenance`. Checked again when it runs, as the same actor.

A job is seen by whoever may run maintenance, by whoever may do its work on its tenant (an
ingest's), and by its own actor; to anyone else it does not exist (`NotFound`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import BinaryIO
from uuid import UUID, uuid4

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.errors import ActionNotAllowed, NotFound
from dataward.domain.jobs import Job, JobKind, JobState, NewJob
from dataward.domain.permissions import require
from dataward.domain.register.model import Register, StaffAction
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.jobs.ports import Dispatcher
from dataward.services.jobs.staging import stage
from dataward.services.keys.batches import enrolling

JOBS = "job"
"""The key batch label of staged files' keys."""

ACTION_OF: Mapping[JobKind, StaffAction] = {
    JobKind.INGEST: StaffAction.INGEST_CALLS,
    JobKind.FULFIL: StaffAction.MANAGE_REQUESTS,
    JobKind.OUTBOX: StaffAction.RUN_MAINTENANCE,
    JobKind.RETENTION_SWEEP: StaffAction.RUN_MAINTENANCE,
    JobKind.KEY_SWEEP: StaffAction.RUN_MAINTENANCE,
    JobKind.ALERTS: StaffAction.RUN_MAINTENANCE,
}


def may_submit(register: Register, actor: Actor, kind: JobKind, tenant_id: str | None) -> None:
    """`ActionNotAllowed` unless the actor may do the job's work (on its tenant)."""
    if kind is JobKind.INGEST:
        require(register, actor, ACTION_OF[kind], tenant_id=tenant_id)
    else:
        require(register, actor, ACTION_OF[kind])


def submit_job(
    ctx: UseCase, new: NewJob, dispatcher: Dispatcher, staged: BinaryIO | None = None
) -> Job:
    """Record the job (with `staged`, the file it ingests), then send it; the job as it
    stands after the send (still queued when the broker could not take it)."""
    uow, clock = ctx.uow, ctx.clock
    if new.actor != ctx.actor:
        raise ActionNotAllowed(ACTION_OF[new.kind].value, "a job runs as the actor who asks")
    may_submit(ctx.register, ctx.actor, new.kind, new.tenant_id)
    if new.kind is JobKind.INGEST:
        with uow:
            if uow.tenants.get(new.tenant_id or "") is None:
                raise NotFound("tenant", new.tenant_id or "")
    job_id = str(uuid4())
    now = clock.now()
    with enrolling(ctx.vault, JOBS) as keys, uow:
        keys.join(uow)
        uow.jobs.add(job_id, new, now)
        size = 0
        if staged is not None:
            keys.create_keys([job_id])
            size = stage(uow, ctx.vault, job_id, staged)
        uow.audit.append(
            AuditDraft(
                at=now,
                actor=ctx.actor.id,
                action=AuditAction.JOB_SUBMITTED,
                details={"job": job_id, "kind": new.kind.value, "tenant": new.tenant_id}
                | ({"bytes": size} if staged is not None else {}),
            )
        )
        keys.commit(uow)
    with uow:
        job = uow.jobs.get(job_id)
    if job is None:
        raise NotFound("job", job_id)
    return send(ctx, job, dispatcher)


def send(ctx: UseCase, job: Job, dispatcher: Dispatcher) -> Job:
    """Hand the job to the dispatcher; its send time recorded when that worked."""
    if not dispatcher.send(job):
        return job
    uow = ctx.uow
    with uow:
        uow.jobs.mark_sent(job.id, ctx.clock.now())
        uow.commit()
    with uow:
        found = uow.jobs.get(job.id)
    return found if found is not None else job


def _allowed(
    register: Register, actor: Actor, action: StaffAction, tenant_id: str | None = None
) -> bool:
    try:
        if tenant_id is None:
            require(register, actor, action)
        else:
            require(register, actor, action, tenant_id=tenant_id)
    except ActionNotAllowed:
        return False
    return True


def _visible(register: Register, actor: Actor, job: Job) -> bool:
    if job.actor == actor or _allowed(register, actor, StaffAction.RUN_MAINTENANCE):
        return True
    return (
        job.kind is JobKind.INGEST
        and job.tenant_id is not None
        and _allowed(register, actor, StaffAction.INGEST_CALLS, job.tenant_id)
    )


def job_id_of(text: str) -> str:
    """A job id as given (`NotFound` for anything not a UUID: it names no job)."""
    try:
        return str(UUID(text))
    except ValueError:
        raise NotFound("job", "") from None


def show_job(ctx: UseCase, job_id: str) -> Job:
    """The job, if the actor may see it; `NotFound` as for one that does not exist."""
    wanted = job_id_of(job_id)
    with ctx.uow:
        job = ctx.uow.jobs.get(wanted)
    if job is None or not _visible(ctx.register, ctx.actor, job):
        raise NotFound("job", wanted)
    return job


@dataclass(frozen=True, slots=True)
class JobFilter:
    state: JobState | None = None
    kind: JobKind | None = None
    tenant_id: str | None = None
    limit: int = 100


def list_jobs(ctx: UseCase, wanted: JobFilter) -> list[Job]:
    """The newest jobs first, those the actor may see among them."""
    tenant_id = wanted.tenant_id
    if ctx.actor.tenant_id is not None:  # a tenant's own staff: that tenant's jobs only
        if tenant_id not in (None, ctx.actor.tenant_id):
            return []
        tenant_id = ctx.actor.tenant_id
    with ctx.uow:
        found = ctx.uow.jobs.listed(
            state=wanted.state,
            kind=wanted.kind,
            tenant_id=tenant_id,
            limit=min(max(wanted.limit, 1), 1000) * 4,
        )
    seen = [job for job in found if _visible(ctx.register, ctx.actor, job)]
    return seen[: wanted.limit]
