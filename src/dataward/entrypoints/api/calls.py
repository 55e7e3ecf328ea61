"""`/api/v1/tenants/{tenant_id}/...`: call batches, their quarantine, a subject's calls, and
ACD reports."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from dataward.bootstrap import Container
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import ReportBy
from dataward.domain.calls.dp_release import LEAST_EPSILON, MOST_EPSILON
from dataward.domain.jobs import Job, JobKind, NewJob
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.entrypoints.api.deps import ContainerDep, GateDep, ReadingDep, UseCaseDep
from dataward.entrypoints.api.errors import error_body
from dataward.entrypoints.api.fields import Day, IngestId, RegisterKey
from dataward.entrypoints.api.jobs import JobOut
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.api.uploads import spooled
from dataward.entrypoints.views.calls import CallOut
from dataward.services.calls.access import calls_of_subject
from dataward.services.calls.ingest import IngestCalls, IngestRejected, ingest
from dataward.services.calls.ingest_ports import Source
from dataward.services.calls.report_labels import REPORTING_PURPOSE
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.context import UseCase
from dataward.services.jobs.submit import submit_job
from dataward.services.quarantine.lines import list_quarantine

router = APIRouter(
    prefix="/api/v1/tenants/{tenant_id}", tags=["calls"], route_class=TokenFirstRoute
)

CALLS_PATH = router.prefix + "/calls"
BATCH = "batch"
"""The name a batch goes by in its report and its quarantined lines."""


class BatchFormat(StrEnum):
    """The formats a batch may name: every parser's but generic-csv, whose column mapping a
    batch cannot carry (map such files with `dataward ingest --mapping`)."""

    ASTERISK_CDR_CSV = "asterisk-cdr-csv"
    ASTERISK_CDR_CUSTOM = "asterisk-cdr-custom"
    ASTERISK_QUEUE_LOG = "asterisk-queue-log"
    FREESWITCH_CDR_CSV = "freeswitch-cdr-csv"
    BROADWORKS_CSV = "broadworks-csv"


class BatchQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    format_name: BatchFormat | None = Field(None, alias="format")
    quarantine: bool = False
    background: bool = Field(
        default=False, description="Stage the batch as a job for a worker; answered 202"
    )


@router.post(
    "/calls",
    status_code=201,
    summary="Ingest a batch of calls (a call file's text in the body)",
    openapi_extra={"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def post_calls(
    tenant_id: str,
    request: Request,
    ctx: UseCaseDep,
    container: ContainerDep,
    query: Annotated[BatchQuery, Query()],
) -> Any:
    """The body is a call file as its PBX writes it (CDR CSV, queue_log, ...): the format is
    detected unless named. A batch with bad records is refused whole (422, each bad line
    listed) unless `quarantine=true`. The body streams to a temporary file and is read from
    there (a file without a name, see `uploads`), never held whole; one over
    `DATAWARD_MAX_BATCH_BYTES` is refused (413). A caller
    who may not ingest for the tenant is refused before a byte of the body is read.

    With `background=true` the batch is staged (sealed under a key of its own) as a job for a
    worker, and answered `202` with the job (`GET /api/v1/jobs/{id}` follows it); without a
    broker, the job has run by then."""
    require(ctx.register, ctx.actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    chosen = query.format_name.value if query.format_name else None
    quarantine = query.quarantine
    state = request.app.state
    async with spooled(
        request.stream(), state.upload_folder, anonymous=state.anonymous_uploads
    ) as path:
        if query.background:
            job = await run_in_threadpool(_stage, ctx, container, path, (tenant_id, query))
            body = JobOut.of(job, ctx.actor).model_dump(mode="json")
            return JSONResponse(body, status_code=202)
        source = await run_in_threadpool(_batch_source, path, chosen)
        try:
            # Ingest is blocking work: off the event loop, so other requests are served meanwhile.
            command = IngestCalls(tenant_id, [source], quarantine=quarantine)
            report = await run_in_threadpool(ingest, ctx, command)
        except IngestRejected as error:
            return JSONResponse(
                error_body(
                    error.code,
                    f"{len(error.report.bad)} bad record(s); nothing was stored",
                    list(error.report.bad),
                ),
                status_code=422,
            )
    return report.as_dict()


def _stage(ctx: UseCase, container: Container, path: Path, batch: tuple[str, BatchQuery]) -> Job:
    tenant_id, query = batch
    params: dict[str, object] = {"quarantine": query.quarantine}
    if query.format_name is not None:
        params["format"] = query.format_name.value
    new = NewJob(JobKind.INGEST, ctx.actor, tenant_id, params)
    with path.open("rb") as staged:
        return submit_job(ctx, new, container.dispatcher(), staged)


def _batch_source(path: Path, format_name: str | None) -> Source:
    """The spooled batch as an ingest source named `batch` and labelled as one (never after the
    temporary file's name), its format named or detected from its first lines, read in its own
    encoding."""
    from dataward.adapters.ingest.detect import detect_format, read_head
    from dataward.adapters.ingest.files import file_source

    name = format_name or detect_format(read_head(path), source=BATCH).name
    return replace(file_source(path, format_name=name), name=BATCH, file_name=None)


class QuarantinedOut(BaseModel):
    id: int
    ingest_id: int
    source: str
    line: int
    reason: str
    resolution: str | None


@router.get("/calls/quarantine", summary="Quarantined lines: where and why, never the line")
def get_quarantine(
    tenant_id: str, reading: ReadingDep, ingest_id: IngestId | None = None
) -> list[QuarantinedOut]:
    entries = list_quarantine(reading, tenant_id, ingest_id=ingest_id)
    return [
        QuarantinedOut(
            id=e.id,
            ingest_id=e.ingest_id,
            source=e.source,
            line=e.line,
            reason=e.reason,
            resolution=e.resolution,
        )
        for e in entries
    ]


@router.get(
    "/subjects/{subject_id}/calls",
    summary="Every call of the tenant where the subject is a party, numbers through the gate",
)
def get_subject_calls(
    tenant_id: str,
    subject_id: UUID,
    ctx: UseCaseDep,
    gate: GateDep,
    purpose: str = "telephony_reporting",
) -> list[CallOut]:
    views = calls_of_subject(ctx, gate, tenant_id=tenant_id, subject_id=subject_id, purpose=purpose)
    return [CallOut.of(v) for v in views]


class AcdQuery(BaseModel):
    """The ACD report's query parameters: `from` and `to` are the first and last local dates,
    both included; `format` json or csv."""

    by: ReportBy = ReportBy.QUEUE
    period: Period = Period.DAY
    first: Day | None = Field(default=None, alias="from")
    last: Day | None = Field(default=None, alias="to")
    output: str = Field(default="json", alias="format", pattern="^(json|csv)$")
    dp_epsilon: float | None = Field(
        default=None,
        ge=LEAST_EPSILON,
        le=MOST_EPSILON,
        allow_inf_nan=False,
        description="Release the counts with differential-privacy noise spending this budget",
    )
    purpose: RegisterKey = Field(
        default=REPORTING_PURPOSE,
        description="The register purpose the agent or caller labels serve (the gate decides "
        "each); a report by queue names nobody",
    )


@router.get("/reports/acd", summary="ACD report (JSON or CSV), never decrypting")
def get_acd_report(tenant_id: str, ctx: UseCaseDep, query: Annotated[AcdQuery, Query()]) -> Any:
    """No cell under the register's k is in it; in CSV, k and the counts of cells suppressed
    and labels withheld are the `X-K-Anonymity-Threshold`, `X-Suppressed-Cells` and
    `X-Withheld-Labels` headers."""
    from dataward.adapters.documents.acd_report import report_csv, report_dict, summary_headers

    command = ReadAcdReport(
        tenant_id,
        query.by,
        query.period,
        query.first,
        query.last,
        query.dp_epsilon,
        query.purpose,
    )
    report = acd_report(ctx, command)
    if query.output == "csv":
        return Response(
            report_csv(report),
            media_type="text/csv; charset=utf-8",
            headers=summary_headers(report),
        )
    return report_dict(report)
