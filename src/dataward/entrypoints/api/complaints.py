"""`/api/v1/complaints`: the complaints register, one complaint, the ICO's involvement, and
the register's export for the regulator.

Everything here needs `manage_requests` (the DCO). A complaint is made to us about our own
processing and carries no tenant: a tenant's administrator lists none, and any complaint's id
is a 404 to it, as another tenant's request is. The register is read a page at a time, newest
first; `next_cursor` of one page gives the next. No identifier of a complainant is in any
answer, and no outcome's text but in one complaint's own (`GET /{id}`, its opening audited);
the export leaves the outcomes out (`services.rights.complaint_register` says why) and is
audited.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from dataward.domain.requests.complaints import (
    CURSOR_LENGTH,
    CURSOR_PATTERN,
    MAX_REFERENCE,
    ComplaintCursor,
    IcoCase,
    IcoOutcome,
)
from dataward.entrypoints.api.deps import ReadingDep, UseCaseDep
from dataward.entrypoints.api.fields import Day
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.views.complaints import (
    ComplaintOut,
    DetailOut,
    RegisterOut,
    register_csv,
    register_json,
)
from dataward.services.rights.complaint_register import (
    PAGE_MOST,
    RegisterQuery,
    complaint_page,
    export_register,
    record_ico,
    show_complaint,
)

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"], route_class=TokenFirstRoute)

MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class IcoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(
        pattern=r"^[A-Za-z0-9/-]{1,40}$",
        max_length=MAX_REFERENCE,
        description="The ICO's case reference: letters, digits, / and -",
    )
    on: Day = Field(description="The day the ICO told us of the case")
    outcome: IcoOutcome | None = Field(
        None, description="Once the ICO closed the case, how it closed it"
    )
    closed: Day | None = Field(
        None, description="With outcome: the day the ICO closed the case (default today)"
    )


class ComplaintPageOut(BaseModel):
    complaints: list[ComplaintOut]
    next_cursor: str | None = Field(
        description="Give it as `cursor` for the next page; null on the last page"
    )


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The register, as an attachment: CSV rows, or JSON with its figures",
        "model": RegisterOut,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
    },
}


class ListQuery(BaseModel):
    """The register's query parameters: only the open complaints, or received within a
    period; a page's size, and where the previous page ended."""

    open_only: bool = Field(default=False, alias="open", description="Only open complaints")
    since: Day | None = Field(default=None, description="Received on or after this day")
    until: Day | None = Field(default=None, description="Received on or before this day")
    limit: int = Field(default=100, ge=1, le=PAGE_MOST, description="Complaints a page")
    cursor: str | None = Field(
        default=None,
        pattern=CURSOR_PATTERN,
        max_length=CURSOR_LENGTH,
        description="The previous page's next_cursor",
    )


@router.get("", summary="The complaints register, newest first, a page at a time")
def list_complaints(reading: ReadingDep, query: Annotated[ListQuery, Query()]) -> ComplaintPageOut:
    """Each complaint: when and how it came, its state, its acknowledgement and outcome
    against their dates, whether an outcome is recorded (never its text), and the ICO's
    involvement. Needs manage_requests."""
    after = None if query.cursor is None else ComplaintCursor.parse(query.cursor)
    wanted = RegisterQuery(open_only=query.open_only, since=query.since, until=query.until)
    page = complaint_page(reading, wanted, query.limit, after)
    return ComplaintPageOut(
        complaints=[ComplaintOut.of(row) for row in page.rows],
        next_cursor=None if page.next is None else page.next.text,
    )


@router.get(
    "/export",
    summary="The register for the regulator, without outcomes' text (audited)",
    response_class=Response,
    responses=EXPORT_RESPONSES,
)
def export(
    ctx: UseCaseDep,
    fmt: Annotated[Literal["csv", "json"], Query(alias="format", description="csv or json")] = (
        "csv"
    ),
    since: Annotated[Day | None, Query(description="Received on or after this day")] = None,
    until: Annotated[Day | None, Query(description="Received on or before this day")] = None,
) -> Response:
    """Every complaint's row (and with json the figures), as `dataward complaints export`;
    the answer's body is the export, nothing is kept on the server. Needs manage_requests."""
    register = export_register(ctx, RegisterQuery(since=since, until=until))
    text = register_json(register) if fmt == "json" else register_csv(register)
    return Response(
        content=text,
        media_type=MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="complaints-{register.as_of}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/{complaint_id}", summary="A complaint, its outcome (opening audited), its timeline")
def show(complaint_id: UUID, ctx: UseCaseDep) -> DetailOut:
    return DetailOut.of(show_complaint(ctx, complaint_id))


@router.post("/{complaint_id}/ico", summary="Record the ICO's involvement in a complaint")
def ico(complaint_id: UUID, body: IcoIn, ctx: UseCaseDep) -> ComplaintOut:
    """The ICO's case reference and the day it told us; later, how and when it closed the
    case. Recording again replaces what was recorded. Audited; needs manage_requests."""
    case = IcoCase(body.reference, body.on, body.outcome, body.closed)
    return ComplaintOut.of(record_ico(ctx, complaint_id, case))
