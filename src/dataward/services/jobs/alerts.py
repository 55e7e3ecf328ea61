"""Alerts: the DCO told by e-mail of rights requests past their deadline or due today, and of
open breaches with something overdue (the 72 hours to tell the ICO among them).

Run hourly by the scheduler. A message names requests and breaches by id and says what is
due, never who they are about. The same alert is not sent twice within `REPEAT_AFTER`: a
change in what is overdue sends at once, the same list once a day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta

from dataward.domain.jobs import JobKind, JobQuery, JobScope, JobState
from dataward.domain.requests.deadlines import Urgency, urgency
from dataward.domain.requests.workflow import UK
from dataward.services.breaches.register import list_breaches
from dataward.services.context import UseCase
from dataward.services.rights.request_ports import Mailer
from dataward.services.rights.requests import request_queue

REPEAT_AFTER = timedelta(hours=24)
SUBJECT = "dataward: rights requests and breaches overdue"


def _lines(ctx: UseCase) -> list[str]:
    today = ctx.clock.now().astimezone(UK).date()
    lines: list[str] = []
    for view in request_queue(ctx):
        mark = urgency(view.request, view.due, today)
        if mark is Urgency.OVERDUE:
            lines.append(
                f"request {view.request.id} ({view.request.type}): overdue, due {view.due}"
            )
        elif view.due == today:
            lines.append(f"request {view.request.id} ({view.request.type}): due today")
    for breach in list_breaches(ctx):
        if breach.flags:
            lines.append(f"breach {breach.breach.id}: " + "; ".join(breach.flags))
    return lines


def _last_sent(ctx: UseCase) -> tuple[str, datetime | None]:
    with ctx.uow:
        everything = JobScope(everything=True, asker=ctx.actor)
        wanted = JobQuery(JobState.SUCCEEDED, JobKind.ALERTS, limit=50)
        done = ctx.uow.jobs.listed(everything, wanted)
    for job in done:
        if job.result.get("sent"):
            return str(job.result.get("digest", "")), job.finished_at
    return "", None


def send_alerts(ctx: UseCase, mailer: Mailer, to: str | None) -> Mapping[str, object]:
    """Tell `to` (the DCO) what is overdue, unless the same was told within `REPEAT_AFTER`;
    counts, and the list's digest (to know next time whether it changed)."""
    lines = _lines(ctx)
    digest = hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
    result: dict[str, object] = {"items": len(lines), "digest": digest, "sent": False}
    if not lines or to is None:
        return result
    last_digest, last_at = _last_sent(ctx)
    now = ctx.clock.now()
    if last_digest == digest and last_at is not None and now - last_at < REPEAT_AFTER:
        return result
    body = "\n".join(
        [
            f"As of {now.astimezone(UK):%Y-%m-%d %H:%M} (UK time):",
            "",
            *lines,
            "",
            "Open the console's dashboard to work them.",
        ]
    )
    mailer.send(to, SUBJECT, body)
    result["sent"] = True
    return result
