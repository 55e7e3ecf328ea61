"""Background jobs on real databases, as an attacker and a data protection officer would try
them: a passing fault waited out as long as promised, lists that show what their reader may
see, and a job never run twice at once."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import timedelta
from uuid import uuid4

import pytest
from faker import Faker
from sqlalchemy import text

from dataward.adapters.sql.leases import LEASE_CLASS
from dataward.domain.jobs import Job, JobKind, JobState, NewJob
from dataward.services.context import UseCase
from dataward.services.jobs.relay import relay
from dataward.services.jobs.run import run_job
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


def test_a_job_is_not_run_again_while_its_first_run_goes_on(world: World, fake: Faker) -> None:
    """A lease is a PostgreSQL session, idle while the job works on other connections: should
    the server end that session (`idle_session_timeout`, a proxy or a firewall dropping an
    idle connection, a failover), the run goes on, and the relay must not hand the same job to
    a second worker meanwhile."""
    if world.engine.dialect.name != "postgresql":
        pytest.skip("a lease is a session of PostgreSQL's")
    job = staged_ingest(world, queue_log(fake, 3))
    entered = threading.Event()
    release = threading.Event()
    runs: list[str] = []

    def slow(_ctx: UseCase, _job: Job) -> Mapping[str, object]:
        runs.append("first")
        entered.set()
        release.wait(30)
        return {}

    def quick(_ctx: UseCase, _job: Job) -> Mapping[str, object]:
        runs.append("second")
        return {}

    first = threading.Thread(
        target=run_job, args=(env_of(world, handlers={JobKind.INGEST: slow}), job.id)
    )
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
        for sent in up.sent:
            run_job(env_of(world, handlers={JobKind.INGEST: quick}), sent)
        assert runs == ["first"]
    finally:
        release.set()
        first.join(30)
