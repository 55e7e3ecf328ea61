"""Deadlines for UK data-subject-rights requests (docs/legal-rules.md A1, rules R1 to R6). Pure.

Every function here is plain date arithmetic: nothing reads the system clock, and bank
holidays come from a `HolidayCalendar` passed in, so tests and replays can use a fake. The
real calendar, `UkBankHolidays`, evaluates the rules of the maintained `holidays` package
(PyPI `holidays`) per bank-holiday division, in memory, and caches each year it has built.

The rules, as A1 states them:

- R1: the clock starts on the latest of receipt of the request, of identity information asked
  for, of proof of a third party's authority, and of the fee. Day 1 is that day, working day
  or not (`clock_start`).
- R2: the period ends on the same date `months` later, or on that month's last day where the
  month is shorter (`add_months`). So a request received Mon 2024-11-25 runs to 2024-12-25.
- R3: an end on a Saturday, Sunday or bank holiday of the division moves to the next working
  day (`next_working_day_on_or_after`); England & Wales by default.
- R4: an extension gives 3 months from the R1 start (`extended_due_date`); its notice must go
  within the first month (`extension_notice_by`, `may_extend`).
- R5: for access requests under Art 12A(5), the days from the day a clarifying question is
  sent to the day the answer arrives do not count (`pause_days`); they push both the deadline
  and R4's notice window later, before R3's rolling.
- R6: requests received before 5 Feb 2026 follow the old Art 12(3) (`regime_for`).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, timedelta
from enum import StrEnum
from functools import cache
from typing import Protocol

from holidays import country_holidays

from dataward.domain.errors import OutOfRange

__all__ = [
    "DUAA_COMMENCEMENT",
    "MAX_MONTHS",
    "Deadline",
    "Division",
    "HolidayCalendar",
    "Regime",
    "UkBankHolidays",
    "Waits",
    "add_months",
    "bank_holidays",
    "clock_start",
    "deadline_for",
    "due_date",
    "extended_due_date",
    "extension_notice_by",
    "is_working_day",
    "may_extend",
    "next_working_day_on_or_after",
    "pause_days",
    "regime_for",
]

DUAA_COMMENCEMENT = date(2026, 2, 5)
"""Section 76 of the Data (Use and Access) Act 2025 in force (SI 2026/82 reg 2)."""

MAX_MONTHS = 3
"""One month, plus at most two more under an extension (R4)."""

PAST_THE_CALENDAR = "falls after the last date the calendar holds (9999-12-31)"

_SATURDAY = 5


class Division(StrEnum):
    """A UK bank-holiday division, named as GOV.UK names them."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


_SUBDIVISION = {
    Division.ENGLAND_AND_WALES: "ENG",
    Division.SCOTLAND: "SCT",
    Division.NORTHERN_IRELAND: "NIR",
}


class HolidayCalendar(Protocol):
    def is_holiday(self, day: date) -> bool:
        """Whether `day` is a bank holiday (weekends are handled separately)."""
        ...


@dataclass(eq=False)
class UkBankHolidays:
    """The bank holidays of one UK division, from the `holidays` package, cached per year.

    Both a holiday's own date and its substitute day count (Christmas on a Saturday makes the
    following Monday and Tuesday holidays). Rule-based: holidays proclaimed after the installed
    package version was released are unknown to it, so keep the package current.
    """

    division: Division = Division.ENGLAND_AND_WALES
    _years: dict[int, dict[date, str]] = field(default_factory=dict, init=False, repr=False)

    def _year(self, year: int) -> dict[date, str]:
        known = self._years.get(year)
        if known is None:
            found = country_holidays("GB", subdiv=_SUBDIVISION[self.division], years=year)
            known = {day: str(name) for day, name in found.items()}
            self._years[year] = known
        return known

    def is_holiday(self, day: date) -> bool:
        return day in self._year(day.year)

    def name(self, day: date) -> str | None:
        """The holiday's name (for explaining a rolled deadline), or None on other days."""
        return self._year(day.year).get(day)


@cache
def bank_holidays(division: Division = Division.ENGLAND_AND_WALES) -> UkBankHolidays:
    """One shared `UkBankHolidays` per division, so its year cache is built once."""
    return UkBankHolidays(division)


def is_working_day(day: date, holidays: HolidayCalendar) -> bool:
    """Monday to Friday and not a bank holiday."""
    return day.weekday() < _SATURDAY and not holidays.is_holiday(day)


def next_working_day_on_or_after(day: date, holidays: HolidayCalendar) -> date:
    """`day` itself if it is a working day, else the first working day after it (R3)."""
    while not is_working_day(day, holidays):
        if day == date.max:
            raise OutOfRange("deadline", PAST_THE_CALENDAR)
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """The corresponding date in the month `months` later, or that month's last day (R2).

    The same clamping rule as `retention.add_duration`: 31 Jan + 1 month is 28 or 29 Feb.
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if not MINYEAR <= year <= MAXYEAR:
        raise OutOfRange("deadline", PAST_THE_CALENDAR)
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def pause_days(question_sent: date, answer_received: date) -> int:
    """How many days an Art 12A(5) clarification pause lasts (R5).

    The period "beginning with the day on which the controller makes the request and ending
    with the day on which the controller receives the information" (the wording of DPA 2018
    s.54(3C), which A1 says matches Art 12A(5)): both end days count, so a question sent and
    answered on the same day pauses the clock for 1 day.
    """
    if answer_received < question_sent:
        raise ValueError("the answer cannot arrive before the question was sent")
    return (answer_received - question_sent).days + 1


def _unrolled_end(start: date, months: int, paused_days: int) -> date:
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"a deadline runs 1 to {MAX_MONTHS} months, not {months}")
    if paused_days < 0:
        raise ValueError("paused_days cannot be negative")
    end = add_months(start, months)
    if paused_days > (date.max - end).days:
        raise OutOfRange("deadline", PAST_THE_CALENDAR)
    return end + timedelta(days=paused_days)


def due_date(
    start: date, *, months: int = 1, holidays: HolidayCalendar, paused_days: int = 0
) -> date:
    """The last day to respond: `months` after the R1 `start` (R2), later by the days paused
    under R5 (they do not count toward the period), then rolled to a working day (R3)."""
    return next_working_day_on_or_after(_unrolled_end(start, months, paused_days), holidays)


def clock_start(
    received: date,
    *,
    identity_received: date | None = None,
    authority_received: date | None = None,
    fee_paid: date | None = None,
) -> date:
    """The day the clock starts (R1): the latest of the dates given.

    Pass `identity_received` only where identity information was reasonably asked for
    (Art 12(6)), and `fee_paid` only where a fee may be charged (A2).
    """
    later = (identity_received, authority_received, fee_paid)
    return max([received, *(day for day in later if day is not None)])


def extended_due_date(start: date, *, holidays: HolidayCalendar, paused_days: int = 0) -> date:
    """The extended deadline (R4): 3 months from the R1 start, plus paused days, rolled."""
    return due_date(start, months=MAX_MONTHS, holidays=holidays, paused_days=paused_days)


def extension_notice_by(start: date, *, holidays: HolidayCalendar, paused_days: int = 0) -> date:
    """The last day to send an extension notice with reasons (R4): the end of the first
    month, i.e. the normal one-month due date, paused days included (R5), rolled (R3)."""
    return due_date(start, months=1, holidays=holidays, paused_days=paused_days)


def may_extend(
    start: date, notice_sent: date, *, holidays: HolidayCalendar, paused_days: int = 0
) -> bool:
    """Whether an extension notice sent on `notice_sent` was in time (R4)."""
    return notice_sent <= extension_notice_by(start, holidays=holidays, paused_days=paused_days)


class Regime(StrEnum):
    """Which version of the time-limit rules a request falls under (R6).

    A1 gives no different arithmetic for the old Art 12(3): one month from receipt (R1's
    latest-of rule, R2's corresponding date, R3's rolling) and the two-month extension with a
    notice within the first month (R4) apply to both regimes here. The one concrete difference
    A1 states is that the clarification pause (R5) comes from Art 12A(5), inserted by DUAA
    s.76 and in force from 5 Feb 2026; so a PRE_DUAA request gets no statutory pause, and
    `deadline_for` refuses paused days for one.
    """

    PRE_DUAA = "pre-duaa"
    DUAA = "duaa"


def regime_for(received: date) -> Regime:
    """PRE_DUAA for requests received before 5 Feb 2026 (SI 2026/82 reg 4), else DUAA."""
    return Regime.PRE_DUAA if received < DUAA_COMMENCEMENT else Regime.DUAA


@dataclass(frozen=True, slots=True)
class Deadline:
    """A request's deadline and how it was reached.

    `rolled_from` is the end date before R3 moved it past a weekend or bank holiday (so a
    reader can be told "28 Feb is a Saturday"); None when the end was already a working day.
    """

    start: date
    due: date
    months: int
    regime: Regime
    rolled_from: date | None


@dataclass(frozen=True, slots=True)
class Waits:
    """What the clock waits for after receipt: the day identity information, a third party's
    authority and the fee each arrived, where they were asked for (R1: it starts on the
    latest), and the days paused for a clarifying question (R5, see `pause_days`)."""

    identity_received: date | None = None
    authority_received: date | None = None
    fee_paid: date | None = None
    paused_days: int = 0


def deadline_for(
    received: date,
    *,
    months: int = 1,
    division: Division = Division.ENGLAND_AND_WALES,
    waits: Waits | None = None,
    holidays: HolidayCalendar | None = None,
) -> Deadline:
    """The deadline for a request received on `received` (R1 to R6 together).

    `holidays` overrides `division`'s bank holidays (for a fake in tests). The paused days of
    `waits` apply only to access requests under Art 12A(5); they are refused for a request
    received before 5 Feb 2026, when that provision did not exist.
    """
    waits = waits or Waits()
    paused_days = waits.paused_days
    regime = regime_for(received)
    if regime is Regime.PRE_DUAA and paused_days:
        raise ValueError(
            "no clarification pause for a request received before 5 Feb 2026: "
            "Art 12A(5) did not apply to it"
        )
    calendar = holidays if holidays is not None else bank_holidays(division)
    start = clock_start(
        received,
        identity_received=waits.identity_received,
        authority_received=waits.authority_received,
        fee_paid=waits.fee_paid,
    )
    end = _unrolled_end(start, months, paused_days)
    due = next_working_day_on_or_after(end, calendar)
    return Deadline(start, due, months, regime, end if due != end else None)
