"""`/api/v1/audit`: verify the audit log's hash chain, export it as JSON Lines, search it.

Each needs a staff token whose register role has `read_audit_log`; an export is recorded in the
log before the first line is sent, and each page of a search before it is read (one
`audit_searched` entry a page, its filters and the page asked as details).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from dataward.domain.audit_search import (
    CURSOR_PATTERN,
    PAGE_DEFAULT,
    PAGE_MOST,
    SearchCursor,
    audit_search,
)
from dataward.domain.bounds import ACTOR_CHARS
from dataward.entrypoints.api.deps import ReadingDep, UseCaseDep
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.views.audit import AuditEntryOut
from dataward.services import audit as service

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], route_class=TokenFirstRoute)


class VerifyOut(BaseModel):
    ok: bool = Field(description="True when every entry's hash and link checked out")
    checked: int = Field(description="Entries found intact, from the first")
    head: str = Field(description="Hash of the last intact entry (64 zeros for none)")
    first_broken_seq: int | None = Field(None, description="The first entry that is not intact")
    reason: str | None = Field(
        None, description="hash_mismatch, prev_link_mismatch, sequence_gap or out_of_order"
    )
    found_seq: int | None = Field(None, description="For a sequence break: the entry found there")
    message: str = Field(description="The result in words")


@router.get("/verify", summary="Check the audit log's hash chain; names the first broken entry")
def verify(reading: ReadingDep) -> VerifyOut:
    result = service.verify(reading)
    return VerifyOut(
        ok=result.ok,
        checked=result.checked,
        head=result.head,
        first_broken_seq=result.first_broken_seq,
        reason=None if result.reason is None else result.reason.value,
        found_seq=result.found_seq,
        message=result.describe(),
    )


@router.get(
    "/export",
    summary="Every audit entry as JSON Lines (the export is recorded first)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export(ctx: UseCaseDep, reading: ReadingDep) -> StreamingResponse:
    receipt = service.record_export(ctx)
    lines = service.export_lines(reading, receipt)
    return StreamingResponse(
        lines,
        media_type="application/x-ndjson",
        headers={"X-Audit-Export-Seq": str(receipt.seq)},
    )


class SearchPageOut(BaseModel):
    entries: list[AuditEntryOut] = Field(description="In chain order, after the cursor")
    next_cursor: str | None = Field(description="Give as cursor for the next page; null: last")
    recorded_as: int = Field(description="The seq of this page's own audit_searched entry")


WHEN = "A UK day (YYYY-MM-DD) or a time with its zone (2026-11-25T10:00:00+00:00)"


class SearchQuery(BaseModel):
    """A search's filters (every one given must match) and the page asked."""

    subject: UUID | None = Field(None, description="One subject's entries")
    actor: str | None = Field(None, max_length=ACTOR_CHARS, description="One staff id's entries")
    action: str | None = Field(None, max_length=64, description="One action's: gate_decision...")
    since: str | None = Field(None, max_length=40, description=f"From: {WHEN}")
    until: str | None = Field(None, max_length=40, description=f"To the end of: {WHEN}")
    limit: int = Field(PAGE_DEFAULT, ge=1, le=PAGE_MOST, description="Entries a page")
    cursor: str | None = Field(
        None, pattern=CURSOR_PATTERN, max_length=39, description="The previous page's next_cursor"
    )


@router.get("/search", summary="Audit entries by subject, actor, action and time, a page at a time")
def search(
    ctx: UseCaseDep, reading: ReadingDep, query: Annotated[SearchQuery, Query()]
) -> SearchPageOut:
    """Needs read_audit_log. The log holds references only (subject ids, staff ids, keys);
    nothing is opened. Each page is recorded before it is read and shows the log as it stood
    then."""
    q = query
    filters = audit_search(q.subject, q.actor, q.action, q.since, q.until)
    after = None if q.cursor is None else SearchCursor.parse(q.cursor)
    page = service.search_page(ctx, reading, filters, service.PageAsked(after, q.limit))
    return SearchPageOut(
        entries=[AuditEntryOut.of(entry) for entry in page.entries],
        next_cursor=None if page.next_cursor is None else page.next_cursor.text,
        recorded_as=page.receipt.seq,
    )
