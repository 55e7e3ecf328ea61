"""`/api/v1/requests/stats`: the rights-request figures per right and month of receipt.

Needs `manage_requests`; a tenant's administrator counts its own tenant's requests only. Its
route is matched before `/api/v1/requests/{request_id}`, which would take `stats` for an id.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dataward.entrypoints.api.deps import ReadingDep
from dataward.entrypoints.api.fields import Day
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.entrypoints.views.request_stats import RequestStatsOut
from dataward.services.rights.request_stats import read_request_stats

router = APIRouter(prefix="/api/v1/requests", tags=["requests"], route_class=TokenFirstRoute)


@router.get("/stats", summary="Rights-request figures per right and month of receipt")
def stats(
    reading: ReadingDep,
    since: Annotated[
        Day | None, Query(description="The first day of receipt counted (default: 12 months)")
    ] = None,
    until: Annotated[
        Day | None, Query(description="The last day of receipt counted (default: today)")
    ] = None,
) -> RequestStatsOut:
    """received, completed (partially), on_time, late, days_late_total and _max, extended,
    refused, withdrawn, forwarded, open and median_days_to_complete, for each right and month
    of receipt, then per right over the period and for all. Counts only."""
    return RequestStatsOut.of(read_request_stats(reading, since, until))
