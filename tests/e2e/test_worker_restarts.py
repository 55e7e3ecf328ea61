"""PostgreSQL restarted under a worker, half-way through an ingest and half-way through an
erasure (a server of the test's own, restarted as an operator would): the run fails cleanly on
its lost connection, the job is retried and succeeds, nothing is lost or done twice, and the
audit chain verifies."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from faker import Faker

from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.worker_installation import (
    Installation,
    background,
    calls_file,
    erasure_job,
    ingested_entries,
    installation_on,
    until,
)

CALLS = 20_000
PAUSE = 6.0
"""How long the worker stops half-way: the restart happens meanwhile."""

pytestmark = pytest.mark.processes


@pytest.fixture
def server() -> Iterator[PrivatePostgres]:
    yield from private_postgres()


@pytest.fixture
def installation(server: PrivatePostgres, tmp_path: Path) -> Iterator[Installation]:
    yield from installation_on(server.admin_url, tmp_path)


def _restart_while_paused(made: Installation, server: PrivatePostgres, pause: str) -> None:
    worker = made.worker(pause=pause, pause_seconds=PAUSE, name="paused")
    until(made.paused, worker)
    began = time.monotonic()
    server.restart()
    assert time.monotonic() - began < PAUSE, "the restart outlasted the pause"


def test_postgresql_restarted_mid_ingest(
    installation: Installation, server: PrivatePostgres, tmp_path: Path
) -> None:
    made = installation
    job_id = background(made, calls_file(tmp_path, CALLS, seed=21), "acme")
    _restart_while_paused(made, server, "ingest:2")
    done = made.wait(job_id, timeout=600)
    assert done["state"] == "succeeded", done
    assert int(str(done["attempts"])) >= 2  # the first run failed on its lost connection
    with made.uow() as uow:
        assert uow.calls.count_calls("acme") == CALLS
        assert len(uow.calls.ingests_of("acme", limit=10)) == 1
    assert [e["stored"] for e in ingested_entries(made, "acme")] == [CALLS]
    assert "intact" in made.run("audit", "verify")


def test_postgresql_restarted_mid_erasure(
    installation: Installation, server: PrivatePostgres, fake: Faker
) -> None:
    made = installation
    subject, request_id, job_id = erasure_job(made, fake.email())

    _restart_while_paused(made, server, "erasure")
    done = made.wait(job_id, timeout=300)
    assert done["state"] == "succeeded", done
    assert int(str(done["attempts"])) >= 2
    assert "completed" in made.run("requests", "show", request_id).splitlines()[0].split()
    assert made.run("audit", "search", "--subject", subject).count("subject_shredded") == 1
    assert "intact" in made.run("audit", "verify")
