"""What `dataward scheduler` sends: one beat entry per schedule of the settings, read as cron
lines in the settings' zone, none for an empty one; and the task beat sends records the job as
the scheduler and hands its id to the broker (RabbitMQ), where a worker's task runs it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.schedules import crontab
from kombu import Connection

from dataward.adapters.jobs.broker import Schedules, beat_schedule
from dataward.bootstrap import bootstrap
from dataward.bootstrap_jobs import SCHEDULER
from dataward.config import Settings
from dataward.domain.clock import FixedClock
from dataward.domain.jobs import JobKind, JobState, Queue
from dataward.entrypoints.worker.tasks import Worker
from dataward.installation import initialise

BROKER = os.environ.get("DATAWARD_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def test_each_schedule_of_the_settings_is_a_beat_entry() -> None:
    lines = {
        JobKind.OUTBOX: "* * * * *",
        JobKind.RETENTION_SWEEP: "30 2 * * *",
        JobKind.KEY_SWEEP: "",
        JobKind.ALERTS: "0 */2 * * 1-5",
    }
    entries = beat_schedule(Schedules("Europe/London", lines), prefix="p.")
    assert set(entries) == {"outbox", "retention_sweep", "alerts"}  # an empty line: never
    assert entries["retention_sweep"]["schedule"] == crontab(minute="30", hour="2")
    assert entries["alerts"]["schedule"] == crontab(minute="0", hour="*/2", day_of_week="1-5")
    assert entries["outbox"]["args"] == ["outbox"]
    assert entries["outbox"]["options"] == {"queue": "p.maintenance", "expires": 3600}


@pytest.fixture
def worker(tmp_path: Path, clock: FixedClock) -> Iterator[Worker]:
    prefix = f"t{uuid.uuid4().hex[:10]}."
    settings = Settings(data_dir=tmp_path / "var", broker_url=BROKER, broker_queue_prefix=prefix)
    container = bootstrap(settings, clock=clock)
    initialise(container)
    container.close()
    try:
        yield Worker(settings)
    finally:
        with Connection(BROKER) as broker, broker.channel() as channel:
            for queue in Queue:
                channel.queue_delete(f"{prefix}{queue.value}")
                channel.exchange_delete(f"{prefix}{queue.value}")


def test_the_scheduled_task_records_the_job_as_the_scheduler_and_sends_it(
    worker: Worker,
) -> None:
    job_id = worker.scheduled_task.run("alerts")
    wired = worker.wired()
    with wired.container.uow() as uow:
        job = uow.jobs.get(job_id)
    assert job is not None
    assert (job.kind, job.actor.id, job.state) == (JobKind.ALERTS, SCHEDULER, JobState.QUEUED)
    assert job.sent_at is not None
    prefix = worker.settings.broker_queue_prefix
    with Connection(BROKER) as broker, broker.channel() as channel:
        message = channel.basic_get(f"{prefix}{Queue.OUTREACH.value}", no_ack=True)
    assert message is not None
    assert worker.run_task.run(job_id) == "succeeded"
    assert worker.run_task.run(job_id) == "finished_before"  # sent twice: run once
    assert worker.scheduled_task.run("<b>drop</b>") == "not a job kind"
    assert worker.run_task.run("../../etc/passwd") == "not a job id"
