"""The console's first page: what needs doing, for the sections the role may open."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dataward.entrypoints.api.console.web import (
    CONSOLE,
    ConsoleReadingDep,
    ConsoleRoute,
    ConsoleUserDep,
    console_page,
)
from dataward.entrypoints.views.dashboard import dashboard

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)


@router.get(CONSOLE, response_class=HTMLResponse)
def dashboard_page(
    request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    return console_page(request, user, "dashboard.html.j2", board=dashboard(reading))
