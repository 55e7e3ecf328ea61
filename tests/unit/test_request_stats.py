"""The request figures from plain facts, by their definitions (`domain.requests.stats`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dataward.domain.errors import OutOfRange
from dataward.domain.requests.stats import (
    RequestFacts,
    StatsLine,
    StatsPeriod,
    request_stats,
    stats_period,
)
from dataward.domain.requests.terms import RequestState, RequestType

S, T = RequestState, RequestType
PERIOD = StatsPeriod(date(2026, 9, 1), date(2026, 10, 31))


def done(received: date, at: datetime, *, late: int | None = None, **kw: object) -> RequestFacts:
    state = kw.pop("state", S.COMPLETED)
    kind = kw.pop("type", T.ACCESS)
    return RequestFacts(kind, received, state, at, late, **kw)  # type: ignore[arg-type]


def test_a_month_counts_each_end_once_and_they_add_up_to_received() -> None:
    facts = [
        done(date(2026, 9, 1), datetime(2026, 9, 15, 10, tzinfo=UTC)),
        done(date(2026, 9, 2), datetime(2026, 10, 12, 10, tzinfo=UTC), late=7, extended=True),
        done(
            date(2026, 9, 3),
            datetime(2026, 9, 6, 10, tzinfo=UTC),
            state=S.PARTIALLY_COMPLETED,
            late=0,
        ),
        RequestFacts(T.ACCESS, date(2026, 9, 4), S.REFUSED),
        RequestFacts(T.ACCESS, date(2026, 9, 5), S.WITHDRAWN, extended=True),
        RequestFacts(T.ACCESS, date(2026, 9, 6), S.FORWARDED_TO_CONTROLLER),
        RequestFacts(T.ACCESS, date(2026, 9, 7), S.AWAITING_IDENTITY),
        RequestFacts(T.ACCESS, date(2026, 9, 8), S.EXTENDED, extended=True),
    ]
    (line,) = request_stats(facts, PERIOD).lines
    assert line == StatsLine(
        "access",
        "2026-09",
        received=8,
        completed=3,
        partially=1,
        on_time=2,
        late=1,
        days_late_total=7,
        days_late_max=7,
        extended=3,
        refused=1,
        withdrawn=1,
        forwarded=1,
        open=2,
        median_days_to_complete=14.0,  # 14, 40 and 3 days
    )
    ends = line.completed + line.refused + line.withdrawn + line.forwarded + line.open
    assert ends == line.received


def test_days_to_complete_end_on_the_uk_date_and_an_even_median_is_the_mean_of_two() -> None:
    facts = [
        # 23:30 UTC on 18 October is 00:30 on the 19th in London (summer time): 14 days
        done(date(2026, 10, 5), datetime(2026, 10, 18, 23, 30, tzinfo=UTC)),
        done(date(2026, 10, 5), datetime(2026, 10, 20, 10, tzinfo=UTC)),  # 15 days
    ]
    (line,) = request_stats(facts, PERIOD).lines
    assert line.median_days_to_complete == 14.5


def test_lines_go_by_month_then_right_and_totals_by_right_then_all() -> None:
    facts = [
        RequestFacts(T.ERASURE, date(2026, 9, 30), S.RECEIVED),
        RequestFacts(T.ACCESS, date(2026, 10, 1), S.RECEIVED),
        RequestFacts(T.ERASURE, date(2026, 10, 2), S.REFUSED),
        RequestFacts(T.ACCESS, date(2026, 9, 2), S.RECEIVED),
    ]
    stats = request_stats(facts, PERIOD)
    assert [(x.right, x.month, x.received) for x in stats.lines] == [
        ("access", "2026-09", 1),
        ("erasure", "2026-09", 1),
        ("access", "2026-10", 1),
        ("erasure", "2026-10", 1),
    ]
    assert [(x.right, x.month, x.received, x.refused) for x in stats.totals] == [
        ("access", "total", 2, 0),
        ("erasure", "total", 2, 1),
        ("all", "total", 4, 1),
    ]


def test_complaints_and_requests_outside_the_period_are_not_counted() -> None:
    facts = [
        RequestFacts(T.COMPLAINT, date(2026, 9, 10), S.RECEIVED),
        RequestFacts(T.ACCESS, date(2026, 8, 31), S.RECEIVED),
        RequestFacts(T.ACCESS, date(2026, 11, 1), S.RECEIVED),
    ]
    stats = request_stats(facts, PERIOD)
    assert stats.lines == ()
    assert stats.totals == (StatsLine("all", "total"),)


def test_the_period_defaults_to_twelve_months_of_receipt_to_today() -> None:
    today = date(2026, 11, 25)
    assert stats_period(None, None, today) == StatsPeriod(date(2025, 12, 1), today)
    assert stats_period(None, date(2026, 1, 31), today) == StatsPeriod(
        date(2025, 2, 1), date(2026, 1, 31)
    )
    assert stats_period(date(2026, 1, 1), None, today) == StatsPeriod(date(2026, 1, 1), today)


@pytest.mark.parametrize(
    ("since", "until"),
    [
        (date(2026, 11, 26), None),  # after today
        (date(2026, 10, 2), date(2026, 10, 1)),
        (date(2000, 1, 1), date(2026, 1, 1)),  # more than ten years
        (date(1899, 12, 31), None),
        (None, date(3000, 1, 1)),
    ],
)
def test_a_period_that_ends_before_it_starts_or_is_off_the_calendar_is_refused(
    since: date | None, until: date | None
) -> None:
    with pytest.raises(OutOfRange):
        stats_period(since, until, date(2026, 11, 25))
