from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.domain.processing.retention import (
    add_duration,
    delete_after,
    financial_year_end_on_or_after,
)
from dataward.domain.register.model import Duration, RetentionEvent, RetentionRule, RetentionTerm


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (date(2024, 1, 31), "P1M", date(2024, 2, 29)),
        (date(2025, 1, 31), "P1M", date(2025, 2, 28)),
        (date(2024, 2, 29), "P1Y", date(2025, 2, 28)),
        (date(2024, 2, 29), "P4Y", date(2028, 2, 29)),
        (date(2025, 11, 30), "P3M", date(2026, 2, 28)),
        (date(2025, 12, 31), "P13M", date(2027, 1, 31)),
        (date(2025, 12, 31), "P1D", date(2026, 1, 1)),
    ],
)
def test_calendar_durations_clamp_to_the_months_last_day(
    start: date, duration: str, expected: date
) -> None:
    assert add_duration(start, Duration.parse(duration)) == expected


@pytest.mark.parametrize(
    ("day", "year_end", "expected"),
    [
        (date(2026, 4, 1), "03-31", date(2027, 3, 31)),
        (date(2026, 3, 31), "03-31", date(2026, 3, 31)),
        (date(2026, 1, 5), "12-31", date(2026, 12, 31)),
        (date(2027, 3, 1), "02-29", date(2028, 2, 29)),
        (date(2026, 3, 1), "02-29", date(2027, 2, 28)),
    ],
)
def test_financial_year_end(day: date, year_end: str, expected: date) -> None:
    assert financial_year_end_on_or_after(day, year_end) == expected


@pytest.mark.parametrize("bad", ["7Y", "P", "P-1Y", "P1W", "seven years", "P1Y2"])
def test_durations_that_are_not_calendar_durations_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"^not a duration like P7Y"):
        Duration.parse(bad)


def test_a_hold_keeps_data_past_its_date() -> None:
    rule = RetentionRule(
        key="r",
        name="r",
        terms=[RetentionTerm(duration="P1Y", runs_from=RetentionEvent.COLLECTION)],
        legal_reference="x",
    )
    events = {RetentionEvent.COLLECTION: date(2025, 1, 1)}
    assert delete_after(rule, events, financial_year_end="12-31").delete_on == date(2026, 1, 1)
    held = delete_after(rule, events, financial_year_end="12-31", hold_until=date(2027, 6, 1))
    assert held.delete_on == date(2027, 6, 1)
    assert held.held_until == date(2027, 6, 1)


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    years=st.integers(0, 20),
    months=st.integers(0, 30),
)
def test_adding_a_duration_never_goes_backwards_and_never_overshoots_a_month(
    start: date, years: int, months: int
) -> None:
    end = add_duration(start, Duration(years=years, months=months))
    assert end >= start
    whole_months = (end.year - start.year) * 12 + end.month - start.month
    assert whole_months == years * 12 + months
    assert end.day <= start.day
