"""The request deadline calendar against docs/legal-rules.md A1 (R1 to R6) and its test vectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.domain.calendar import (
    DUAA_COMMENCEMENT,
    Deadline,
    Division,
    Regime,
    UkBankHolidays,
    Waits,
    add_months,
    bank_holidays,
    clock_start,
    deadline_for,
    due_date,
    extended_due_date,
    extension_notice_by,
    is_working_day,
    may_extend,
    next_working_day_on_or_after,
    pause_days,
    regime_for,
)
from dataward.domain.processing.retention import add_duration
from dataward.domain.register.model import Duration

ENGLAND = Division.ENGLAND_AND_WALES
SCOTLAND = Division.SCOTLAND
NI = Division.NORTHERN_IRELAND
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


@dataclass
class FakeHolidays:
    """A holiday calendar that knows only the days it is given."""

    days: frozenset[date] = frozenset()

    def is_holiday(self, day: date) -> bool:
        return day in self.days


NONE = FakeHolidays()


# --- A1 test vectors, exactly as the table gives them -----------------------------------


@pytest.mark.parametrize(
    ("received", "months", "deadline"),
    [
        pytest.param(
            date(2024, 11, 25),
            1,
            date(2024, 12, 27),
            id="ICO's own example: 25 and 26 Dec are holidays",
        ),
        pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="No 31st in February (2025)"),
        pytest.param(
            date(2024, 1, 31), 1, date(2024, 2, 29), id="No 31st in February (2024, leap)"
        ),
        pytest.param(date(2026, 1, 31), 1, date(2026, 3, 2), id="28 Feb is a Saturday"),
        pytest.param(
            date(2026, 1, 1),
            1,
            date(2026, 2, 2),
            id="Counting starts on the holiday; 1 Feb is a Sunday",
        ),
        pytest.param(date(2026, 11, 30), 3, date(2027, 3, 1), id="Extension; 28 Feb is a Sunday"),
    ],
)
def test_a1_vectors(received: date, months: int, deadline: date) -> None:
    holidays = bank_holidays(ENGLAND)
    assert due_date(received, months=months, holidays=holidays) == deadline
    assert deadline_for(received, months=months).due == deadline


def test_a1_vector_weekdays_are_as_the_table_says() -> None:
    assert date(2024, 11, 25).weekday() == MON
    assert deadline_for(date(2024, 11, 25)).due.weekday() == FRI
    assert deadline_for(date(2026, 1, 31)).due.weekday() == MON
    assert deadline_for(date(2026, 1, 1)).due.weekday() == MON
    assert deadline_for(date(2026, 11, 30), months=3).due.weekday() == MON


def test_the_ico_example_explains_its_roll() -> None:
    deadline = deadline_for(date(2024, 11, 25))
    assert deadline == Deadline(
        start=date(2024, 11, 25),
        due=date(2024, 12, 27),
        months=1,
        regime=Regime.PRE_DUAA,
        rolled_from=date(2024, 12, 25),
    )
    assert bank_holidays(ENGLAND).name(date(2024, 12, 25)) == "Christmas Day"


def test_rolled_from_names_the_weekend_date_and_is_none_when_nothing_moved() -> None:
    rolled = deadline_for(date(2026, 1, 31))
    assert rolled.rolled_from == date(2026, 2, 28)
    assert rolled.rolled_from.weekday() == SAT
    assert deadline_for(date(2025, 1, 31)).rolled_from is None


# --- Bank holidays per division -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "england", "scotland", "ni"),
    [
        pytest.param(date(2024, 12, 25), True, True, True, id="Christmas 2024"),
        pytest.param(date(2024, 12, 26), True, True, True, id="Boxing Day 2024"),
        pytest.param(date(2026, 1, 1), True, True, True, id="New Year's Day 2026"),
        pytest.param(date(2026, 1, 2), False, True, False, id="Scottish 2 January"),
        pytest.param(date(2026, 11, 30), False, True, False, id="St Andrew's Day (Monday)"),
        pytest.param(date(2030, 12, 2), False, True, False, id="St Andrew's Day substitute"),
        pytest.param(date(2026, 3, 17), False, False, True, id="St Patrick's Day"),
        pytest.param(date(2027, 7, 12), False, False, True, id="Battle of the Boyne"),
        pytest.param(date(2026, 7, 13), False, False, True, id="Boyne substitute (12th Sun)"),
        pytest.param(date(2026, 12, 28), True, True, True, id="Boxing Day substitute 2026"),
        pytest.param(date(2027, 12, 27), True, True, True, id="Christmas substitute 2027"),
        pytest.param(date(2027, 12, 28), True, True, True, id="Boxing Day substitute 2027"),
        pytest.param(date(2027, 1, 4), False, True, False, id="Scottish 2 Jan substitute"),
        pytest.param(date(2026, 8, 3), False, True, False, id="Scottish summer holiday"),
        pytest.param(date(2026, 8, 31), True, False, True, id="E&W and NI summer holiday"),
        pytest.param(date(2026, 6, 15), False, True, False, id="Scotland 2026 World Cup"),
        pytest.param(date(2026, 2, 4), False, False, False, id="ordinary Wednesday"),
    ],
)
def test_bank_holidays_by_division(day: date, england: bool, scotland: bool, ni: bool) -> None:
    assert bank_holidays(ENGLAND).is_holiday(day) is england
    assert bank_holidays(SCOTLAND).is_holiday(day) is scotland
    assert bank_holidays(NI).is_holiday(day) is ni


@pytest.mark.parametrize(
    ("received", "england", "scotland", "ni"),
    [
        pytest.param(
            date(2025, 12, 2),
            date(2026, 1, 2),
            date(2026, 1, 5),
            date(2026, 1, 2),
            id="due Fri 2 Jan: a holiday in Scotland only",
        ),
        pytest.param(
            date(2026, 10, 30),
            date(2026, 11, 30),
            date(2026, 12, 1),
            date(2026, 11, 30),
            id="due Mon 30 Nov: St Andrew's Day in Scotland",
        ),
        pytest.param(
            date(2026, 2, 17),
            date(2026, 3, 17),
            date(2026, 3, 17),
            date(2026, 3, 18),
            id="due Tue 17 Mar: St Patrick's Day in NI",
        ),
        pytest.param(
            date(2027, 6, 12),
            date(2027, 7, 12),
            date(2027, 7, 12),
            date(2027, 7, 13),
            id="due Mon 12 Jul: the Boyne in NI",
        ),
        pytest.param(
            date(2026, 6, 12),
            date(2026, 7, 13),
            date(2026, 7, 13),
            date(2026, 7, 14),
            id="due Sun 12 Jul: NI's substitute Monday too",
        ),
        pytest.param(
            date(2027, 11, 25),
            date(2027, 12, 29),
            date(2027, 12, 29),
            date(2027, 12, 29),
            id="due Sat 25 Dec 2027: weekend then two substitute days",
        ),
        pytest.param(
            date(2026, 11, 26),
            date(2026, 12, 29),
            date(2026, 12, 29),
            date(2026, 12, 29),
            id="due Sat 26 Dec 2026: Boxing Day substitute Monday",
        ),
        pytest.param(
            date(2026, 5, 15),
            date(2026, 6, 15),
            date(2026, 6, 16),
            date(2026, 6, 15),
            id="due Mon 15 Jun 2026: Scotland's World Cup bank holiday",
        ),
    ],
)
def test_divisions_roll_differently(
    received: date, england: date, scotland: date, ni: date
) -> None:
    assert deadline_for(received, division=ENGLAND).due == england
    assert deadline_for(received, division=SCOTLAND).due == scotland
    assert deadline_for(received, division=NI).due == ni


def test_england_is_the_default_division() -> None:
    assert deadline_for(date(2025, 12, 2)).due == date(2026, 1, 2)


def test_a_holiday_calendar_can_be_faked() -> None:
    wednesday = date(2026, 4, 15)
    fake = FakeHolidays(frozenset({wednesday}))
    assert not is_working_day(wednesday, fake)
    assert is_working_day(wednesday, NONE)
    assert deadline_for(date(2026, 3, 15), holidays=fake).due == date(2026, 4, 16)
    assert deadline_for(date(2026, 3, 15), holidays=NONE).due == wednesday


def test_the_package_calendar_caches_each_year_once() -> None:
    calendar = UkBankHolidays(SCOTLAND)
    assert calendar.is_holiday(date(2026, 1, 2))
    first = calendar._years[2026]
    assert not calendar.is_holiday(date(2026, 1, 6))
    assert calendar._years[2026] is first
    assert set(calendar._years) == {2026}
    assert bank_holidays(SCOTLAND) is bank_holidays(SCOTLAND)


# --- Working days and add_months ------------------------------------------------------------


def test_working_days_exclude_weekends_and_holidays() -> None:
    holidays = bank_holidays(ENGLAND)
    assert is_working_day(date(2026, 2, 4), holidays)
    assert not is_working_day(date(2026, 2, 7), holidays)  # Saturday
    assert not is_working_day(date(2026, 2, 8), holidays)  # Sunday
    assert not is_working_day(date(2026, 4, 3), holidays)  # Good Friday


def test_next_working_day_on_or_after() -> None:
    holidays = bank_holidays(ENGLAND)
    assert next_working_day_on_or_after(date(2026, 2, 4), holidays) == date(2026, 2, 4)
    assert next_working_day_on_or_after(date(2026, 2, 7), holidays) == date(2026, 2, 9)
    # Good Friday, Saturday, Sunday, Easter Monday.
    assert next_working_day_on_or_after(date(2026, 4, 3), holidays) == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="31 Jan -> 28 Feb"),
        pytest.param(date(2024, 1, 31), 1, date(2024, 2, 29), id="31 Jan -> 29 Feb (leap)"),
        pytest.param(date(2026, 11, 30), 3, date(2027, 2, 28), id="30 Nov + 3 -> 28 Feb"),
        pytest.param(date(2027, 11, 30), 3, date(2028, 2, 29), id="30 Nov + 3 -> 29 Feb (leap)"),
        pytest.param(date(2026, 10, 31), 1, date(2026, 11, 30), id="31 Oct -> 30 Nov"),
        pytest.param(date(2026, 12, 31), 2, date(2027, 2, 28), id="over the year end"),
        pytest.param(date(2026, 1, 30), 1, date(2026, 2, 28), id="30 Jan -> 28 Feb"),
        pytest.param(date(2026, 2, 1), 1, date(2026, 3, 1), id="1 Feb -> 1 Mar"),
        pytest.param(date(2024, 11, 25), 1, date(2024, 12, 25), id="corresponding date"),
    ],
)
def test_add_months_clamps_to_the_last_day(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    st.integers(min_value=0, max_value=40),
)
def test_add_months_agrees_with_retention_add_duration(start: date, months: int) -> None:
    assert add_months(start, months) == add_duration(start, Duration(months=months))


# --- R1 clock start ---------------------------------------------------------------------------


def test_clock_start_is_the_request_when_nothing_else_came() -> None:
    assert clock_start(date(2026, 3, 2)) == date(2026, 3, 2)


@pytest.mark.parametrize("latest", ["identity_received", "authority_received", "fee_paid"])
def test_clock_start_picks_the_latest(latest: str) -> None:
    dates = {
        "identity_received": date(2026, 3, 5),
        "authority_received": date(2026, 3, 6),
        "fee_paid": date(2026, 3, 7),
    }
    dates[latest] = date(2026, 3, 20)
    assert clock_start(date(2026, 3, 2), **dates) == date(2026, 3, 20)


def test_clock_start_ignores_an_earlier_date() -> None:
    assert clock_start(date(2026, 3, 2), identity_received=date(2026, 3, 1)) == date(2026, 3, 2)


def test_a_fee_restarts_the_clock_in_deadline_for() -> None:
    deadline = deadline_for(date(2026, 3, 2), waits=Waits(fee_paid=date(2026, 3, 10)))
    assert deadline.start == date(2026, 3, 10)
    assert deadline.due == date(2026, 4, 10)
    assert deadline.regime is Regime.DUAA


def test_a_request_received_on_a_sunday_counts_that_sunday_as_day_one() -> None:
    assert date(2026, 3, 1).weekday() == SUN
    assert deadline_for(date(2026, 3, 1)).due == date(2026, 4, 1)


# --- R5 clarification pause ---------------------------------------------------------------


def test_pause_counts_both_the_day_asked_and_the_day_answered() -> None:
    assert pause_days(date(2026, 3, 10), date(2026, 3, 12)) == 3
    assert pause_days(date(2026, 3, 10), date(2026, 3, 10)) == 1
    with pytest.raises(ValueError, match="before the question"):
        pause_days(date(2026, 3, 12), date(2026, 3, 10))


def test_paused_days_move_the_end_before_rolling() -> None:
    received = date(2026, 3, 2)
    assert deadline_for(received).due == date(2026, 4, 2)  # Thursday before Good Friday
    paused = pause_days(date(2026, 3, 10), date(2026, 3, 12))
    deadline = deadline_for(received, waits=Waits(paused_days=paused))
    # 2 Apr + 3 days = Sun 5 Apr; Easter Monday 6 Apr; so Tue 7 Apr.
    assert deadline.rolled_from == date(2026, 4, 5)
    assert deadline.due == date(2026, 4, 7)


def test_no_pause_for_a_request_received_before_duaa() -> None:
    with pytest.raises(ValueError, match="Art 12A"):
        deadline_for(date(2026, 2, 4), waits=Waits(paused_days=3))
    assert deadline_for(date(2026, 2, 5), waits=Waits(paused_days=3)).due == date(2026, 3, 9)


def test_negative_pauses_and_odd_month_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_date(date(2026, 3, 2), holidays=NONE, paused_days=-1)
    for months in (0, 4):
        with pytest.raises(ValueError, match="1 to 3 months"):
            due_date(date(2026, 3, 2), months=months, holidays=NONE)


# --- R4 extension -------------------------------------------------------------------------


def test_extension_runs_three_months_from_the_start() -> None:
    holidays = bank_holidays(ENGLAND)
    assert extended_due_date(date(2026, 11, 30), holidays=holidays) == date(2027, 3, 1)
    assert extended_due_date(date(2026, 3, 2), holidays=holidays) == date(2026, 6, 2)
    assert extended_due_date(date(2026, 3, 2), holidays=holidays, paused_days=5) == date(
        2026, 6, 8
    )  # 7 June is a Sunday


def test_extension_notice_is_due_by_the_end_of_the_first_month() -> None:
    holidays = bank_holidays(ENGLAND)
    start = date(2026, 11, 30)
    assert extension_notice_by(start, holidays=holidays) == date(2026, 12, 30)
    assert may_extend(start, date(2026, 12, 1), holidays=holidays)
    assert may_extend(start, date(2026, 12, 30), holidays=holidays)
    assert not may_extend(start, date(2026, 12, 31), holidays=holidays)


def test_extension_notice_window_rolls_and_pauses() -> None:
    holidays = bank_holidays(ENGLAND)
    # One month from 31 Jan 2026 ends Sat 28 Feb, so the window runs to Mon 2 Mar.
    assert extension_notice_by(date(2026, 1, 31), holidays=holidays) == date(2026, 3, 2)
    start = date(2026, 3, 2)
    assert not may_extend(start, date(2026, 4, 7), holidays=holidays)
    assert may_extend(start, date(2026, 4, 7), holidays=holidays, paused_days=3)


# --- R6 regime ------------------------------------------------------------------------------


def test_regime_changes_on_5_february_2026() -> None:
    assert DUAA_COMMENCEMENT.isoformat() == "2026-02-05"
    assert regime_for(date(2026, 2, 4)) is Regime.PRE_DUAA
    assert regime_for(date(2026, 2, 5)) is Regime.DUAA
    assert regime_for(date(2026, 2, 6)) is Regime.DUAA
    assert regime_for(date(2018, 5, 25)) is Regime.PRE_DUAA


def test_regime_follows_receipt_not_the_clock_start() -> None:
    deadline = deadline_for(date(2026, 2, 4), waits=Waits(identity_received=date(2026, 2, 10)))
    assert deadline.regime is Regime.PRE_DUAA
    assert deadline.start == date(2026, 2, 10)
    assert deadline.due == date(2026, 3, 10)


# --- Properties ---------------------------------------------------------------------------

starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
month_counts = st.integers(min_value=1, max_value=3)
divisions = st.sampled_from(list(Division))


@given(starts, month_counts, divisions)
def test_deadline_is_a_working_day_on_or_after_the_unrolled_end(
    start: date, months: int, division: Division
) -> None:
    holidays = bank_holidays(division)
    due = due_date(start, months=months, holidays=holidays)
    assert due.weekday() < SAT
    assert not holidays.is_holiday(due)
    end = add_months(start, months)
    assert end <= due <= end + timedelta(days=10)
    for day in range((due - end).days):
        assert not is_working_day(end + timedelta(days=day), holidays)


@given(starts, starts, month_counts, divisions)
def test_deadline_is_monotone_in_the_start(
    first: date, second: date, months: int, division: Division
) -> None:
    earlier, later = sorted((first, second))
    holidays = bank_holidays(division)
    assert due_date(earlier, months=months, holidays=holidays) <= due_date(
        later, months=months, holidays=holidays
    )


@given(starts, st.integers(min_value=0, max_value=60), divisions)
def test_pausing_never_brings_the_deadline_forward(
    start: date, paused: int, division: Division
) -> None:
    holidays = bank_holidays(division)
    unpaused = due_date(start, holidays=holidays)
    due = due_date(start, holidays=holidays, paused_days=paused)
    assert due >= unpaused
    assert due >= add_months(start, 1) + timedelta(days=paused)
