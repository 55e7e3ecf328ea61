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

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.clock import Clock
from dataward.domain.errors import DatawardError
from dataward.domain.jobs import MAX_ATTEMPTS, Job, JobKind, JobState, retry_delay, serial_key
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
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
            return Outcome(Ran.ELSEWHERE, ELSEWHERE_RETRY)
        with uow:
            job = uow.jobs.get(job_id)
        if job is None:
            return Outcome(Ran.GONE)
        if job.finished:
            return Outcome(Ran.FINISHED_BEFORE)
        with _serial(uow, job) as serial:
            if not getattr(serial, "had", False):
                return Outcome(Ran.BUSY, BUSY_RETRY)
            return _attempt(env, uow, job)


def _attempt(env: JobEnv, uow: UnitOfWork, job: Job) -> Outcome:
    if job.attempts >= MAX_ATTEMPTS:
        _end(env, uow, job, _Ending(JobState.FAILED, {}, f"gave up after {job.attempts} attempts"))
        return Outcome(Ran.FAILED)
    with uow:
        uow.jobs.start(job.id, env.clock.now())
        uow.commit()
        started = uow.jobs.get(job.id)
    if started is None:
        return Outcome(Ran.GONE)
    return _work(env, uow, started)


def _work(env: JobEnv, uow: UnitOfWork, started: Job) -> Outcome:
    handler = env.handlers[started.kind]
    try:
        result = handler(env.contexts(started.actor), started)
    except JobRefused as refused:
        _end(env, uow, started, _Ending(JobState.FAILED, refused.result, refused.words))
        return Outcome(Ran.FAILED)
    except DatawardError as error:
        if env.passing(error):
            return _again(uow, started)
        _end(env, uow, started, _Ending(JobState.FAILED, {}, f"refused: {error.code}"))
        return Outcome(Ran.FAILED)
    except Exception as error:
        if not env.passing(error):
            raise  # a fault of ours: the worker logs it; the job stays running, to be resent
        return _again(uow, started)
    _end(env, uow, started, _Ending(JobState.SUCCEEDED, result))
    return Outcome(Ran.SUCCEEDED)


def _again(uow: UnitOfWork, job: Job) -> Outcome:
    """A passing fault: queued again (if the database answers; if not, the relay finds the
    job still running with no worker holding it, and sends it again)."""
    with suppress(Exception), uow:  # the database itself away: the relay resends the job
        uow.jobs.requeue(job.id, "a service it needs was not available; to be retried")
        uow.commit()
    return Outcome(Ran.RETRY, retry_delay(job.attempts))


@dataclass(frozen=True, slots=True)
class _Ending:
    state: JobState
    result: Mapping[str, object]
    error: str | None = None


def _end(env: JobEnv, uow: UnitOfWork, job: Job, ending: _Ending) -> None:
    state, result, error = ending.state, ending.result, ending.error
    now = env.clock.now()
    with uow:
        uow.jobs.finish(job.id, state, now, result, error)
        keys = drop(uow, job.id, now)
        if state is JobState.FAILED:
            uow.audit.append(
                AuditDraft(
                    at=now,
                    actor=job.actor.id,
                    action=AuditAction.JOB_FAILED,
                    details={"job": job.id, "kind": job.kind.value, "reason": error or ""},
                )
            )
        uow.commit()
    destroy_doomed(uow, env.vault, keys)
