"""The breach clock (UK GDPR Art. 33(1), Art. 33(2); legal-rules A4). Pure.

A controller tells the ICO within 72 hours of becoming aware of a breach. The 72 hours are
elapsed time: the deadline is the moment of awareness plus exactly 72 hours, computed in UTC,
so a clock change in between (the last Sunday of March or October) moves the UK wall-clock
time of the deadline by an hour, never its moment. As a processor we tell each affected
tenant (the controller) without undue delay, within the hours its contract sets.

A time is taken with its offset (`2026-10-24T01:30+01:00`, `...Z`) or as UK wall-clock time
(`2026-10-24T01:30`). A UK time the clocks skip (01:30 on the last Sunday of March) or show
twice (01:30 on the last Sunday of October) is refused: the record must say which moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from dataward.domain.errors import InvalidValue

UK: Final = ZoneInfo("Europe/London")
ICO_HOURS: Final = 72
"""Art. 33(1): within 72 hours of becoming aware, where feasible."""
CONTROLLER_HOURS: Final = 24
"""A tenant's contractual hours to be told of a breach of its data, unless its contract says
otherwise (`tenants.breach_notice_hours`)."""
MAX_CONTROLLER_HOURS: Final = 72
FIRST_AWARE: Final = datetime(2000, 1, 1, tzinfo=UTC)
"""No breach we record was found earlier."""

TIMES: Final = (
    "a time such as 2026-10-24T01:30 (UK time) or 2026-10-24T00:30Z or with an offset "
    "(+01:00), from 2000-01-01 to now (a window counted: from 1990-01-01 to a day ahead)"
)
_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)


def parse_time(
    field: str, text: str, *, now: datetime, earliest: datetime = FIRST_AWARE
) -> datetime:
    """A moment from `text`, in UTC; `InvalidValue` naming `field` (never repeating the text)
    for anything else, a UK time that does not exist or exists twice, or a time before
    `earliest` or after `now` (the latest taken)."""
    match = _TIME.fullmatch(text.strip()) if len(text) <= 40 else None
    if match is None:
        raise InvalidValue(field, TIMES)
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups()[:6])
    zone = match.group(7)
    try:
        if zone is None:
            wall = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - UK time
            at = _uk_wall_time(field, wall)
        else:
            offset = timedelta(0) if zone == "Z" else _offset(zone)
            if abs(offset) > timedelta(hours=14):
                raise InvalidValue(field, TIMES)
            at = datetime(year, month, day, hour, minute, second, tzinfo=UTC) - offset
    except (ValueError, OverflowError):
        raise InvalidValue(field, TIMES) from None
    return check_moment(field, at, now=now, earliest=earliest)


def check_moment(
    field: str, at: datetime, *, now: datetime, earliest: datetime = FIRST_AWARE
) -> datetime:
    """`at` in UTC if it is aware and from `earliest` to `now`; else `InvalidValue`."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidValue(field, TIMES)
    at = at.astimezone(UTC)
    if not earliest <= at <= now:
        raise InvalidValue(field, TIMES)
    return at


def _offset(zone: str) -> timedelta:
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if minutes >= 60:
        raise ValueError("minutes")
    return sign * timedelta(hours=hours, minutes=minutes)


def _uk_wall_time(field: str, wall: datetime) -> datetime:
    first, second = wall.replace(tzinfo=UK, fold=0), wall.replace(tzinfo=UK, fold=1)
    if first.astimezone(UTC).astimezone(UK).replace(tzinfo=None) != wall:
        raise InvalidValue(field, "a UK time the clocks skip: give the time with its offset")
    if first.utcoffset() != second.utcoffset():
        raise InvalidValue(
            field, "a UK time the clocks show twice: give its offset (+01:00 or +00:00)"
        )
    return first.astimezone(UTC)


def ico_deadline(aware_at: datetime) -> datetime:
    """Exactly 72 hours after awareness, in UTC."""
    return aware_at.astimezone(UTC) + timedelta(hours=ICO_HOURS)


def controller_deadline(aware_at: datetime, hours: int) -> datetime:
    """When a tenant is to be told of a breach of its data: its contract's hours from our
    awareness."""
    return aware_at.astimezone(UTC) + timedelta(hours=hours)


def uk_time(at: datetime) -> str:
    """`at` as UK wall-clock time with its zone's name: `2026-10-27 00:30 GMT`."""
    return at.astimezone(UK).strftime("%Y-%m-%d %H:%M %Z")


@dataclass(frozen=True, slots=True)
class Remaining:
    """Time left to a deadline (`late` False) or how late it is (`late` True)."""

    late: bool
    by: timedelta

    def describe(self) -> str:
        hours, rest = divmod(int(self.by.total_seconds()), 3600)
        text = f"{hours} h {rest // 60:02d} min"
        return f"{text} late" if self.late else f"{text} left"


def remaining(deadline: datetime, now: datetime) -> Remaining:
    """How long until `deadline` at `now`, or how long past it."""
    if now <= deadline:
        return Remaining(late=False, by=deadline - now)
    return Remaining(late=True, by=now - deadline)
