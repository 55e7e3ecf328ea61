"""`/console/audit`: the audit log's chain verified, and the log searched a page at a time.

The same services as `dataward audit verify|search` and `/api/v1/audit`: both need
`read_audit_log`. A search runs once its form is sent (`search=1`); each page is recorded as
an `audit_searched` entry before it is read (`services.audit.search_page`), and the next page
is asked by the cursor the last one gave. Filters: a subject's id, a staff id, an action, and
a window (`since`, `until`: a UK day or a time with its zone), each checked by
`domain.audit_search` and refused by name, never repeated. The log holds references only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dataward.domain.audit_search import SearchCursor, audit_search
from dataward.domain.bounds import ACTOR_CHARS
from dataward.entrypoints.api.console import params
from dataward.entrypoints.api.console.web import (
    ConsoleReadingDep,
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUserDep,
    console_page,
)
from dataward.entrypoints.views.audit import cells
from dataward.services import audit as service

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

AUDIT = "/console/audit"
PAGE = 50
"""Entries a page of a search shows."""
FILTERS = ("subject", "actor", "action", "since", "until")


@router.get(AUDIT, response_class=HTMLResponse)
def audit_page(
    request: Request, user: ConsoleUserDep, ctx: ConsoleUseCaseDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    chain = service.verify(reading)
    asked = request.query_params
    values: dict[str, Any] = {"chain": chain, "page": None, "filters": {}}
    if params.flag(asked.get("search")):
        subject = params.uuid("subject", asked.get("subject"))
        actor = params.text("actor", asked.get("actor"), most=ACTOR_CHARS, lines=True)
        action = params.text("action", asked.get("action"), most=64, lines=True)
        since = params.text("since", asked.get("since"), most=40, lines=True)
        until = params.text("until", asked.get("until"), most=40, lines=True)
        query = audit_search(subject, actor, action, since, until)
        cursor = (asked.get("cursor") or "").strip()
        after = SearchCursor.parse(cursor[:40]) if cursor else None
        page = service.search_page(ctx, reading, query, service.PageAsked(after, PAGE))
        shown = {"subject": None if subject is None else str(subject), "actor": actor}
        shown |= {"action": action, "since": since, "until": until}
        filters = {k: v for k, v in shown.items() if v is not None}
        values |= {"page": page, "rows": [cells(e) for e in page.entries], "filters": filters}
    return console_page(request, user, "audit.html.j2", fields=FILTERS, **values)
