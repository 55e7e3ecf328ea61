"""When data may be deleted: structured retention rules evaluated on exact calendar dates.

A rule is one or more terms (a duration from an event); the data goes at the latest of the
terms' end dates, and not before any hold is lifted. A term whose event has not happened yet
(the customer is still a customer) keeps the data: there is no date yet.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from dataward.domain.register.model import Duration, RetentionEvent, RetentionRule


def add_duration(start: date, duration: Duration) -> date:
    """`start` plus whole years, months and days; a missing day becomes the month's last day."""
    months = start.month - 1 + duration.months + 12 * duration.years
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    shifted = date(year, month, day)
    return date.fromordinal(shifted.toordinal() + duration.days)


def add_duration_or_last(start: date, duration: Duration) -> date:
    """`add_duration`, or the calendar's last day (9999-12-31) where the sum would pass it."""
    try:
        return add_duration(start, duration)
    except (ValueError, OverflowError):
        return date.max


def financial_year_end_on_or_after(day: date, year_end: str) -> date:
    """The end of the financial year containing `day`, for a year ending on `MM-DD`."""
    month, dom = (int(part) for part in year_end.split("-"))

    def end_in(year: int) -> date:
        return date(year, month, min(dom, calendar.monthrange(year, month)[1]))

    this_year = end_in(day.year)
    return this_year if day <= this_year else end_in(day.year + 1)


@dataclass(frozen=True, slots=True)
class RetentionOutcome:
    """The result of applying a rule: a date, or why there is none yet."""

    delete_on: date | None
    waiting_for: tuple[RetentionEvent, ...] = ()
    held_until: date | None = None
    term_ends: tuple[date | None, ...] = ()
    """Each term's own end, in the rule's order (None: its event is unknown); empty when not
    worked out term by term."""

    @property
    def decided(self) -> bool:
        return self.delete_on is not None


def delete_after(
    rule: RetentionRule,
    events: Mapping[RetentionEvent, date],
    *,
    financial_year_end: str,
    hold_until: date | None = None,
) -> RetentionOutcome:
    """The first day on which data under `rule` may be deleted.

    `events` maps each event that has happened to its date. For
    FINANCIAL_YEAR_END_OF_LAST_TRANSACTION pass the date of the last transaction: the end of
    its financial year is worked out here from `financial_year_end` (`MM-DD`).
    """
    term_ends: list[date | None] = []
    missing: list[RetentionEvent] = []
    for term in rule.terms:
        happened = events.get(term.runs_from)
        if happened is None:
            missing.append(term.runs_from)
            term_ends.append(None)
            continue
        start = happened
        if term.runs_from is RetentionEvent.FINANCIAL_YEAR_END_OF_LAST_TRANSACTION:
            start = financial_year_end_on_or_after(happened, financial_year_end)
        term_ends.append(add_duration(start, term.parsed()))
    ends = tuple(term_ends)
    if missing:
        return RetentionOutcome(None, tuple(missing), hold_until, ends)
    delete_on = max(end for end in ends if end is not None)
    if hold_until is not None and hold_until > delete_on:
        return RetentionOutcome(hold_until, (), hold_until, ends)
    return RetentionOutcome(delete_on, (), hold_until, ends)
