"""Workers as they run in production, over PostgreSQL and RabbitMQ, each a process of its own:
a worker killed (kill -9) half-way through an ingest or an erasure loses nothing and repeats
nothing once another takes the job; two tenants' ingests run at once on two workers, while one
tenant's run one after the other.

The ingest's size is DATAWARD_TEST_KILL_CALLS (30,000 calls by default; the closing figures
of the scale-out work were taken at 300,000).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from faker import Faker

from tests.support.worker_installation import (
    Installation,
    background,
    calls_file,
    erasure_job,
    ingested_entries,
    installation_on,
    kill,
    until,
)

POSTGRES = os.environ.get("DATAWARD_TEST_POSTGRES_URL")
KILL_CALLS = int(os.environ.get("DATAWARD_TEST_KILL_CALLS", "30000"))

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(POSTGRES is None, reason="workers run on PostgreSQL"),
]


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Installation]:
    assert POSTGRES is not None
    yield from installation_on(POSTGRES, tmp_path)


def _callers(path: Path, most: int) -> set[str]:
    """Caller numbers of the file (ENTERQUEUE's sixth field), national and without `+`."""
    found: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.rstrip("\n").split("|")
            if len(fields) > 6 and fields[4] == "ENTERQUEUE" and fields[6][-9:].isdigit():
                found.add(fields[6].lstrip("+"))
                if len(found) >= most:
                    break
    return found


def test_a_worker_killed_mid_ingest_loses_nothing_and_repeats_nothing(
    installation: Installation, tmp_path: Path
) -> None:
    made = installation
    path = calls_file(tmp_path, KILL_CALLS, seed=7)
    job_id = background(made, path, "acme")
    assert made.job(job_id)["state"] == "queued"

    halfway = max(1, KILL_CALLS // 5000 // 2)  # batches of 5,000 calls
    first = made.worker(pause=f"ingest:{halfway}", name="first")
    until(made.paused, first)
    assert made.job(job_id)["state"] == "running"
    kill(first)
    with made.uow() as uow:
        assert uow.calls.count_calls("acme") == 0  # what it wrote went with it
    assert made.job(job_id)["state"] == "running"  # to be taken up by another

    made.worker(name="second")
    done = made.wait(job_id)
    assert done["state"] == "succeeded", done
    assert done["attempts"] == 2
    result = done["result"]
    assert isinstance(result, dict)
    assert result["stored"] == KILL_CALLS
    assert result["calls_read"] == KILL_CALLS
    with made.uow() as uow:
        assert uow.calls.count_calls("acme") == KILL_CALLS
        assert len(uow.calls.ingests_of("acme", limit=10)) == 1
        assert uow.jobs.staged([job_id]) == set()
    entries = ingested_entries(made, "acme")
    assert len(entries) == 1
    assert entries[0]["stored"] == KILL_CALLS
    assert "intact" in made.run("audit", "verify")
    # the workers' logs (JSON lines, and Celery's own) name no caller
    callers = _callers(path, 200)
    assert callers
    written = {
        log.name: log.read_text(encoding="utf-8", errors="replace")
        for log in made.folder.glob("*.log")
        if log.name.startswith(("first", "second"))
    }
    assert any("succeeded" in text for text in written.values())  # the run was logged
    for name, text in written.items():
        assert not [n for n in callers if n in text], name
    # sent again (a redelivery after all this): nothing more
    assert made.run("keys", "sweep")
    with made.uow() as uow:
        assert uow.calls.count_calls("acme") == KILL_CALLS


def test_a_worker_killed_mid_erasure_erases_once_another_takes_the_job(
    installation: Installation, fake: Faker
) -> None:
    made = installation
    subject, request_id, job_id = erasure_job(made, fake.email())

    first = made.worker(pause="erasure", name="first")
    until(made.paused, first)
    kill(first)
    assert "subject_shredded" not in made.run("audit", "search", "--subject", subject)

    made.worker(name="second")
    done = made.wait(job_id, timeout=300)
    assert done["state"] == "succeeded", done
    assert done["attempts"] == 2
    shown = made.run("requests", "show", request_id)
    assert shown.startswith("completed") or "completed" in shown.splitlines()[0]
    trail = made.run("audit", "search", "--subject", subject)
    assert trail.count("subject_shredded") == 1
    assert "intact" in made.run("audit", "verify")


def test_two_tenants_ingest_at_once_and_one_tenant_one_at_a_time(
    installation: Installation, tmp_path: Path
) -> None:
    made = installation
    files = [calls_file(tmp_path, 8000, seed=s) for s in (11, 12, 13)]
    acme = background(made, files[0], "acme")
    bravo = background(made, files[1], "bravo")
    acme_again = background(made, files[2], "acme")
    for n in range(2):
        made.worker(name=f"w{n}")
    jobs = {j: made.wait(j) for j in (acme, bravo, acme_again)}
    assert all(job["state"] == "succeeded" for job in jobs.values()), jobs

    def span(job: dict[str, object]) -> tuple[str, str]:
        return str(job["started_at"]), str(job["finished_at"])

    def overlap(a: tuple[str, str], b: tuple[str, str]) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    tenants_overlapped = overlap(span(jobs[bravo]), span(jobs[acme])) or overlap(
        span(jobs[bravo]), span(jobs[acme_again])
    )
    assert tenants_overlapped, jobs
    assert not overlap(span(jobs[acme]), span(jobs[acme_again])), jobs
    with made.uow() as uow:
        assert uow.calls.count_calls("bravo") == 8000
        assert len(uow.calls.ingests_of("acme", limit=10)) == 2
    assert "intact" in made.run("audit", "verify")
