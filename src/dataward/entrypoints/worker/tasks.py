"""The Celery tasks: run one job by its id; record a scheduled job and send it on.

Every process of a worker (each of a prefork pool's children) wires its own container on first
use, so no database connection crosses a fork.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from uuid import UUID

from celery import Celery, Task

from dataward.adapters.jobs.broker import RUN_JOB, SCHEDULED, CeleryDispatcher
from dataward.bootstrap import Container, bootstrap
from dataward.bootstrap_jobs import broker, job_env, relay_jobs, scheduler_actor
from dataward.config import Settings
from dataward.domain.jobs import JobKind, NewJob, retry_delay
from dataward.services.jobs.relay import Relayed
from dataward.services.jobs.run import JobEnv, run_job
from dataward.services.jobs.submit import submit_job

logger = logging.getLogger("dataward.worker")


@dataclass
class _Wired:
    pid: int
    container: Container
    env: JobEnv
    dispatcher: CeleryDispatcher


class Worker:
    """The Celery application with dataward's tasks, wired per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        probe = bootstrap(settings)
        app = broker(probe)
        probe.close()
        if app is None:
            raise ValueError("DATAWARD_BROKER_URL is not set: jobs run in process, no worker")
        self.app: Celery = app
        self._wired: _Wired | None = None
        self._lock = threading.Lock()
        self._register()

    def wired(self) -> _Wired:
        with self._lock:
            if self._wired is None or self._wired.pid != os.getpid():
                container = bootstrap(self.settings)
                self._wired = _Wired(
                    os.getpid(),
                    container,
                    job_env(container),
                    CeleryDispatcher(self.app, self.settings.broker_queue_prefix),
                )
            return self._wired

    def relay_once(self) -> Relayed:
        wired = self.wired()
        return relay_jobs(wired.container, wired.dispatcher)

    def _register(self) -> None:
        worker = self

        @self.app.task(
            name=RUN_JOB, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None
        )
        def run(task: Task[[str], str], job_id: str) -> str:
            try:
                wanted = str(UUID(str(job_id)))
            except ValueError:
                return "not a job id"
            try:
                outcome = run_job(worker.wired().env, wanted)
            except Exception as error:  # noqa: BLE001 - the job stays on record; try again
                logger.warning("job run interrupted (%s); to retry", type(error).__name__)
                delay = retry_delay(task.request.retries + 1)
                raise task.retry(countdown=delay.total_seconds()) from None
            if outcome.retry_in is not None:
                raise task.retry(countdown=outcome.retry_in.total_seconds())
            return outcome.ran.value

        @self.app.task(name=SCHEDULED, acks_late=True)
        def scheduled(kind: str) -> str:
            try:
                wanted = JobKind(kind)
            except ValueError:
                return "not a job kind"
            wired = worker.wired()
            actor = scheduler_actor(wired.container)
            ctx = wired.container.use_case(actor)
            return submit_job(ctx, NewJob(wanted, actor), wired.dispatcher).id

        self.run_task = run
        self.scheduled_task = scheduled
