"""Background jobs on real databases: recorded with their staged file, run once however often
they are sent, what an ingest landed never landed twice, refusals and passing faults told
apart, staged files gone with their keys when a job ends, and jobs seen only by who may."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.ingest.staged import staged_source
from dataward.adapters.jobs.faults import is_passing
from dataward.adapters.sql.jobs import job_chunks
from dataward.domain.errors import ActionNotAllowed, NotFound
from dataward.domain.jobs import MAX_ATTEMPTS, Job, JobKind, JobQuery, JobScope, JobState, NewJob
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.jobs.kinds import JobTools, handlers
from dataward.services.jobs.relay import relay
from dataward.services.jobs.run import JobEnv, Ran, run_job
from dataward.services.jobs.submit import JobFilter, list_jobs, show_job, submit_job
from dataward.services.processing.erasure import Shred, shred
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World

OPERATOR = Actor(id="ops-1", role="operator")
ADMIN_A = Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A)
ADMIN_B = Actor(id="admin-b", role="tenant_admin", tenant_id=TENANT_B)
DCO = Actor(id="staff-dco", role="dco")
AUDITOR = Actor(id="aud-1", role="auditor")


def queue_log(fake: Faker, calls: int, *, start: int = 1_764_000_000) -> bytes:
    """A queue_log of `calls` answered calls from generated callers."""
    lines = []
    for n in range(calls):
        at = start + 60 * n
        caller = "07700900" + f"{fake.random_int(0, 999):03d}"
        uid = f"{at}.{n}"
        lines += [
            f"{at}|{uid}|sales|NONE|ENTERQUEUE||{caller}|1",
            f"{at + 5}|{uid}|sales|Agent/2001|CONNECT|5|{uid}.1|3",
            f"{at + 65}|{uid}|sales|Agent/2001|COMPLETECALLER|5|60|1",
        ]
    return ("\n".join(lines) + "\n").encode()


def one_call(caller: str, at: int, uid: str) -> bytes:
    lines = [
        f"{at}|{uid}|sales|NONE|ENTERQUEUE||{caller}|1",
        f"{at + 5}|{uid}|sales|Agent/2001|CONNECT|5|{uid}.1|3",
        f"{at + 65}|{uid}|sales|Agent/2001|COMPLETECALLER|5|60|1",
    ]
    return ("\n".join(lines) + "\n").encode()


class Recorder:
    """A dispatcher that keeps what it was sent (a broker, as far as the services know)."""

    def __init__(self, *, up: bool = True) -> None:
        self.sent: list[str] = []
        self.up = up

    def send(self, job: Job) -> bool:
        if self.up:
            self.sent.append(job.id)
        return self.up


def _unused(_ctx: UseCase) -> Mapping[str, object]:
    raise AssertionError("not a kind these tests run")


def env_of(world: World, **overrides: Any) -> JobEnv:
    tools = JobTools(
        staged_sources=staged_source,
        outbox=_unused,
        alerts=_unused,
        key_sweep=_unused,
        retention_sweep=_unused,
        fulfil=lambda _ctx, _id: {},
    )
    kinds = handlers(tools) | overrides.pop("handlers", {})
    return JobEnv(
        uow=world.uow,
        vault=world.vault,
        clock=world.clock,
        contexts=world.use_case,
        handlers=kinds,
        passing=overrides.pop("passing", is_passing),
    )


def staged_ingest(world: World, text: bytes, actor: Actor = OPERATOR, **params: object) -> Job:
    new = NewJob(JobKind.INGEST, actor, actor.tenant_id or TENANT_A, params)
    return submit_job(world.use_case(actor), new, Recorder(), io.BytesIO(text))


def _job(world: World, job_id: str) -> Job:
    with world.uow() as uow:
        found = uow.jobs.get(job_id)
    assert found is not None
    return found


def _ingests(world: World, tenant_id: str = TENANT_A) -> int:
    with world.uow() as uow:
        return len(uow.calls.ingests_of(tenant_id, limit=100))


def _chunks(world: World, job_id: str) -> int:
    with world.engine.connect() as connection:
        query = select(func.count()).select_from(job_chunks).where(job_chunks.c.job_id == job_id)
        return int(connection.execute(query).scalar_one())


def test_a_staged_ingest_lands_once_and_its_file_goes_with_its_key(
    world: World, fake: Faker
) -> None:
    job = staged_ingest(world, queue_log(fake, 40))
    assert job.state is JobState.QUEUED
    assert job.sent_at is not None  # sent once committed
    assert _chunks(world, job.id) >= 1
    assert world.vault.has_key(job.id)

    env = env_of(world)
    assert run_job(env, job.id).ran is Ran.SUCCEEDED
    done = _job(world, job.id)
    assert done.state is JobState.SUCCEEDED
    assert done.attempts == 1
    assert done.result["stored"] == 40
    assert len(done.landed) == 1
    assert _chunks(world, job.id) == 0
    assert not world.vault.has_key(job.id)

    # sent again (a broker's redelivery, the relay): nothing more happens
    assert run_job(env, job.id).ran is Ran.FINISHED_BEFORE
    assert _ingests(world) == 1
    assert _job(world, job.id).attempts == 1


def test_a_run_that_died_after_its_ingest_landed_repeats_nothing(world: World, fake: Faker) -> None:
    """The ingest commits with the job's record of it; the process dies before the job's end is
    written. The next run finds the source landed and only ends the job."""
    job = staged_ingest(world, queue_log(fake, 25))
    real = env_of(world).handlers[JobKind.INGEST]

    def lands_then_dies(ctx: UseCase, running: Job) -> Mapping[str, object]:
        real(ctx, running)
        raise SystemExit("killed")  # stands for kill -9 between the two commits

    with pytest.raises(SystemExit):
        run_job(env_of(world, handlers={JobKind.INGEST: lands_then_dies}), job.id)
    died = _job(world, job.id)
    assert died.state is JobState.RUNNING
    assert len(died.landed) == 1

    assert run_job(env_of(world), job.id).ran is Ran.SUCCEEDED
    done = _job(world, job.id)
    assert done.result["landed_before"] is True
    assert done.result["stored"] == 25
    assert done.attempts == 2
    assert _ingests(world) == 1
    with world.uow() as uow:
        assert uow.calls.count_calls(TENANT_A) == 25


def test_a_rejected_file_fails_the_job_for_good_naming_places_not_content(
    world: World, fake: Faker
) -> None:
    text = queue_log(fake, 5) + b"1764000000x|1.1|sales|NONE|ENTERQUEUE||07700900123|1\n"
    job = staged_ingest(world, text)
    assert run_job(env_of(world), job.id).ran is Ran.FAILED
    failed = _job(world, job.id)
    assert failed.state is JobState.FAILED
    assert failed.error is not None
    assert failed.error.startswith("rejected: 1 bad record")
    assert "07700900123" not in str(failed.result)
    assert failed.result["bad"] == 1
    assert _chunks(world, job.id) == 0
    assert not world.vault.has_key(job.id)
    assert _ingests(world) == 0


def test_a_passing_fault_requeues_and_the_attempts_run_out(world: World, fake: Faker) -> None:
    job = staged_ingest(world, queue_log(fake, 3))

    def away(_ctx: UseCase, _job: Job) -> Mapping[str, object]:
        raise ConnectionRefusedError("the database is away")

    env = env_of(world, handlers={JobKind.INGEST: away})
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = run_job(env, job.id)
        assert outcome.ran is Ran.RETRY
        assert outcome.retry_in is not None
        stands = _job(world, job.id)
        assert stands.state is JobState.QUEUED
        assert stands.attempts == attempt
    assert run_job(env, job.id).ran is Ran.FAILED
    failed = _job(world, job.id)
    assert failed.error == f"gave up after {MAX_ATTEMPTS} attempts"
    assert _chunks(world, job.id) == 0


def test_a_tenant_runs_one_ingest_at_a_time(world: World, fake: Faker) -> None:
    job = staged_ingest(world, queue_log(fake, 3))
    other = staged_ingest(world, queue_log(fake, 3), ADMIN_B)
    uow = world.uow()
    with uow.lease(f"serial:ingest:{TENANT_A}") as held:
        assert held.had
        outcome = run_job(env_of(world), job.id)
        assert outcome.ran is Ran.BUSY
        assert _job(world, job.id).attempts == 0
        assert run_job(env_of(world), other.id).ran is Ran.SUCCEEDED  # another tenant's runs
    assert run_job(env_of(world), job.id).ran is Ran.SUCCEEDED


def test_a_job_another_session_holds_is_left_to_it(world: World, fake: Faker) -> None:
    job = staged_ingest(world, queue_log(fake, 3))
    uow = world.uow()
    with uow.lease(f"job:{job.id}") as held:
        assert held.had
        assert run_job(env_of(world), job.id).ran is Ran.ELSEWHERE
    assert _job(world, job.id).state is JobState.QUEUED


def test_the_relay_sends_what_waits_and_what_a_dead_worker_left(world: World, fake: Faker) -> None:
    down = Recorder(up=False)
    new = NewJob(JobKind.INGEST, OPERATOR, TENANT_A, {})
    waiting = submit_job(world.use_case(OPERATOR), new, down, io.BytesIO(queue_log(fake, 2)))
    assert waiting.sent_at is None

    up = Recorder()
    assert relay(world.uow(), world.clock, up).sent == 1
    assert up.sent == [waiting.id]
    assert relay(world.uow(), world.clock, up).sent == 0  # sent just now: not again yet

    # a worker started it and died (its lease is free): sent again once it is old enough
    with world.uow() as uow:
        uow.jobs.start(waiting.id, world.clock.now(), "a-run-that-died")
        uow.commit()
    world.clock.advance(timedelta(minutes=3))
    uow = world.uow()
    with uow.lease(f"job:{waiting.id}") as alive:
        assert relay(world.uow(), world.clock, up).sent == 0  # a live holder: left alone
        assert alive.had
    assert relay(world.uow(), world.clock, up).sent == 1
    assert run_job(env_of(world), waiting.id).ran is Ran.SUCCEEDED


def test_only_who_may_do_the_work_may_ask_for_it(world: World, fake: Faker) -> None:
    text = queue_log(fake, 2)

    def ask(asker: Actor, new: NewJob) -> Job:
        return submit_job(world.use_case(asker), new, Recorder(), io.BytesIO(text))

    with pytest.raises(ActionNotAllowed):
        staged_ingest(world, text, AUDITOR)
    with pytest.raises(ActionNotAllowed):  # another tenant's calls
        ask(ADMIN_B, NewJob(JobKind.INGEST, ADMIN_B, TENANT_A, {}))
    with pytest.raises(ActionNotAllowed):  # as someone else
        ask(OPERATOR, NewJob(JobKind.INGEST, DCO, TENANT_A, {}))
    with pytest.raises(ActionNotAllowed):
        ask(OPERATOR, NewJob(JobKind.KEY_SWEEP, OPERATOR))
    with pytest.raises(NotFound):
        ask(OPERATOR, NewJob(JobKind.INGEST, OPERATOR, "no-such-tenant", {}))
    with world.uow() as uow:
        assert uow.jobs.listed(JobScope(everything=True, asker=DCO), JobQuery()) == []


def test_a_job_is_seen_only_by_who_may(world: World, fake: Faker) -> None:
    job_a = staged_ingest(world, queue_log(fake, 2), ADMIN_A)
    job_b = staged_ingest(world, queue_log(fake, 2), ADMIN_B)
    for actor in (ADMIN_A, OPERATOR, DCO):
        assert show_job(world.use_case(actor), job_a.id).id == job_a.id
    for actor in (ADMIN_B, AUDITOR):
        with pytest.raises(NotFound):
            show_job(world.use_case(actor), job_a.id)
    seen_by_b = {j.id for j in list_jobs(world.use_case(ADMIN_B), JobFilter())}
    assert seen_by_b == {job_b.id}
    assert list_jobs(world.use_case(ADMIN_B), JobFilter(tenant_id=TENANT_A)) == []
    assert {j.id for j in list_jobs(world.use_case(DCO), JobFilter())} == {job_a.id, job_b.id}
    for hostile in ("", "../etc", "<b>x</b>", "1" * 500, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound) as refused:
            show_job(world.use_case(DCO), hostile)
        assert "<b>" not in str(refused.value)


def test_an_erasure_made_while_a_file_waits_holds_when_the_file_lands(
    world: World, fake: Faker
) -> None:
    """A staged file is the one copy of calls outside the call store: a caller erased while it
    waits is not brought back when it lands (the calls before the erasure keep no party), and
    the file goes with its key when the job ends."""
    start = int((world.clock.now() - timedelta(days=10)).timestamp())
    caller = "07700900" + f"{fake.random_int(0, 999):03d}"
    first = staged_ingest(world, one_call(caller, start, "1"))
    assert run_job(env_of(world), first.id).ran is Ran.SUCCEEDED
    with world.uow() as uow:
        (subject_id,) = {c.caller_ref for c in uow.calls.iter_calls(TENANT_A) if c.caller_ref}
    waiting = staged_ingest(world, one_call(caller, start + 3600, "2"))
    world.clock.advance(timedelta(minutes=5))
    shred(world.use_case(world.who_erases(subject_id)), Shred(subject_id, "erasure_request"))

    assert run_job(env_of(world), waiting.id).ran is Ran.SUCCEEDED
    assert _job(world, waiting.id).result["subjects_created"] == 0
    with world.uow() as uow:
        callers = [c.caller_ref for c in uow.calls.iter_calls(TENANT_A)]
    assert callers == [None, None]  # both calls now name no one
    assert _chunks(world, waiting.id) == 0
    assert not world.vault.has_key(waiting.id)
