"""Operations figures read from the database at a scrape: how much is waiting, and how much was
ingested. Counts only; nothing of any record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from dataward.adapters.sql.calls.tables import ingests
from dataward.adapters.sql.jobs import jobs
from dataward.adapters.sql.outreach.messages import QUEUED, outbound_messages
from dataward.adapters.sql.rights.requests import outbox
from dataward.domain.jobs import JobState
from dataward.services.jobs.figure_ports import Backlog, IngestTotals


class SqlFigures:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def jobs(self) -> list[Backlog]:
        query = (
            select(jobs.c.kind, jobs.c.state, func.count(), func.min(jobs.c.created_at))
            .where(jobs.c.state.in_([JobState.QUEUED.value, JobState.RUNNING.value]))
            .group_by(jobs.c.kind, jobs.c.state)
        )
        return [
            Backlog(str(k), str(s), int(n), oldest) for k, s, n, oldest in self._c.execute(query)
        ]

    def outbox(self, now: datetime) -> tuple[int, int]:
        """Letters to requesters not yet sent, and messages queued, due by `now`."""
        letters = self._c.execute(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.sent_at.is_(None), outbox.c.next_attempt_at <= now)
        ).scalar_one()
        t = outbound_messages.c
        messages = self._c.execute(
            select(func.count())
            .select_from(outbound_messages)
            .where(t.status == QUEUED, t.due_at <= now)
        ).scalar_one()
        return int(letters), int(messages)

    def ingested(self, since: datetime) -> IngestTotals:
        total = self._c.execute(select(func.coalesce(func.sum(ingests.c.stored), 0))).scalar_one()
        recent = self._c.execute(
            select(func.coalesce(func.sum(ingests.c.stored), 0)).where(
                ingests.c.finished_at >= since
            )
        ).scalar_one()
        return IngestTotals(int(total), int(recent))
