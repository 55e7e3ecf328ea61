"""Running a job: once, whoever sends it how often, whoever dies on the way.

1. The job's lease (`job:<id>`), tried without waiting: held by a live worker, this run does
   nothing (the holder finishes it). A worker that dies frees it (its database session ends).
2. The job's row: finished already (a message sent twice, a worker that died after the end
   committed), nothing to do.
3. Its serial lease (a tenant's ingests, each sweep): held, the job is left queued and retried
   shortly (`BUSY`).
4. One more attempt recorded, then the work, as the job's actor (its rights checked again).
   What the work lands records itself in the same transaction (an ingest's sources: `landed`),
   so a run after a death skips what landed and repeats nothing.
5. Its end: succeeded with its result, or failed for good (a refusal, in fixed words, or out of
   attempts), its staged file dropped and its key destroyed, in one transaction. A passing
   fault (the database or the mail server away) leaves it queued for a retry after a delay
   that doubles each time (`domain.jobs.retry_delay`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from uuid import uuid4

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.clock import Clock
from dataward.domain.errors import DatawardError
from dataward.domain.jobs import (
    MAX_ATTEMPTS,
    Job,
    JobEnd,
    JobKind,
    JobState,
    RunSuperseded,
    retry_delay,
    serial_key,
)
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.jobs.rights import may_do
from dataward.services.jobs.staging import drop
from dataward.services.keys.doomed import destroy_doomed
from dataward.services.ports import UnitOfWork, Vault

Handler = Callable[[UseCase, Job], Mapping[str, object]]
"""What a kind of job does, as the job's actor: its result (counts and ids, never content)."""

Contexts = Callable[[Actor], UseCase]
"""A use case's context for an actor, under the register in force."""

BUSY_RETRY = timedelta(seconds=5)
ELSEWHERE_RETRY = timedelta(seconds=15)
"""A job another session holds is looked at again this much later: a worker killed mid-query
keeps its session (and the lease) until the server notices, and then the job needs a run."""


class JobRefused(DatawardError):
    """The job's work was refused for good: `words` say why, `result` what can be shown."""

    code = "job_refused"

    def __init__(self, words: str, result: Mapping[str, object] | None = None) -> None:
        self.words = words
        self.result = dict(result or {})
        super().__init__(words)


class Ran(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    FINISHED_BEFORE = "finished_before"
    ELSEWHERE = "elsewhere"
    """Another session holds the job (a live worker, or a dead one's not yet ended)."""
    BUSY = "busy"
    """Its serial lease is held: retry after `retry_in`."""
    RETRY = "retry"
    """A passing fault: retry after `retry_in`."""
    GONE = "gone"


@dataclass(frozen=True, slots=True)
class Outcome:
    ran: Ran
    retry_in: timedelta | None = None


@dataclass(frozen=True, slots=True)
class JobEnv:
    """What running jobs needs, bound once by the worker."""

    uow: Callable[[], UnitOfWork]
    vault: Vault
    clock: Clock
    contexts: Contexts
    handlers: Mapping[JobKind, Handler]
    passing: Callable[[BaseException], bool]
    """Whether an error is a passing fault (a dependency away), to retry."""


@dataclass(frozen=True, slots=True)
class _Had:
    had: bool = True


@contextmanager
def _serial(uow: UnitOfWork, job: Job) -> Iterator[object]:
    key = serial_key(job.kind, job.tenant_id)
    if key is None:
        yield _Had()
        return
    with uow.lease(f"serial:{key}") as lease:
        yield lease


def run_job(env: JobEnv, job_id: str) -> Outcome:
    """Run the job `job_id` if it is due to run here (see the module's steps)."""
    uow = env.uow()
    with uow.lease(f"job:{job_id}") as mine:
        if not mine.had:  # looked at again later: its holder may be a dead worker's session
            _waits(env, uow, job_id)
            return Outcome(Ran.ELSEWHERE, ELSEWHERE_RETRY)
        with uow:
            job = uow.jobs.get(job_id)
        if job is None:
            return Outcome(Ran.GONE)
        if job.finished:
            return Outcome(Ran.FINISHED_BEFORE)
        with _serial(uow, job) as serial:
            if not getattr(serial, "had", False):
                _waits(env, uow, job_id)
                return Outcome(Ran.BUSY, BUSY_RETRY)
            return _attempt(env, uow, job)


def _waits(env: JobEnv, uow: UnitOfWork, job_id: str) -> None:
    """The job waits its turn, retried by its own message: the relay leaves it for a while
    rather than send it again meanwhile."""
    with uow:
        uow.jobs.mark_sent(job_id, env.clock.now())
        uow.commit()


def _attempt(env: JobEnv, uow: UnitOfWork, job: Job) -> Outcome:
    if job.attempts >= MAX_ATTEMPTS:
        why = f"gave up after {job.attempts} attempts"
        _end(env, uow, job, JobEnd(JobState.FAILED, env.clock.now(), {}, why))
        return Outcome(Ran.FAILED)
    token = uuid4().hex
    with uow:
        uow.jobs.start(job.id, env.clock.now(), token)
        uow.commit()
        started = uow.jobs.get(job.id)
    if started is None:
        return Outcome(Ran.GONE)
    return _work(env, uow, started)


def _work(env: JobEnv, uow: UnitOfWork, started: Job) -> Outcome:
    handler = env.handlers[started.kind]
    now = env.clock.now
    try:
        ctx = env.contexts(started.actor)
        may_do(ctx.register, ctx.actor, started.kind, started.tenant_id)  # still allowed?
        result = handler(ctx, started)
    except RunSuperseded:
        return Outcome(Ran.ELSEWHERE)  # another run took the job over: its work stands
    except JobRefused as refused:
        ended = JobEnd(JobState.FAILED, now(), refused.result, refused.words)
        return _end(env, uow, started, ended)
    except DatawardError as error:
        if env.passing(error):
            return _again(env, uow, started)
        return _end(env, uow, started, JobEnd(JobState.FAILED, now(), {}, f"refused: {error.code}"))
    except Exception as error:
        if not env.passing(error):
            raise  # a fault of ours: the worker logs it; the job stays running, to be resent
        return _again(env, uow, started)
    return _end(env, uow, started, JobEnd(JobState.SUCCEEDED, now(), result))


def _again(env: JobEnv, uow: UnitOfWork, job: Job) -> Outcome:
    """A passing fault: queued again, not to be sent before its back-off ends (if the
    database answers; if not, the relay finds the job running with no worker holding it, and
    sends it again)."""
    delay = retry_delay(job.attempts)
    with suppress(Exception), uow:  # the database itself away: the relay resends the job
        why = "a service it needs was not available; to be retried"
        uow.jobs.requeue(job.id, job.run_token, why, env.clock.now() + delay)
        uow.commit()
    return Outcome(Ran.RETRY, delay)


def _end(env: JobEnv, uow: UnitOfWork, job: Job, ended: JobEnd) -> Outcome:
    """Write the job's end, drop its staged file and doom its key, in one transaction; an
    `ELSEWHERE` outcome, and nothing written, when another run has taken the job over."""
    with uow:
        if not uow.jobs.finish(job.id, job.run_token, ended):
            return Outcome(Ran.ELSEWHERE)
        keys = drop(uow, job, ended.at)
        if ended.state is JobState.FAILED:
            uow.audit.append(
                AuditDraft(
                    at=ended.at,
                    actor=job.actor.id,
                    action=AuditAction.JOB_FAILED,
                    details={"job": job.id, "kind": job.kind.value, "reason": ended.error or ""},
                )
            )
        uow.commit()
    destroy_doomed(uow, env.vault, keys)
    return Outcome(Ran.SUCCEEDED if ended.state is JobState.SUCCEEDED else Ran.FAILED)
