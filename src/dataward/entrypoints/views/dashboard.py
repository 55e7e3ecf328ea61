"""The console's dashboard: what needs doing now, from the use cases each section reads.

A section the actor's role may not read is left out (its use case refuses, as everywhere);
nothing here decides a permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from dataward.domain.errors import ActionNotAllowed
from dataward.domain.requests.deadlines import Urgency, urgency
from dataward.domain.requests.workflow import UK
from dataward.services.audit import verify
from dataward.services.breaches.register import BreachView, list_breaches
from dataward.services.context import UseCase
from dataward.services.organisation.tenants import list_tenants
from dataward.services.quarantine.lines import list_quarantine
from dataward.services.rights.complaint_register import RegisterQuery, complaint_register
from dataward.services.rights.requests import RequestView, request_queue

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DueRequests:
    overdue: list[RequestView] = field(default_factory=list)
    today: list[RequestView] = field(default_factory=list)
    this_week: list[RequestView] = field(default_factory=list)
    open: int = 0


@dataclass(frozen=True, slots=True)
class Quarantined:
    tenant_id: str
    ingests: int
    lines: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    today: date
    requests: DueRequests | None = None
    breaches: list[BreachView] | None = None
    complaints_open: int | None = None
    quarantine: list[Quarantined] | None = None
    chain_ok: bool | None = None
    chain_checked: int = 0
    chain_broken_at: int | None = None


def _if_allowed(read: Callable[[], T]) -> T | None:
    try:
        return read()
    except ActionNotAllowed:
        return None


def _requests(reading: UseCase, today: date) -> DueRequests:
    due = DueRequests()
    views = request_queue(reading)
    for view in views:
        mark = urgency(view.request, view.due, today)
        if mark is Urgency.OVERDUE:
            due.overdue.append(view)
        elif view.due == today:
            due.today.append(view)
        elif mark is Urgency.THIS_WEEK:
            due.this_week.append(view)
    return DueRequests(due.overdue, due.today, due.this_week, len(views))


def _quarantine(reading: UseCase) -> list[Quarantined]:
    found = []
    for tenant in list_tenants(reading):
        entries = list_quarantine(reading, tenant.id)
        if entries:
            ingests = {entry.ingest_id for entry in entries}
            found.append(Quarantined(tenant.id, len(ingests), len(entries)))
    return found


def dashboard(reading: UseCase) -> Dashboard:
    """Each section the actor may read: requests overdue, due today and this week; open
    breaches with their clocks; open complaints; pending quarantined lines; the audit chain."""
    today = reading.clock.now().astimezone(UK).date()
    chain = _if_allowed(lambda: verify(reading))
    complaints = _if_allowed(
        lambda: complaint_register(reading, RegisterQuery(open_only=True)).rows
    )
    return Dashboard(
        today=today,
        requests=_if_allowed(lambda: _requests(reading, today)),
        breaches=_if_allowed(lambda: list_breaches(reading)),
        complaints_open=len(complaints) if complaints is not None else None,
        quarantine=_if_allowed(lambda: _quarantine(reading)),
        chain_ok=chain.ok if chain is not None else None,
        chain_checked=chain.checked if chain is not None else 0,
        chain_broken_at=chain.first_broken_seq if chain is not None else None,
    )
