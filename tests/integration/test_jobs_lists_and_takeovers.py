"""Background jobs on real databases, tried as an attacker and a data protection officer would:
a passing fault waited out as long as promised, lists that show what their reader may see, and
a job done once when a second run takes it over from a first that lost its lease."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import timedelta
from uuid import uuid4

import pytest
from faker import Faker
from sqlalchemy import text

from dataward.adapters.sql.leases import LEASE_CLASS
from dataward.domain.jobs import Job, JobKind, JobState, NewJob
from dataward.services.context import UseCase
from dataward.services.jobs.relay import relay
from dataward.services.jobs.run import Outcome, Ran, run_job
from dataward.services.jobs.submit import JobFilter, list_jobs, show_job, submit_job
from tests.integration.test_jobs import (
    ADMIN_A,
    DCO,
    OPERATOR,
    Recorder,
    _chunks,
    _job,
    env_of,
    queue_log,
    staged_ingest,
)
from tests.integration.world import World


def test_a_passing_fault_is_waited_out_for_about_an_hour_before_the_job_fails(
    world: World, fake: Faker
) -> None:
    """`MAX_ATTEMPTS` promises a dependency down for about an hour is waited out. With the
    relay resending what waits (every round of `dataward scheduler`), a job that meets the
    database or the mail server away must not fail for good, its staged file dropped, within
    a quarter of that."""
    job = staged_ingest(world, queue_log(fake, 3))

    def away(_ctx: UseCase, _job: Job) -> Mapping[str, object]:
        raise ConnectionRefusedError("the database is away")

    env = env_of(world, handlers={JobKind.INGEST: away})
    up = Recorder()
    outage = timedelta(minutes=15)
    began = world.clock.now()
    run_job(env, job.id)  # the first send's run
    while world.clock.now() - began < outage:
        world.clock.advance(timedelta(seconds=30))  # the scheduler's relay round
        if relay(world.uow(), world.clock, up).sent:
            run_job(env, job.id)
    assert _job(world, job.id).state is not JobState.FAILED
    assert _chunks(world, job.id) >= 1


def test_a_platform_operator_finds_the_ingests_it_may_see_among_many_maintenance_jobs(
    world: World, fake: Faker
) -> None:
    """The scheduler records an outbox job every minute: a list asked for by someone who may
    see only ingests (a platform operator) must still show the newest ingests it may see,
    not an empty page because the newest jobs of all were someone else's."""
    ingest = staged_ingest(world, queue_log(fake, 2), ADMIN_A)
    with world.uow() as uow:
        for minute in range(1, 401):  # not quite seven hours of the outbox's schedule
            at = world.clock.now() + timedelta(minutes=minute)
            uow.jobs.add(str(uuid4()), NewJob(JobKind.OUTBOX, DCO), at)
        uow.commit()
    seen = list_jobs(world.use_case(OPERATOR), JobFilter(limit=100))
    assert [job.id for job in seen] == [ingest.id]


def test_a_tenant_administrator_lists_the_fulfilments_it_asked_for(world: World) -> None:
    """A job is seen by its own actor (`show_job` shows it): the list must not hide it because
    a fulfilment names no tenant of its own."""
    new = NewJob(JobKind.FULFIL, ADMIN_A, None, {"request": str(uuid4())})
    asked = submit_job(world.use_case(ADMIN_A), new, Recorder())
    assert show_job(world.use_case(ADMIN_A), asked.id).id == asked.id
    assert [job.id for job in list_jobs(world.use_case(ADMIN_A), JobFilter())] == [asked.id]


def test_a_job_whose_lease_was_lost_is_done_once_by_whichever_run_took_it_over(
    world: World, fake: Faker
) -> None:
    """A lease is a PostgreSQL session, idle while the job works on other connections: should
    the server end that session (`idle_session_timeout`, a proxy or a firewall dropping an
    idle connection, a failover) the run goes on, and the relay may hand the job to a second
    worker. Each run holds a token of its own: the run that took the job over does it, and the
    first can then neither land what it did nor end the job."""
    if world.engine.dialect.name != "postgresql":
        pytest.skip("a lease is a session of PostgreSQL's")
    job = staged_ingest(world, queue_log(fake, 3))
    entered = threading.Event()
    release = threading.Event()
    outcomes: list[Outcome] = []

    def landing(ingest_id: int, wait: bool) -> Callable[[UseCase, Job], Mapping[str, object]]:
        def handler(ctx: UseCase, running: Job) -> Mapping[str, object]:
            if wait:
                entered.set()
                release.wait(30)
            with ctx.uow as uow:  # what an ingest does in the transaction that lands it
                uow.jobs.land(running.id, running.run_token, ingest_id)
                uow.commit()
            return {"ingests": [ingest_id]}

        return handler

    def first_run() -> None:
        env = env_of(world, handlers={JobKind.INGEST: landing(1, wait=True)})
        outcomes.append(run_job(env, job.id))

    first = threading.Thread(target=first_run)
    first.start()
    try:
        assert entered.wait(30)
        with world.engine.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND classid = :c AND pid <> pg_backend_pid()"
                ),
                {"c": LEASE_CLASS & 0xFFFFFFFF},
            )
            connection.commit()
        world.clock.advance(timedelta(minutes=3))
        up = Recorder()
        relay(world.uow(), world.clock, up)
        assert up.sent == [job.id]  # its lease is free: taken for a dead worker's
        second = env_of(world, handlers={JobKind.INGEST: landing(2, wait=False)})
        assert run_job(second, job.id).ran is Ran.SUCCEEDED
    finally:
        release.set()
        first.join(30)
    assert [o.ran for o in outcomes] == [Ran.ELSEWHERE]  # the first run landed nothing
    done = _job(world, job.id)
    assert done.state is JobState.SUCCEEDED
    assert done.landed == (2,)
    assert done.result == {"ingests": [2]}
