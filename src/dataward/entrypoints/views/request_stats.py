"""The rights-request figures as the entry points show them: a JSON model (the API, and
`--format json`), CSV and a plain table (the command line). Counts only; the definitions are
`domain.requests.stats`'s."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, fields
from datetime import date
from typing import Final

from pydantic import BaseModel, Field

from dataward.domain.requests.stats import RequestStats, StatsLine

COLUMNS: Final = tuple(f.name for f in fields(StatsLine))


class StatsLineOut(BaseModel):
    right: str = Field(description="The right (request type), or all")
    month: str = Field(description="YYYY-MM of receipt, or total")
    received: int
    completed: int = Field(description="Reached completed or partially_completed")
    partially: int = Field(description="Of the completed, those completed in part")
    on_time: int = Field(description="Completed with no days late")
    late: int = Field(description="Completed after the due date")
    days_late_total: int = Field(description="Days late summed over the late (average: / late)")
    days_late_max: int | None
    extended: int = Field(description="Had an extension notice")
    refused: int
    withdrawn: int
    forwarded: int = Field(description="Sent to the tenant's controller to answer")
    open: int = Field(description="Not at an end state yet")
    median_days_to_complete: float | None = Field(
        description="Calendar days from receipt to the completing event's UK date, median"
    )

    @classmethod
    def of(cls, line: StatsLine) -> StatsLineOut:
        return cls(**asdict(line))


class RequestStatsOut(BaseModel):
    since: date = Field(description="The first day of receipt counted")
    until: date = Field(description="The last day of receipt counted")
    lines: list[StatsLineOut] = Field(description="Per right and month of receipt")
    totals: list[StatsLineOut] = Field(description="Per right over the period, then all")

    @classmethod
    def of(cls, stats: RequestStats) -> RequestStatsOut:
        return cls(
            since=stats.period.since,
            until=stats.period.until,
            lines=[StatsLineOut.of(line) for line in stats.lines],
            totals=[StatsLineOut.of(line) for line in stats.totals],
        )


def _cells(line: StatsLine) -> list[str]:
    values = asdict(line)
    return ["" if values[name] is None else str(values[name]) for name in COLUMNS]


def stats_csv(stats: RequestStats) -> str:
    """A header, then every line and every total (`month` total)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_cells(line) for line in (*stats.lines, *stats.totals))
    return out.getvalue()


def stats_table(stats: RequestStats) -> str:
    """The period, then tab-separated lines and totals, `-` for a figure that has none."""
    head = f"requests received {stats.period.since} to {stats.period.until}"
    rows = ["\t".join(COLUMNS)]
    rows += ["\t".join(c or "-" for c in _cells(line)) for line in (*stats.lines, *stats.totals)]
    return "\n".join([head, *rows]) + "\n"
