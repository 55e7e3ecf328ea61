"""`dataward jobs ...`, `dataward worker` and `dataward scheduler`: background jobs, the processes
that run them, and the one that schedules them."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from typing import TYPE_CHECKING, Annotated

import typer

from dataward.adapters.jobs.broker import queue_name
from dataward.domain.jobs import FINISHED, Job, JobKind, JobState, NewJob, Queue
from dataward.entrypoints.cli.common import (
    EXIT_CONFIG,
    container,
    fail_on_dataward_error,
    reading,
)
from dataward.entrypoints.cli.params import one_of

if TYPE_CHECKING:
    from dataward.entrypoints.worker.tasks import Worker

app = typer.Typer(help="Background jobs: list them, show one, wait for one to end.")

EXIT_FAILED = 2
ALL_QUEUES = ",".join(queue.value for queue in Queue)
EXIT_TIMEOUT = 5


def job_lines(job: Job) -> list[str]:
    lines = [
        f"job {job.id}",
        f"  kind      {job.kind.value}" + (f" (tenant {job.tenant_id})" if job.tenant_id else ""),
        f"  state     {job.state.value}",
        f"  attempts  {job.attempts}",
        f"  asked by  {job.actor.id} ({job.actor.role})",
        f"  created   {job.created_at:%Y-%m-%d %H:%M:%S}Z",
    ]
    if job.finished_at is not None:
        lines.append(f"  finished  {job.finished_at:%Y-%m-%d %H:%M:%S}Z")
    if job.error:
        lines.append(f"  error     {job.error}")
    lines.extend(f"  {key:<9} {value}" for key, value in sorted(job.result.items()))
    return lines


def job_json(job: Job) -> dict[str, object]:
    return {
        "id": job.id,
        "kind": job.kind.value,
        "state": job.state.value,
        "tenant": job.tenant_id,
        "actor": job.actor.id,
        "attempts": job.attempts,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "error": job.error,
        "result": dict(job.result),
    }


AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("list")
def list_(
    state: Annotated[
        str | None, typer.Option(parser=one_of(*JobState), help="Only jobs in this state.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option(parser=one_of(*JobKind), help="Only jobs of this kind.")
    ] = None,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant's jobs.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
    as_json: AsJson = False,
) -> None:
    """The newest jobs first: kind, state, attempts, when."""
    from dataward.services.jobs.submit import JobFilter, list_jobs

    with fail_on_dataward_error(), container() as wired:
        wanted = JobFilter(
            JobState(state) if state else None, JobKind(kind) if kind else None, tenant, limit
        )
        found = list_jobs(reading(wired), wanted)
    if as_json:
        typer.echo(json.dumps([job_json(j) for j in found], indent=2))
        return
    for job in found:
        where = f" {job.tenant_id}" if job.tenant_id else ""
        typer.echo(
            f"{job.id}  {job.kind.value:<15} {job.state.value:<9} "
            f"{job.attempts}  {job.created_at:%Y-%m-%d %H:%M:%S}Z{where}"
        )
    typer.echo(f"{len(found)} job(s)", err=True)


JobArg = Annotated[str, typer.Argument(metavar="ID", help="The job's id.")]


@app.command()
def show(job_id: JobArg, as_json: AsJson = False) -> None:
    """A job: its state, attempts, times, result (counts and ids) or error."""
    from dataward.services.jobs.submit import show_job

    with fail_on_dataward_error(), container() as wired:
        job = show_job(reading(wired), job_id)
    typer.echo(json.dumps(job_json(job), indent=2) if as_json else "\n".join(job_lines(job)))


@app.command()
def wait(
    job_id: JobArg,
    timeout: Annotated[
        int, typer.Option(min=1, max=7 * 24 * 3600, help="Give up after this many seconds.")
    ] = 3600,
    as_json: AsJson = False,
) -> None:
    """Wait for a job to end, then show it: exit 0 if it succeeded, 2 if it failed, 5 if it
    had not ended within --timeout."""
    from dataward.services.jobs.submit import show_job

    deadline = time.monotonic() + timeout
    with fail_on_dataward_error(), container() as wired:
        while True:
            job = show_job(reading(wired), job_id)
            if job.state in FINISHED or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
    typer.echo(json.dumps(job_json(job), indent=2) if as_json else "\n".join(job_lines(job)))
    if job.state is JobState.FAILED:
        raise typer.Exit(EXIT_FAILED)
    if job.state not in FINISHED:
        typer.echo("still not ended", err=True)
        raise typer.Exit(EXIT_TIMEOUT)


ASKED = ("outbox", "retention_sweep", "key_sweep", "alerts")


@app.command()
def run(
    kind: Annotated[str, typer.Argument(parser=one_of(*ASKED), help=", ".join(ASKED))],
    as_json: AsJson = False,
) -> None:
    """Record a job of this kind now and send it: to its queue when a broker is configured,
    else run here at once (what `dataward scheduler` does on its schedule; from cron or a
    timer on an installation without a broker). Jobs that wait (a run met a fault, or the
    broker was away) are sent again first, as the scheduler's relay does. Exit 2 if it
    failed."""
    from dataward.bootstrap_jobs import relay_jobs
    from dataward.entrypoints.cli.common import cli_actor, use_case
    from dataward.services.jobs.rights import may_do
    from dataward.services.jobs.submit import submit_job

    with fail_on_dataward_error(), container() as wired:
        new = NewJob(JobKind(kind), cli_actor(wired))
        ctx = use_case(wired)
        may_do(ctx.register, ctx.actor, new.kind, None)  # before anything is sent
        relayed = relay_jobs(wired, wired.dispatcher())
        if relayed.sent or relayed.waiting:
            typer.echo(f"{relayed.sent} waiting job(s) sent again", err=True)
        job = submit_job(ctx, new, wired.dispatcher())
    typer.echo(json.dumps(job_json(job), indent=2) if as_json else "\n".join(job_lines(job)))
    if job.state is JobState.FAILED:
        raise typer.Exit(EXIT_FAILED)


def _runner() -> Worker:
    """The Celery application of these settings; exit 4 when no broker is configured."""
    from dataward.entrypoints.worker.tasks import Worker

    with fail_on_dataward_error(), container() as wired:
        settings = wired.settings
    try:
        return Worker(settings)
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(EXIT_CONFIG) from None


def _queues(value: str) -> str:
    names = [q.strip() for q in value.split(",") if q.strip()]
    known = {q.value for q in Queue}
    if not names or any(n not in known for n in names):
        raise typer.BadParameter(f"a comma-separated list of: {', '.join(sorted(known))}")
    return ",".join(dict.fromkeys(names))


def worker(
    queues: Annotated[
        str,
        typer.Option(parser=_queues, help="The queues to take jobs from, comma-separated."),
    ] = ALL_QUEUES,
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs run at once (processes).")
    ] = 1,
) -> None:
    """Run jobs from the broker (DATAWARD_BROKER_URL) until stopped."""
    runner = _runner()
    settings = runner.settings
    name = f"dataward-{os.getpid()}@{socket.gethostname()}"
    prefix = settings.broker_queue_prefix
    runner.app.worker_main(
        [
            "worker",
            "--queues",
            ",".join(queue_name(Queue(q), prefix) for q in queues.split(",")),
            "--concurrency",
            str(concurrency),
            "--hostname",
            name,
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ]
    )


RELAY_SECONDS = 30.0


def scheduler() -> None:
    """Send the scheduled jobs (DATAWARD_SCHEDULE_*) and, every 30 seconds, the jobs that wait
    in the database for the broker (sent while it was down, or whose worker died)."""
    runner = _runner()
    settings = runner.settings
    stop = threading.Event()

    def relaying() -> None:
        while not stop.wait(RELAY_SECONDS):
            try:
                runner.relay_once()
            except Exception as error:  # noqa: BLE001 - the database or broker away: next round
                typer.echo(f"relay: {type(error).__name__}; next round", err=True)

    thread = threading.Thread(target=relaying, name="relay", daemon=True)
    thread.start()
    schedule_file = settings.data_dir / "beat-schedule"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        runner.app.Beat(schedule=str(schedule_file), loglevel="INFO").run()
    finally:
        stop.set()
