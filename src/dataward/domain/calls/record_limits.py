"""What a value read from a call record may be: ASCII digits, a time in range, a sane duration.

Every parser reads its numbers, times and durations through these rules, so a hostile line is
refused alike whatever its format, as a `BadField` naming the field and never its content:

- **Digits are ASCII `0`-`9`.** `str.isdigit` also takes superscripts (`²`) and other scripts'
  digits (`٣`), and `int` takes those, spaces, `_` and a sign; nothing a PBX writes needs them,
  and letting them through turned `²` into a traceback that printed the line.
- **A time lies from 1990-01-01 (UTC) to a day after the ingest's now** (`RecordLimits.at`,
  with the time from the injected clock). Earlier is a clock never set or a field misread as a
  time; later is a year typed wrong (or 9999, which overflows arithmetic later). A day ahead
  leaves room for a PBX clock in the wrong zone. Without a now (sniffing, tools) the latest is
  2100-01-01.
- **A duration is whole, non-negative seconds up to 72 hours** (`LONGEST`): wait, ring and talk
  as written, and the span of a call from start to end. Exchanges and PBXs cap a call at hours
  (BroadWorks writes interim records for longer ones), so a longer one is a broken counter:
  a 30-digit billsec once became 10^30 seconds of talk.
- **Order**: an answer is not before the start nor after the end. A local time in a clock
  change's repeated hour is read as its first pass; when that would put it before an earlier
  time of the record, its second pass is tried, so a call across the autumn change is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Final

from dataward.domain.calls.telephony import BadField

__all__ = [
    "AHEAD",
    "EARLIEST",
    "LATEST_WITHOUT_NOW",
    "LONGEST",
    "RecordLimits",
    "ascii_digits",
    "elapsed",
    "whole_number",
]

EARLIEST: Final = datetime(1990, 1, 1, tzinfo=UTC)
AHEAD: Final = timedelta(days=1)
LATEST_WITHOUT_NOW: Final = datetime(2100, 1, 1, tzinfo=UTC)
LONGEST: Final = timedelta(hours=72)
_LONGEST_HOURS = int(LONGEST.total_seconds()) // 3600
_MOST_DIGITS = 18  # below 2**63: no count in a call record is longer


def ascii_digits(text: str) -> bool:
    """True for a non-empty run of ASCII digits only."""
    return text.isascii() and text.isdigit()


def whole_number(text: str, field: str) -> int:
    """A non-negative whole number written in ASCII digits (at most 18 of them)."""
    if not ascii_digits(text) or len(text) > _MOST_DIGITS:
        raise BadField(field, "not a whole number")
    return int(text)


def elapsed(earlier: datetime, later: datetime) -> float:
    """Seconds from `earlier` to `later`, reading an ambiguous `later` (a clock change's repeated
    hour, first pass by default) as its second pass when the first would come before."""
    span = later.timestamp() - earlier.timestamp()
    if span < 0 and later.tzinfo is not None and not later.fold:
        span = later.replace(fold=1).timestamp() - earlier.timestamp()
    return span


def _not_before(later: datetime, earlier: datetime) -> bool:
    return later >= earlier or elapsed(earlier, later) >= 0  # the common case costs one compare


@dataclass(frozen=True, slots=True)
class RecordLimits:
    """The range of times and durations one ingest accepts (see the module's rules).

    Read once per field of every record of files of millions: the bounds are also kept as
    whole seconds, worked out once."""

    earliest: datetime = EARLIEST
    latest: datetime = LATEST_WITHOUT_NOW
    longest: timedelta = LONGEST
    late: str = "after 2100-01-01"
    """The problem named when a time is after `latest`."""
    earliest_epoch: int = dataclass_field(init=False, repr=False)
    latest_epoch: int = dataclass_field(init=False, repr=False)
    longest_s: int = dataclass_field(init=False, repr=False)
    _safe: tuple[datetime, datetime] = dataclass_field(init=False, repr=False)
    """Naive bounds a day inside the range: a wall-clock time between them is in range in any
    zone (no zone is a day from UTC), which spares the zone arithmetic."""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "earliest_epoch", int(self.earliest.timestamp()))
        set_(self, "latest_epoch", int(self.latest.timestamp()))
        set_(self, "longest_s", int(self.longest.total_seconds()))
        day = timedelta(days=1)
        safe = ((self.earliest + day).astimezone(UTC), (self.latest - day).astimezone(UTC))
        set_(self, "_safe", (safe[0].replace(tzinfo=None), safe[1].replace(tzinfo=None)))

    @classmethod
    def at(cls, now: datetime | None) -> RecordLimits:
        """The limits of an ingest run at `now` (from its clock), or without one."""
        if now is None:
            return cls()
        return cls(latest=now + AHEAD, late="more than a day after the time of the ingest")

    def time(self, moment: datetime, field: str) -> datetime:
        """`moment` if it is in range, else `BadField` naming `field`."""
        if moment < self.earliest:
            raise BadField(field, "before 1990-01-01")
        if moment > self.latest:
            raise BadField(field, self.late)
        return moment

    def local(self, wall: datetime, tz: tzinfo, field: str) -> datetime:
        """A naive wall-clock time read in `tz`, if it is in range."""
        low, high = self._safe
        if low <= wall <= high:
            return wall.replace(tzinfo=tz)
        return self.time(wall.replace(tzinfo=tz), field)

    def epoch(self, text: str, field: str, *, scale: int = 1) -> int:
        """Whole seconds (or, with `scale`, units of 1/scale s) since 1970 UTC, in range."""
        if not (text.isascii() and text.isdigit()) or len(text) > _MOST_DIGITS:
            raise BadField(field, "not a time in seconds since 1970")
        value = int(text)
        if value < self.earliest_epoch * scale:
            raise BadField(field, "before 1990-01-01")
        if value > self.latest_epoch * scale:
            raise BadField(field, self.late)
        return value

    def seconds(self, text: str, field: str, *, scale: int = 1) -> int:
        """A duration in whole seconds (milliseconds with `scale=1000`) as written."""
        if text.isascii() and text.isdigit() and len(text) <= 6:  # the common case, in range
            value = int(text)
            if value <= self.longest_s * scale:
                return value
        if not ascii_digits(text):
            if text[:1] == "-" and ascii_digits(text[1:]):
                raise BadField(field, "negative")
            raise BadField(field, "not a whole number of seconds")
        significant = text.lstrip("0") or "0"  # zero-padded to any width is still its value
        if len(significant) > _MOST_DIGITS or int(significant) > self.longest_s * scale:
            raise BadField(field, f"longer than {_LONGEST_HOURS} hours")
        return int(significant)

    def duration(self, value: float, field: str) -> float:
        """A duration already read as a number (decimal, or derived from times)."""
        if value < 0:
            raise BadField(field, "negative")
        if not value <= self.longest_s:  # also refuses NaN
            raise BadField(field, f"longer than {_LONGEST_HOURS} hours")
        return value

    def talk(self, start: datetime, answer: datetime | None, talk_s: float, field: str) -> None:
        """Refuse talk that would run on past `longest` after the start of the call."""
        if answer is not None and (answer - start).total_seconds() + talk_s > self.longest_s:
            raise BadField(field, f"talk would end more than {_LONGEST_HOURS} hours after start")

    def order(
        self,
        start: datetime,
        answer: datetime | None,
        end: datetime | None,
        names: tuple[str, str, str],
    ) -> None:
        """Refuse an answer before the start or after the end, an end before the start, and an
        answer or end more than `longest` after the start; `names` are the three fields' names
        in the source."""
        start_name, answer_name, end_name = names
        if answer is not None:
            if not _not_before(answer, start):
                raise BadField(answer_name, f"before {start_name}")
            if answer - start > self.longest:
                raise BadField(answer_name, f"more than {_LONGEST_HOURS} hours after {start_name}")
        if end is None:
            return
        if not _not_before(end, start):
            raise BadField(end_name, f"before {start_name}")
        if answer is not None and not _not_before(end, answer):
            raise BadField(answer_name, f"after {end_name}")
        if end - start > self.longest:
            raise BadField(end_name, f"more than {_LONGEST_HOURS} hours after {start_name}")
