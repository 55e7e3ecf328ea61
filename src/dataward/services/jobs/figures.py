"""The figures operations watch, read at a scrape of `/metrics`: jobs waiting and how long the
oldest has, letters and messages due and unsent, calls ingested, rights requests overdue. Counts
only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from dataward.domain.errors import ActionNotAllowed
from dataward.domain.requests.deadlines import Urgency, urgency
from dataward.domain.requests.workflow import UK
from dataward.services.context import UseCase
from dataward.services.jobs.figure_ports import Backlog, IngestTotals
from dataward.services.rights.requests import request_queue

RECENT = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class OperationsFigures:
    jobs: list[Backlog]
    letters_due: int
    messages_due: int
    ingested: IngestTotals
    requests_overdue: int | None
    """None when the role the figures are read as may not read the requests."""
    now_seconds: float
    """When they were read (POSIX seconds), to age the oldest job by."""


def operations_figures(reading: UseCase) -> OperationsFigures:
    """Read the figures (a role that may manage requests: every request's due date is read)."""
    now = reading.clock.now()
    with reading.uow as uow:
        backlog = uow.figures.jobs()
        letters, messages = uow.figures.outbox(now)
        ingested = uow.figures.ingested(now - RECENT)
    today = now.astimezone(UK).date()
    try:
        views = request_queue(reading)
    except ActionNotAllowed:
        overdue = None
    else:
        marks = (urgency(view.request, view.due, today) for view in views)
        overdue = sum(1 for mark in marks if mark is Urgency.OVERDUE)
    return OperationsFigures(backlog, letters, messages, ingested, overdue, now.timestamp())
