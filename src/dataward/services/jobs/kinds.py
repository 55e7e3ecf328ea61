"""What each kind of job does: the same use cases the command line runs, as the job's actor.

Results are counts and ids, never content. A job's parameters are ids and flags: a fulfilment
runs only rights whose carrying out needs no value from staff (a rectification's corrected
values, an objection's reasons are given where the request is worked, not queued).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from dataward.domain.jobs import Job, JobKind
from dataward.services.calls.ingest import IngestCalls, IngestRejected, ingest
from dataward.services.calls.ingest_ports import Source
from dataward.services.context import UseCase
from dataward.services.jobs.run import Handler, JobRefused
from dataward.services.jobs.staging import unstage
from dataward.services.ports import UnitOfWork

_BAD_SHOWN = 100
"""Bad records a refused ingest's result lists (each by place and reason, never content)."""


class StagedSources(Protocol):
    """A source over a staged file: `write` fills a private temporary file with it, which the
    source reads (in the format named, or the one detected), gone when the block ends."""

    def __call__(
        self, write: Callable[[BinaryIO], object], format_name: str | None
    ) -> AbstractContextManager[Source]: ...


@dataclass(frozen=True, slots=True)
class JobTools:
    """What the kinds need beyond a use case, bound by the worker."""

    staged_sources: StagedSources
    outbox: Callable[[UseCase], Mapping[str, object]]
    """Send the letters and messages due (`dataward outbox send`)."""
    alerts: Callable[[UseCase], Mapping[str, object]]
    """Tell the DCO what is overdue."""
    key_sweep: Callable[[UseCase], Mapping[str, object]]
    retention_sweep: Callable[[UseCase], Mapping[str, object]]
    fulfil: Callable[[UseCase, str], Mapping[str, object]]


def handlers(tools: JobTools) -> dict[JobKind, Handler]:
    return {
        JobKind.INGEST: lambda ctx, job: ingest_staged(ctx, job, tools.staged_sources),
        JobKind.FULFIL: lambda ctx, job: tools.fulfil(ctx, str(job.params.get("request", ""))),
        JobKind.OUTBOX: lambda ctx, _job: tools.outbox(ctx),
        JobKind.RETENTION_SWEEP: lambda ctx, _job: tools.retention_sweep(ctx),
        JobKind.KEY_SWEEP: lambda ctx, _job: tools.key_sweep(ctx),
        JobKind.ALERTS: lambda ctx, _job: tools.alerts(ctx),
    }


def ingest_staged(ctx: UseCase, job: Job, sources: StagedSources) -> Mapping[str, object]:
    """Land the job's staged file for its tenant, once: a source that landed in an earlier run
    (recorded in its own transaction) is not read again."""
    if job.landed:
        return _landed_before(ctx.uow, job)
    fmt = job.params.get("format")

    def land(uow: UnitOfWork, ingest_id: int) -> None:
        uow.jobs.land(job.id, job.run_token, ingest_id)

    def write(out: BinaryIO) -> None:
        unstage(ctx.uow, ctx.vault, job.id, out)

    with sources(write, fmt if isinstance(fmt, str) else None) as source:
        command = IngestCalls(
            job.tenant_id or "",
            [source],
            quarantine=bool(job.params.get("quarantine", False)),
            landed=land,
        )
        try:
            report = ingest(ctx, command)
        except IngestRejected as rejected:
            bad = rejected.report.bad
            raise JobRefused(
                f"rejected: {len(bad)} bad record(s); nothing was stored",
                {"bad_records": list(bad[:_BAD_SHOWN]), "bad": len(bad)},
            ) from None
    summary = report.as_dict()
    for private in ("sources", "labels", "bad_records", "formats", "tenant"):
        summary.pop(private, None)
    summary["formats"] = sorted(set(report.formats.values()))
    return summary


def _landed_before(uow: UnitOfWork, job: Job) -> Mapping[str, object]:
    """The result of an ingest that landed in an earlier run, from its records."""
    stored = duplicates = read = bad = 0
    with uow:
        for ingest_id in job.landed:
            found = uow.calls.ingest(ingest_id)
            if found is not None:
                stored += found.stored
                duplicates += found.duplicates
                read += found.calls_read
                bad += found.bad
    return {
        "ingests": list(job.landed),
        "stored": stored,
        "duplicates": duplicates,
        "calls_read": read,
        "quarantined": bad,
        "landed_before": True,
    }
