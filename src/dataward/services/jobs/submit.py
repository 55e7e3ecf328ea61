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

from dataclasses import replace
from typing import BinaryIO
from uuid import UUID, uuid4

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.errors import ActionNotAllowed, NotFound
from dataward.domain.jobs import Job, JobKind, JobQuery, NewJob
from dataward.services.context import UseCase
from dataward.services.jobs.ports import Dispatcher
from dataward.services.jobs.rights import ACTION_OF, may_do, scope_of
from dataward.services.jobs.staging import stage
from dataward.services.keys.batches import enrolling

JOBS = "job"
_AUDITED = frozenset({JobKind.INGEST, JobKind.FULFIL})
"""Jobs whose asking is audited: work on people's data asked for by someone. The scheduled
ones (every minute for the outbox) leave their own evidence: letters sent, sweeps recorded."""
"""The key batch label of staged files' keys."""


def submit_job(
    ctx: UseCase, new: NewJob, dispatcher: Dispatcher, staged: BinaryIO | None = None
) -> Job:
    """Record the job (with `staged`, the file it ingests), then send it; the job as it
    stands after the send (still queued when the broker could not take it)."""
    uow, clock = ctx.uow, ctx.clock
    if new.actor != ctx.actor:
        raise ActionNotAllowed(ACTION_OF[new.kind].value, "a job runs as the actor who asks")
    may_do(ctx.register, ctx.actor, new.kind, new.tenant_id)
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
        if new.kind in _AUDITED:
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
        job = ctx.uow.jobs.get(wanted, scope_of(ctx.register, ctx.actor))
    if job is None:
        raise NotFound("job", wanted)
    return job


JobFilter = JobQuery


def list_jobs(ctx: UseCase, wanted: JobQuery) -> list[Job]:
    """The newest jobs first, among those the actor may see."""
    limit = min(max(wanted.limit, 1), 1000)
    with ctx.uow:
        return ctx.uow.jobs.listed(scope_of(ctx.register, ctx.actor), replace(wanted, limit=limit))
