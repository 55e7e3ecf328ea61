"""`/api/v1/share`: export to a register recipient, and read the disclosure log.

An export needs `disclose_to_recipients` and a role the gate could allow the purpose's
categories (marketing staff, for Mondago's marketing); it carries only the fields the register
gives the recipient for the purpose, of the people the gate allows, each logged. It comes back
in the answer's body (CSV or JSON, rendered as at the command line by `views.sharing`), never
as a file left on the server, marked `no-store`, under a neutral file name made of its batch
id. An export refused whole (a transfer abroad without a valid or with a suspended mechanism,
a recipient the purpose does not list) is a 409 `share_refused` whose message says why by the
register's keys; the refusal is recorded for the DCO (`GET /api/v1/transfers`) and audited.

The log needs `read_audit_log` (the DCO, an auditor): it says whose data went where. It is read
a page at a time, newest first; `next_cursor` of one page gives the next.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from dataward.domain.sharing.records import Disclosure, LogCursor
from dataward.entrypoints.api.deps import UseCaseDep
from dataward.entrypoints.api.fields import RegisterKey
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.views.sharing import render_export
from dataward.services.sharing.exports import ExportFormat, ShareExport, export_to_recipient
from dataward.services.sharing.records import LogQuery, share_log_page

router = APIRouter(prefix="/api/v1/share", tags=["sharing"], route_class=TokenFirstRoute)

BATCH_HEADER = "X-Dataward-Batch"
WITHHELD_HEADER = "X-Dataward-Withheld"
MEDIA = {ExportFormat.CSV: "text/csv; charset=utf-8", ExportFormat.JSON: "application/json"}
PAGE_MOST = 1000
"""The most entries of the log one page holds."""
CURSOR = r"^\d{1,17}\.\d{1,10}$"


class ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: RegisterKey = Field(description="The register recipient's key, e.g. mondago")
    purpose: RegisterKey = Field(description="The purpose disclosed for, e.g. mondago_marketing")
    format: ExportFormat = Field(default=ExportFormat.CSV, description="csv or json")


class ExportBatchOut(BaseModel):
    id: UUID
    recipient: str
    purpose: str
    at: datetime
    fields: list[str] = Field(description="The register fields the recipient may receive")
    columns: list[str] = Field(description="subject_id, then the identifier types carried")
    subjects: int


class ExportDocumentOut(BaseModel):
    """An export as JSON: its batch, and a row per subject (subject_id and the columns the
    gate allowed for them)."""

    batch: ExportBatchOut
    rows: list[dict[str, str]]


class DisclosureOut(BaseModel):
    at: datetime
    batch_id: UUID
    recipient: str
    purpose: str
    subject_id: str = Field(description="The subject's random id, never an identifier")
    categories: list[str]

    @classmethod
    def of(cls, entry: Disclosure) -> DisclosureOut:
        return cls(
            at=entry.at,
            batch_id=entry.batch_id,
            recipient=entry.recipient,
            purpose=entry.purpose,
            subject_id=entry.subject_id,
            categories=list(entry.categories),
        )


class LogPageOut(BaseModel):
    entries: list[DisclosureOut]
    next_cursor: str | None = Field(
        description="Give it as `cursor` for the next page; null on the last page"
    )


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export, as an attachment; its batch id in the X-Dataward-Batch "
        "header, the number of people the gate left out by reason in X-Dataward-Withheld",
        "model": ExportDocumentOut,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "headers": {
            BATCH_HEADER: {"schema": {"type": "string", "format": "uuid"}},
            WITHHELD_HEADER: {"schema": {"type": "string"}, "description": "e.g. no_consent=2"},
            "Content-Disposition": {"schema": {"type": "string"}},
        },
    },
    403: {"description": "The role may not disclose, or never the purpose's categories"},
    409: {"description": "Refused whole by the register or a transfer check (recorded)"},
}


@router.post(
    "/exports",
    summary="Export to a recipient what the register and the gate allow (each person logged)",
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
def export(body: ExportIn, ctx: UseCaseDep) -> Response:
    """Nothing is kept on the server but the record of who went where: the export is this
    answer. Needs disclose_to_recipients; audited."""
    shared = export_to_recipient(ctx, ShareExport(body.recipient, body.purpose, body.format))
    batch = str(shared.batch.id)
    withheld = ", ".join(f"{why}={n}" for why, n in sorted(shared.withheld.items()))
    return Response(
        content=render_export(shared),
        media_type=MEDIA[body.format],
        headers={
            "Content-Disposition": f'attachment; filename="export-{batch}.{body.format.value}"',
            "Cache-Control": "no-store",
            BATCH_HEADER: batch,
            WITHHELD_HEADER: withheld or "none",
        },
    )


@router.get("/log", summary="The disclosure log, newest first, a page at a time (audited)")
def log(
    ctx: UseCaseDep,
    subject: Annotated[UUID | None, Query(description="One subject's entries")] = None,
    recipient: Annotated[RegisterKey | None, Query(description="One recipient's entries")] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MOST, description="Entries a page")] = 100,
    cursor: Annotated[
        str | None,
        Query(pattern=CURSOR, max_length=28, description="The previous page's next_cursor"),
    ] = None,
) -> LogPageOut:
    """Needs read_audit_log. Each entry: when, the batch, to whom, for what, the subject's id
    and the categories of theirs that went."""
    after = None if cursor is None else LogCursor.parse(cursor)
    page = share_log_page(ctx, LogQuery(subject, recipient, limit, after))
    return LogPageOut(
        entries=[DisclosureOut.of(e) for e in page.entries],
        next_cursor=None if page.next is None else page.next.text,
    )
