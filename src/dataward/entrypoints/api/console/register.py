"""The console's register: the one in force (its notice, its record of processing, its
recipients and processors), every version loaded, and what changed between two of them.

Every role may read it, as the API's register routes serve it to any token. The notice and the
record are the documents `dataward policy notice|ropa` write, served whole; the record names
each tenant's contact only as far as the role may read it (`ropa_controllers`, through the
gate, audited).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dataward.domain.errors import InvalidValue
from dataward.entrypoints.api.console import params
from dataward.entrypoints.api.console.web import (
    ConsoleReadingDep,
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUserDep,
    console_page,
)
from dataward.services.register.versions import diff_versions, register_versions

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

REGISTER = "/console/register"


@router.get(REGISTER, response_class=HTMLResponse)
def register_page(
    request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    versions = register_versions(reading)
    active = next((v for v in versions if v.active), None)
    earlier = [v for v in versions if active is None or v.id < active.id]
    return console_page(
        request,
        user,
        "register.html.j2",
        register=reading.register,
        versions=list(reversed(versions)),
        active=active,
        diff_from=earlier[-1].id if earlier else None,
    )


@router.get(REGISTER + "/notice", response_class=HTMLResponse)
def notice_document(user: ConsoleUserDep, reading: ConsoleReadingDep) -> HTMLResponse:
    from dataward.adapters.documents.notice import render_notice

    del user  # signed in: the console serves it to its own people
    return HTMLResponse(render_notice(reading.register, "html"))


@router.get(REGISTER + "/ropa", response_class=Response)
def ropa_document(request: Request, user: ConsoleUserDep, ctx: ConsoleUseCaseDep) -> Response:
    from dataward.adapters.documents.ropa import render_ropa
    from dataward.domain.processing.gate import Gate
    from dataward.services.register.controllers import ropa_controllers

    del user
    fmt = request.query_params.get("format") or "html"
    if fmt not in {"html", "csv"}:
        raise InvalidValue("format", "html or csv")
    csv = fmt == "csv"
    controllers = ropa_controllers(ctx, Gate(ctx.register))
    text = render_ropa(ctx.register, "csv" if csv else "html", controllers=controllers.entries)
    if not csv:
        return HTMLResponse(text)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="record-of-processing.csv"'},
    )


@router.get(REGISTER + "/diff", response_class=HTMLResponse)
def diff_page(request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep) -> HTMLResponse:
    from dataward.adapters.register_file import parse_register

    query = request.query_params
    old = params.number("from", query.get("from"))
    new = params.number("to", query.get("to"))
    if old is None or new is None:
        raise InvalidValue("from and to", "two versions to compare")
    found = diff_versions(
        reading, old, new, lambda document, source: parse_register(document, source=source)
    )
    return console_page(request, user, "register_diff.html.j2", found=found)
