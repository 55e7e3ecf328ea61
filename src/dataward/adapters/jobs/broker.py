"""Celery over a broker (RabbitMQ): the application's settings, the sender of job ids, and the
schedules `dataward scheduler` keeps.

A message carries a job's id, nothing else; the database holds the job. Messages are
persistent on durable queues, published with the broker's confirmation, acknowledged only once
the job's run has ended (`acks_late`), and handed back to the queue when the worker running it
dies (`reject_on_worker_lost`; a worker whose connection drops loses its unacknowledged
messages to another). A worker takes one message at a time (`prefetch_multiplier` 1), so a long
ingest holds back nothing another worker could run.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from celery import Celery
from celery.schedules import crontab
from kombu import Exchange
from kombu import Queue as KombuQueue

from dataward.domain.jobs import Job, JobKind, Queue

logger = logging.getLogger(__name__)

RUN_JOB = "dataward.run_job"
"""The task that runs one job by its id."""
SCHEDULED = "dataward.scheduled"
"""The task beat sends: record a job of a kind, as the scheduler, and send it on."""

CONNECT_SECONDS = 3.0
"""How long a sender waits for the broker before the job is left to the relay."""


@dataclass(frozen=True, slots=True)
class Schedules:
    """Cron lines (minute hour day month weekday; empty: never) per scheduled job kind."""

    zone: str
    lines: Mapping[JobKind, str]


def queue_name(queue: Queue, prefix: str = "") -> str:
    """A queue's name on the broker: installations sharing one broker each take a prefix."""
    return f"{prefix}{queue.value}"


def celery_app(
    broker_url: str,
    schedules: Schedules | None = None,
    prefix: str = "",
    ca_file: Path | None = None,
) -> Celery:
    app = Celery("dataward", set_as_current=False)
    where = urlsplit(broker_url)
    if where.scheme == "amqps":  # the certificate checked, and that it is the host's
        app.conf.broker_use_ssl = {
            "cert_reqs": ssl.CERT_REQUIRED,
            "server_hostname": where.hostname,
            **({"ca_certs": str(ca_file)} if ca_file is not None else {}),
        }
    app.conf.update(
        broker_url=broker_url,
        broker_connection_timeout=CONNECT_SECONDS,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"confirm_publish": True},
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_store_errors_even_if_ignored=False,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=queue_name(Queue.MAINTENANCE, prefix),
        task_queues=[_queue(queue_name(q, prefix)) for q in Queue],
        task_create_missing_queues=False,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,  # the process's one log handler writes to stderr itself
        worker_send_task_events=False,
        enable_utc=True,
    )
    if schedules is not None:
        app.conf.update(timezone=schedules.zone, beat_schedule=beat_schedule(schedules, prefix))
    return app


def _queue(name: str) -> KombuQueue:
    """A durable queue on a direct exchange of its own, bound by its own name: a job sent to
    one queue reaches that queue alone."""
    return KombuQueue(name, Exchange(name, type="direct", durable=True), routing_key=name)


def beat_schedule(schedules: Schedules, prefix: str = "") -> dict[str, dict[str, object]]:
    entries: dict[str, dict[str, object]] = {}
    for kind, line in schedules.lines.items():
        fields = line.split()
        if not fields:
            continue
        minute, hour, day, month, weekday = fields
        entries[kind.value] = {
            "task": SCHEDULED,
            "schedule": crontab(
                minute=minute,
                hour=hour,
                day_of_month=day,
                month_of_year=month,
                day_of_week=weekday,
            ),
            "args": [kind.value],
            "options": {"queue": queue_name(Queue.MAINTENANCE, prefix), "expires": 3600},
        }
    return entries


class CeleryDispatcher:
    """Sends a job's id to its kind's queue; False (and the job waits for the relay) when the
    broker cannot be reached."""

    def __init__(self, app: Celery, prefix: str = "") -> None:
        self.app = app
        self._prefix = prefix

    def send(self, job: Job) -> bool:
        queue = queue_name(job.queue, self._prefix)
        try:
            self.app.send_task(RUN_JOB, args=[job.id], queue=queue, retry=False)
        except Exception as error:  # noqa: BLE001 - any broker fault: the relay sends it later
            logger.warning("broker unavailable, job left queued (%s)", type(error).__name__)
            return False
        return True


def broker_answers(app: Celery, timeout: int = int(CONNECT_SECONDS)) -> bool:
    """Whether the broker takes a connection within `timeout` seconds."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
    except Exception:  # noqa: BLE001 - any fault means not ready
        return False
    return True
