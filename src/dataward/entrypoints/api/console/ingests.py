"""The console's ingests: a tenant's ingest history and its quarantined lines, with the
quarantine's actions (export for correction, replay, discard).

The services decide everything: `ingest_calls` on the tenant to see any of it (another
tenant's ingest is the same 404 as none), a role that may see identifiers to export lines in
plain text (audited before the text leaves). The export is a download named for the ingest's
number alone; replay and discard are forms, each checked for the session's CSRF token.
"""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dataward.domain.errors import InvalidValue, NotFound
from dataward.domain.register.model import StaffAction
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
from dataward.services.calls.history import ingest_entry, ingest_history
from dataward.services.organisation.tenants import tenants_for
from dataward.services.quarantine import lines as quarantine

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

INGESTS = "/console/ingests"
DONE = {
    "replayed": "The lines were ingested again; the replay is at the top of the history.",
    "discarded": "The lines were discarded: their keys are destroyed and they cannot be read.",
}


def _ingest_id(value: str) -> int:
    """An ingest's number from the path: anything else is no ingest (404)."""
    try:
        found = params.number("ingest", value)
    except InvalidValue:
        found = None
    if found is None:
        raise NotFound("ingest", "given")
    return found


def _tenant(value: str | None) -> str:
    tenant = params.tenant_id("tenant", value)
    if tenant is None:
        raise InvalidValue("tenant", "the tenant whose ingest it is")
    return tenant


def _may_export(reading: ConsoleReadingDep, role: str) -> bool:
    """Whether to offer the export (the service decides again when it is asked)."""
    found = next((r for r in reading.register.staff_roles if r.key == role), None)
    return found is not None and found.decrypt_identifiers


@router.get(INGESTS, response_class=HTMLResponse)
def ingests_page(
    request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    tenants = tenants_for(reading, StaffAction.INGEST_CALLS)
    tenant = params.tenant_id("tenant", request.query_params.get("tenant"))
    if tenant is None and len(tenants) == 1:
        tenant = tenants[0].id
    history, pending = [], Counter[int]()
    if tenant is not None:
        history = ingest_history(reading, tenant)
        pending = Counter(line.ingest_id for line in quarantine.list_quarantine(reading, tenant))
    return console_page(
        request,
        user,
        "ingests.html.j2",
        tenants=tenants,
        tenant=tenant,
        history=history,
        pending=pending,
        flash=DONE.get(request.query_params.get("done", "")),
    )


@router.get(INGESTS + "/{ingest_id}", response_class=HTMLResponse)
def ingest_page(
    request: Request, ingest_id: str, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    number = _ingest_id(ingest_id)
    tenant = _tenant(request.query_params.get("tenant"))
    entry = ingest_entry(reading, tenant, number)
    lines = quarantine.list_quarantine(reading, tenant, ingest_id=number, include_resolved=True)
    return console_page(
        request,
        user,
        "ingest.html.j2",
        tenant=tenant,
        entry=entry,
        lines=lines,
        pending=[line for line in lines if line.resolution is None],
        may_export=_may_export(reading, user.actor.role),
        flash=DONE.get(request.query_params.get("done", "")),
    )


@router.post(INGESTS + "/{ingest_id}/export")
def export(ingest_id: str, form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> Response:
    number = _ingest_id(ingest_id)
    text = quarantine.export_quarantine(ctx, _tenant(form.get("tenant")), number)
    return Response(
        text,
        media_type="text/plain; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="quarantine-ingest-{number}.txt"',
            "Cache-Control": "no-store",
        },
    )


@router.post(INGESTS + "/{ingest_id}/replay")
def replay(ingest_id: str, form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    from dataward.adapters.ingest.files import text_source

    number = _ingest_id(ingest_id)
    tenant = _tenant(form.get("tenant"))
    command = quarantine.ReplayQuarantine(tenant, number)
    quarantine.replay_quarantine(ctx, command, sources=text_source)
    return see_other(f"{INGESTS}?tenant={tenant}&done=replayed")


@router.post(INGESTS + "/{ingest_id}/discard")
def discard(ingest_id: str, form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    number = _ingest_id(ingest_id)
    tenant = _tenant(form.get("tenant"))
    wanted = tuple(params.number("line", value) or 0 for value in form.all("line"))
    if 0 in wanted:
        raise InvalidValue("line", "the numbers of the lines to discard")
    quarantine.discard_quarantine(ctx, tenant, number, lines=wanted)
    return see_other(f"{INGESTS}/{number}?tenant={tenant}&done=discarded")
