"""`/api/v1/audit`: verify the audit log's hash chain, and export it as JSON Lines.

Both need a staff token whose register role has `read_audit_log`; an export is recorded in the
log before the first line is sent.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from dataward.entrypoints.api.deps import ReadingDep, UseCaseDep
from dataward.entrypoints.api.routing import TokenFirstRoute
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
