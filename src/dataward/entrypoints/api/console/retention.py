"""`/console/retention`: the retention plan (a dry run), the evidence of past sweeps, and a
sweep run by form.

The same services as `dataward retention plan|sweep|history` and `/api/v1/retention`: the
history is for those who run sweeps and for auditors; the plan and the sweep reach every
tenant's data and need `run_maintenance` (the DCO). A role the history refuses gets the 403
page; a role that may read the history but not plan (an auditor) sees the history alone, and no
sweep form. Ids and counts only, never an identifier.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dataward.domain.errors import ActionNotAllowed
from dataward.entrypoints.api.console import params
from dataward.entrypoints.api.console.web import (
    ConsoleFormDep,
    ConsoleReadingDep,
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUserDep,
    console_page,
    see_other,
)
from dataward.services.retention.history import retention_history
from dataward.services.retention.plan import RetentionPlan, retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

RETENTION = "/console/retention"
HISTORY = 100
"""The sweep records the page shows, newest first."""


@router.get(RETENTION, response_class=HTMLResponse)
def retention_page(
    request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    history = retention_history(reading, HISTORY)  # refuses a role that may read neither
    as_of = params.day("as_of", request.query_params.get("as_of"))
    plan: RetentionPlan | None
    try:
        plan = retention_plan(reading, as_of)
    except ActionNotAllowed:  # an auditor: the history only
        plan = None
    swept = request.query_params.get("done") == "swept"
    return console_page(
        request,
        user,
        "retention.html.j2",
        plan=plan,
        history=history,
        flash="The sweep ran: its records are at the top of the history." if swept else None,
    )


@router.post(RETENTION + "/sweep", response_class=HTMLResponse)
def sweep_page(form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    command = SweepRetention(
        params.day("as_of", form.get("as_of")),
        params.text("tenant", form.get("tenant"), most=64, lines=True),
    )
    sweep_retention(ctx, command)
    return see_other(f"{RETENTION}?done=swept")
