"""Rights-request figures for the board and the ICO: per right and month of receipt. Pure.

Each month is a cohort: the requests of a right received that month (their `received` date, the
UK day they came), with what has happened to them by the time the figures are read, whenever
that was. Complaints are not a right and are left out (they are acknowledged and answered on
targets of their own). For each right and month:

- `received`: the requests received.
- `completed`: those that reached `completed` or `partially_completed`, the state machine's two
  ends where the request was carried out (`workflow.TRANSITIONS`: `complete` or
  `complete_partially` from `in_progress` or `extended`); `partially` counts the second among
  them.
- `on_time`: completed, the completing event recording no days late (none, or 0).
- `late`: completed, the completing event recording days late (after the due date, extension
  and pauses counted: `workflow._days_late`). `days_late_total` and `days_late_max` are over
  these; the average is `days_late_total / late`, left to the reader so that months and rights
  add up.
- `extended`: those with an `extend` event (the Art. 12(3) notice), whatever came after.
- `refused`: those that reached `refused` (Art. 12(5)), in time or late.
- `withdrawn`, `forwarded` (a tenant's call data, sent to its controller to answer) and `open`
  (no end state yet), so that received = completed + refused + withdrawn + forwarded + open.
- `median_days_to_complete`: over the completed, the calendar days from `received` to the UK
  date of the completing event (`uk_date` of its time); for an even count the mean of the two
  middle values (so it may end in .5); None when none was completed.

The totals are the same figures over the whole period: one line per right (`month` "total")
and one for every right together (`right` "all").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Final

from dataward.domain.bounds import check_day
from dataward.domain.errors import OutOfRange
from dataward.domain.requests.model import uk_date
from dataward.domain.requests.terms import RequestState, RequestType

S = RequestState
COMPLETED: Final = frozenset({S.COMPLETED, S.PARTIALLY_COMPLETED})
RIGHTS: Final = tuple(t for t in RequestType if t is not RequestType.COMPLAINT)
"""The rights counted, in the order lines are shown."""
ALL: Final = "all"
TOTAL: Final = "total"
DEFAULT_MONTHS: Final = 12
"""Without `since`: this many months of receipt, the month of `until` the last."""
MOST_DAYS: Final = 3653
"""The longest period asked: ten years (a line per right and month, 960 at most)."""


@dataclass(frozen=True, slots=True)
class StatsPeriod:
    """The days of receipt counted, both included."""

    since: date
    until: date


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What the figures need of one request, and no more."""

    type: RequestType
    received: date
    state: RequestState
    completed_at: datetime | None = None
    """The time of the completing event (`complete` or `complete_partially`), if any."""
    days_late: int | None = None
    """The days late the completing event recorded."""
    extended: bool = False


@dataclass(frozen=True, slots=True)
class StatsLine:
    right: str
    """A right (`RequestType` value), or "all"."""
    month: str
    """YYYY-MM of receipt, or "total"."""
    received: int = 0
    completed: int = 0
    partially: int = 0
    on_time: int = 0
    late: int = 0
    days_late_total: int = 0
    days_late_max: int | None = None
    extended: int = 0
    refused: int = 0
    withdrawn: int = 0
    forwarded: int = 0
    open: int = 0
    median_days_to_complete: float | None = None


@dataclass(frozen=True, slots=True)
class RequestStats:
    period: StatsPeriod
    lines: tuple[StatsLine, ...]
    """One per right and month with a request received, by month then right."""
    totals: tuple[StatsLine, ...]
    """One per right with a request received, then "all" (always there)."""


def stats_period(since: date | None, until: date | None, today: date) -> StatsPeriod:
    """The period asked: `until` today unless given, `since` the first day of the month
    `DEFAULT_MONTHS` - 1 months before `until`'s unless given; `OutOfRange` naming the field
    for a day off the calendar, `since` after `until`, or more than ten years."""
    check_day("since", since)
    check_day("until", until)
    last = today if until is None else until
    first = _months_before(last, DEFAULT_MONTHS - 1) if since is None else since
    if first > last:
        raise OutOfRange("since", "no later than until (today, when until is left out)")
    if (last - first).days > MOST_DAYS:
        raise OutOfRange("since", "at most ten years before until")
    return StatsPeriod(first, last)


def request_stats(facts: Iterable[RequestFacts], period: StatsPeriod) -> RequestStats:
    """The figures of the requests received in `period` (others among `facts` are passed
    over), by the definitions above."""
    tallies: dict[tuple[str, str], _Tally] = {}
    for fact in facts:
        if fact.type is RequestType.COMPLAINT or not (
            period.since <= fact.received <= period.until
        ):
            continue
        month = f"{fact.received.year:04d}-{fact.received.month:02d}"
        for key in ((fact.type.value, month), (fact.type.value, TOTAL), (ALL, TOTAL)):
            tallies.setdefault(key, _Tally()).add(fact)
    order = {right.value: n for n, right in enumerate(RIGHTS)}
    lines = sorted((key for key in tallies if key[1] != TOTAL), key=lambda k: (k[1], order[k[0]]))
    totals = sorted(
        (key for key in tallies if key[0] != ALL and key[1] == TOTAL), key=lambda k: order[k[0]]
    )
    return RequestStats(
        period,
        tuple(tallies[key].line(*key) for key in lines),
        (
            *(tallies[key].line(*key) for key in totals),
            tallies.get((ALL, TOTAL), _Tally()).line(ALL, TOTAL),
        ),
    )


@dataclass(slots=True)
class _Tally:
    counts: dict[str, int] = field(default_factory=dict)
    days_late: list[int] = field(default_factory=list)
    days_to_complete: list[int] = field(default_factory=list)

    def add(self, fact: RequestFacts) -> None:
        self._count("received")
        if fact.extended:
            self._count("extended")
        if fact.state in COMPLETED:
            self._completed(fact)
        else:
            self._count(_ENDS.get(fact.state, "open"))

    def _completed(self, fact: RequestFacts) -> None:
        self._count("completed")
        if fact.state is S.PARTIALLY_COMPLETED:
            self._count("partially")
        if fact.days_late:
            self._count("late")
            self.days_late.append(fact.days_late)
        else:
            self._count("on_time")
        if fact.completed_at is not None:
            self.days_to_complete.append((uk_date(fact.completed_at) - fact.received).days)

    def _count(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1

    def line(self, right: str, month: str) -> StatsLine:
        done = self.days_to_complete
        return StatsLine(
            right,
            month,
            **self.counts,
            days_late_total=sum(self.days_late),
            days_late_max=max(self.days_late) if self.days_late else None,
            median_days_to_complete=float(median(done)) if done else None,
        )


_ENDS: Final = {
    S.REFUSED: "refused",
    S.WITHDRAWN: "withdrawn",
    S.FORWARDED_TO_CONTROLLER: "forwarded",
}


def _months_before(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
