"""The composition of background jobs: what each kind runs with, and how a job reaches a worker.

With a broker (`DATAWARD_BROKER_URL`) a job's id goes to its queue, for `dataward worker`;
without one (the embedded default) it runs at once in the process that asked for it, so the
command line and the API work as they did, with every job on record all the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from dataward.adapters.ingest.staged import staged_source
from dataward.adapters.jobs.broker import (
    CeleryDispatcher,
    Schedules,
    broker_answers,
    celery_app,
)
from dataward.adapters.jobs.faults import is_passing
from dataward.domain.jobs import Job, JobKind
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.jobs.kinds import JobTools, handlers
from dataward.services.jobs.ports import Dispatcher
from dataward.services.jobs.relay import Relayed, relay
from dataward.services.jobs.run import JobEnv, JobRefused, run_job

if TYPE_CHECKING:
    from celery import Celery

    from dataward.bootstrap import Container

SCHEDULER = "scheduler"
BROKER_CHECKED_FOR = 5.0
"""Seconds a readiness check of the broker is taken as still true."""
"""The actor id of jobs the scheduler records."""

_QUEUED_ONLY = frozenset({"rectification", "objection"})
"""Rights whose carrying out takes values from whoever works the request: never queued."""


def job_env(container: Container) -> JobEnv:
    """Running jobs in this process, as each job's actor under the register in force."""

    def contexts(actor: Actor) -> UseCase:
        return container.use_case(actor)

    return JobEnv(
        uow=container.uow,
        vault=container.vault(),
        clock=container.clock,
        contexts=contexts,
        handlers=handlers(_tools(container)),
        passing=is_passing,
    )


def _tools(container: Container) -> JobTools:
    return JobTools(
        staged_sources=staged_source,
        outbox=lambda ctx: _outbox(container, ctx),
        alerts=lambda ctx: _alerts(container, ctx),
        key_sweep=lambda ctx: _key_sweep(container, ctx),
        retention_sweep=_retention_sweep,
        fulfil=lambda ctx, request_id: _fulfil(container, ctx, request_id),
    )


def _outbox(container: Container, ctx: UseCase) -> Mapping[str, object]:
    from dataward.adapters.mail.letters import letter_renderer
    from dataward.services.outreach.outbox import deliver_messages
    from dataward.services.rights.outbox import deliver

    render = letter_renderer(container.settings.public_url)
    letters = deliver(ctx, container.mailer(), render, limit=1000)
    messages = deliver_messages(
        ctx,
        container.transports(),
        container.message_makers(),
        limit=1000,
        on_sent=container.message_hooks(),
    )
    return {
        "letters_sent": letters.sent,
        "letters_failed": letters.failed,
        "letters_given_up": letters.abandoned,
        "messages_sent": messages.sent,
        "messages_withheld": messages.withheld,
        "messages_failed": messages.failed,
        "messages_given_up": messages.abandoned,
        "messages_waiting": messages.waiting,
    }


def _alerts(container: Container, ctx: UseCase) -> Mapping[str, object]:
    from dataward.services.jobs.alerts import send_alerts

    to = ctx.register.contacts.data_compliance_officer.email
    return send_alerts(ctx, container.mailer(), to)


def _key_sweep(container: Container, ctx: UseCase) -> Mapping[str, object]:
    from dataward.services.jobs.staging import expire
    from dataward.services.keys.sweep import sweep_keys

    reading = container.use_case(ctx.actor, ctx.register, read_only=True)
    swept = sweep_keys(ctx, reading, container.vault())
    stale, forgotten = expire(ctx.uow, ctx.vault, ctx.clock.now())
    return {
        "destroyed": swept.destroyed,
        "orphans_destroyed": swept.orphans.destroyed,
        "held_finished": len(swept.held.finished),
        "expired": swept.expired,
        "jobs_expired": stale,
        "jobs_forgotten": forgotten,
    }


def _retention_sweep(ctx: UseCase) -> Mapping[str, object]:
    from dataward.services.retention.sweep import SweepRetention, sweep_retention

    done = sweep_retention(ctx, SweepRetention())
    return {
        "targets": len(done),
        "removed": sum(r.removed for r in done),
        "held": sum(r.held for r in done),
    }


def _fulfil(container: Container, ctx: UseCase, request_id: str) -> Mapping[str, object]:
    from dataward.domain.requests.terms import RequestState
    from dataward.services.rights.dispatch import HowToCarryOut, carry_out
    from dataward.services.rights.requests import request_timeline

    view, _, _ = request_timeline(ctx, request_id)
    if view.request.type in _QUEUED_ONLY:
        raise JobRefused("this right is carried out where the request is worked, not queued")
    if view.request.state in (RequestState.COMPLETED, RequestState.PARTIALLY_COMPLETED):
        return {"request": request_id, "state": view.request.state.value, "done_before": True}
    done, _ = carry_out(ctx, request_id, HowToCarryOut(delivery=container.delivery()))
    return {"request": request_id, "state": done.request.state.value}


class InlineDispatcher:
    """No broker: a job runs at once, here, when it is sent."""

    def __init__(self, container: Container) -> None:
        self._container = container
        self._env: JobEnv | None = None

    def send(self, job: Job) -> bool:
        if self._env is None:
            self._env = job_env(self._container)
        run_job(self._env, job.id)
        return True


def schedules(container: Container) -> Schedules:
    settings = container.settings
    return Schedules(
        settings.schedule_zone,
        {
            JobKind.OUTBOX: settings.schedule_outbox,
            JobKind.RETENTION_SWEEP: settings.schedule_retention,
            JobKind.KEY_SWEEP: settings.schedule_keys,
            JobKind.ALERTS: settings.schedule_alerts,
        },
    )


def broker(container: Container) -> Celery | None:
    """The Celery application over the broker, or None in the embedded default."""
    url = container.settings.broker_url
    if url is None:
        return None
    settings = container.settings
    return celery_app(
        url.get_secret_value(),
        schedules(container),
        settings.broker_queue_prefix,
        settings.broker_ca_file,
    )


def dispatcher(container: Container, app: Any = None) -> Dispatcher:
    found = app if app is not None else broker(container)
    if found is None:
        return InlineDispatcher(container)
    return CeleryDispatcher(found, container.settings.broker_queue_prefix)


def broker_check(container: Container) -> Callable[[], bool] | None:
    """Whether the broker takes a connection now, as a check for readiness; None without one."""
    sender = container.dispatcher()
    if not isinstance(sender, CeleryDispatcher):
        return None
    app = sender.app
    last: list[tuple[float, bool]] = []

    def answers() -> bool:  # at most every few seconds: /readyz may be asked often
        now = time.monotonic()
        if not last or now - last[0][0] >= BROKER_CHECKED_FOR:
            last[:] = [(now, broker_answers(app))]
        return last[0][1]

    return answers


def relay_jobs(container: Container, sender: Dispatcher) -> Relayed:
    """Send again what waits in the database (`services.jobs.relay`)."""
    return relay(container.uow(), container.clock, sender)


def scheduler_actor(container: Container) -> Actor:
    """Who the scheduler's jobs run as: the command line's role (the DCO's by default)."""
    return Actor(id=SCHEDULER, role=container.settings.actor_role)
