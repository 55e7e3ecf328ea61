"""`/console/complaints`: the complaints register with its figures, a complaint's page, and
recording the ICO's involvement.

The same services as `dataward complaints` and `/api/v1/complaints`: the register needs
`manage_requests`, and a complaint carries no tenant, so a tenant's administrator lists none
and any complaint's id is the 404 page to it. A complaint's page opens its outcome as
`complaints show` does (`show_complaint`: the opening is audited), so it is read with a use
case that writes. The register is paged newest first by its cursor.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dataward.domain.errors import InvalidValue
from dataward.domain.requests.complaints import (
    CURSOR_LENGTH,
    ComplaintCursor,
    IcoCase,
    IcoOutcome,
    check_reference,
)
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
from dataward.services.rights.complaint_register import (
    RegisterQuery,
    complaint_page,
    complaint_register,
    record_ico,
    show_complaint,
)

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

COMPLAINTS = "/console/complaints"
PAGE = 50
"""Complaints a page of the register shows."""


@router.get(COMPLAINTS, response_class=HTMLResponse)
def complaints_page(
    request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    asked = request.query_params
    query = RegisterQuery(
        open_only=params.flag(asked.get("open")),
        since=params.day("since", asked.get("since")),
        until=params.day("until", asked.get("until")),
    )
    text = asked.get("cursor") or None
    after = None if text is None else ComplaintCursor.parse(text[: CURSOR_LENGTH + 1])
    page = complaint_page(reading, query, PAGE, after)
    figures = complaint_register(reading, query).figures
    return console_page(
        request,
        user,
        "complaints.html.j2",
        query=query,
        page=page,
        figures=figures,
        first=after is None,
    )


@router.get(COMPLAINTS + "/{complaint_id}", response_class=HTMLResponse)
def complaint_page_one(
    request: Request, complaint_id: str, user: ConsoleUserDep, ctx: ConsoleUseCaseDep
) -> HTMLResponse:
    detail = show_complaint(ctx, complaint_id[:64])
    done = request.query_params.get("done") == "ico"
    return console_page(
        request,
        user,
        "complaint.html.j2",
        detail=detail,
        outcomes=[o.value for o in IcoOutcome],
        flash="The ICO's involvement is recorded." if done else None,
    )


@router.post(COMPLAINTS + "/{complaint_id}/ico", response_class=HTMLResponse)
def ico_page(complaint_id: str, form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    reference = check_reference(form.get("reference").strip())
    notified = params.day("on", form.get("on"))
    if notified is None:
        raise InvalidValue("on", "the day the ICO told us of the case (YYYY-MM-DD)")
    wanted = form.get("outcome").strip()
    outcome = None
    if wanted:
        try:
            outcome = IcoOutcome(wanted)
        except ValueError:
            raise InvalidValue("outcome", ", ".join(o.value for o in IcoOutcome)) from None
    closed = params.day("closed", form.get("closed"))
    row = record_ico(ctx, complaint_id[:64], IcoCase(reference, notified, outcome, closed))
    return see_other(f"{COMPLAINTS}/{row.id}?done=ico")
