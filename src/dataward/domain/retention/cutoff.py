"""The first day a retention rule still keeps, for data dated by a single event.

Data whose event fell on day D is past a retention of `duration` on `as_of` when the retention,
counted from D, ended before `as_of`: `add_duration_or_last(D, duration) < as_of`, the reckoning
the call store uses when it ingests an old call (`services.calls.writer`) and when it decides a
caller is past retention (`services.processing.processor_limits`). The sum is non-decreasing in
D, so the days past retention are exactly those before one day: `first_kept_day`. A store then
deletes by a range (`event < that day`) instead of day by day. Pure: no I/O.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dataward.domain.processing.retention import add_duration_or_last
from dataward.domain.register.model import Duration


def first_kept_day(as_of: date, duration: Duration) -> date:
    """The earliest day whose data `duration` still keeps on `as_of`: every day before it is
    past retention, it and every day after are not."""
    low, high = 1, as_of.toordinal()  # add_duration(as_of) >= as_of: as_of itself is kept
    while low < high:
        middle = (low + high) // 2
        if add_duration_or_last(date.fromordinal(middle), duration) < as_of:
            low = middle + 1
        else:
            high = middle
    return date.fromordinal(low)


def start_of(day: date) -> datetime:
    """Midnight UTC at the start of `day`: the bound of a range of stored times (stores date
    their rows in UTC, as the call store counts retention from a call's UTC day)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def expired_by(day: date, now: datetime) -> datetime:
    """The instant a store kept until an instant of its own (a download link's expiry) is
    swept up to on `day`: the end of that day (midnight UTC after it), but no later than now
    when the day is today or past, so a sweep takes what has expired, never what will expire
    later today; a plan of a day ahead counts what will have expired by that day's end."""
    end = start_of(day + timedelta(days=1))
    return end if day > now.astimezone(UTC).date() else min(end, now)
