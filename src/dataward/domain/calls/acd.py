"""ACD (call-queue) metrics for reports, from pseudonymised call facts (docs/legal-rules.md
C5). Pure.

Everything a report shows is derived from a `Tally` of additive counts, sums and sparse wait
histograms: two tallies merge by addition, so anonymous rollups per tenant, queue and hour can
be kept after the raw calls are deleted and still give exact metrics for any day, week or queue
group built from them.

Waits are kept as whole seconds rounded up (`wait_bucket`): for an integer threshold T,
`wait <= T` exactly when `ceil(wait) <= T`, so service levels and short abandons computed from a
rollup match the raw calls. For the same reason percentiles are whole seconds, rounded up.
Averages use the exact sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from dataward.domain.calls.telephony import Disposition
from dataward.domain.calls.wait_histogram import MAX_BUCKET, WaitHistogram

__all__ = [
    "MAX_BUCKET",
    "TALLY_HISTOGRAMS",
    "TALLY_NUMBERS",
    "Metrics",
    "Outcome",
    "Period",
    "Tally",
    "Thresholds",
    "WaitHistogram",
    "metrics",
    "outcome_of",
    "period_key",
    "wait_bucket",
]


class Outcome(StrEnum):
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    OVERFLOW = "overflow"
    OTHER = "other"  # offered, no queue outcome known


_OUTCOMES: dict[Disposition, Outcome] = {
    Disposition.ANSWERED: Outcome.ANSWERED,
    Disposition.ABANDONED: Outcome.ABANDONED,
    # a queue call nobody answered and the caller released, as CDRs write it
    Disposition.NO_ANSWER: Outcome.ABANDONED,
    Disposition.OVERFLOW: Outcome.OVERFLOW,
}


def outcome_of(disposition: Disposition) -> Outcome:
    return _OUTCOMES.get(disposition, Outcome.OTHER)


def _seconds(value: float | None, cap: float | None = None) -> float | None:
    """A duration as counted: None or non-finite -> None, negative -> 0, at most `cap`."""
    if value is None or not math.isfinite(value):
        return None
    value = max(value, 0.0)
    return value if cap is None else min(value, cap)


def wait_bucket(seconds: float | None) -> int | None:
    """Whole seconds rounded up; None (or NaN/inf) -> None, negative -> 0, at most MAX_BUCKET."""
    clean = _seconds(seconds, MAX_BUCKET)
    return None if clean is None else math.ceil(clean)


# --- tally and metrics ----------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Additive counts for one report cell.

    Every call is offered. Waits count for every call that has one; `answered_wait_sum` for the
    answered ones (ASA). Talk counts for answered calls only. Ring time counts for every call
    (agents are rung for calls later abandoned too).
    """

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    overflow: int = 0
    wait_sum: float = 0.0
    wait_count: int = 0
    answered_wait_sum: float = 0.0
    talk_sum: float = 0.0
    talk_count: int = 0
    ring_sum: float = 0.0
    answered_waits: WaitHistogram = field(default_factory=WaitHistogram)
    abandoned_waits: WaitHistogram = field(default_factory=WaitHistogram)
    all_waits: WaitHistogram = field(default_factory=WaitHistogram)

    def add(
        self,
        disposition: Disposition,
        wait_s: float | None,
        talk_s: float | None,
        ring_s: float | None,
    ) -> None:
        outcome = outcome_of(disposition)
        wait = _seconds(wait_s, MAX_BUCKET)
        bucket = wait_bucket(wait_s)
        self.offered += 1
        if wait is not None and bucket is not None:
            self.wait_sum += wait
            self.wait_count += 1
            self.all_waits.add(bucket)
        if outcome is Outcome.ANSWERED:
            self.answered += 1
            if wait is not None and bucket is not None:
                self.answered_wait_sum += wait
                self.answered_waits.add(bucket)
            talk = _seconds(talk_s)
            if talk is not None:
                self.talk_sum += talk
                self.talk_count += 1
        elif outcome is Outcome.ABANDONED:
            self.abandoned += 1
            if bucket is not None:
                self.abandoned_waits.add(bucket)
        elif outcome is Outcome.OVERFLOW:
            self.overflow += 1
        ring = _seconds(ring_s)
        if ring is not None:
            self.ring_sum += ring

    def merge(self, other: Tally) -> None:
        self.offered += other.offered
        self.answered += other.answered
        self.abandoned += other.abandoned
        self.overflow += other.overflow
        self.wait_sum += other.wait_sum
        self.wait_count += other.wait_count
        self.answered_wait_sum += other.answered_wait_sum
        self.talk_sum += other.talk_sum
        self.talk_count += other.talk_count
        self.ring_sum += other.ring_sum
        self.answered_waits.merge(other.answered_waits)
        self.abandoned_waits.merge(other.abandoned_waits)
        self.all_waits.merge(other.all_waits)

    def take(self, other: Tally) -> None:
        """Remove the calls `other` tallied, which this tally must count (`merge` undone)."""
        for name in TALLY_NUMBERS:
            left = getattr(self, name) - getattr(other, name)
            if left < 0:
                raise RuntimeError("a rollup would count fewer than no calls")
            setattr(self, name, left)
        for name in TALLY_HISTOGRAMS:
            getattr(self, name).take(getattr(other, name))


TALLY_NUMBERS = (
    "offered",
    "answered",
    "abandoned",
    "overflow",
    "wait_sum",
    "wait_count",
    "answered_wait_sum",
    "talk_sum",
    "talk_count",
    "ring_sum",
)
"""A `Tally`'s counts and sums, by field name."""

TALLY_HISTOGRAMS = ("answered_waits", "abandoned_waits", "all_waits")
"""A `Tally`'s wait histograms, by field name."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    service_level_s: int  # T: answered (or abandoned, for SL2) with wait <= T are within it
    short_abandon_s: int  # abandons with wait <= this are short; negative: none are

    def __post_init__(self) -> None:
        if self.service_level_s < 0:
            raise ValueError(
                f"service level threshold must not be negative: {self.service_level_s}"
            )


@dataclass(frozen=True, slots=True)
class Metrics:
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    overflow: int
    answer_rate: float | None  # answered / offered
    abandon_rate: float | None  # (abandoned - short) / (offered - short)
    asa_s: float | None  # mean wait of the answered calls that have one
    service_level: float | None  # SL: answered within T / answered
    service_level_2: float | None  # SL2: (answered + abandoned within T) / (answered + abandoned)
    service_level_offered: float | None  # vendor: answered within T / (offered - short)
    avg_wait_s: float | None  # mean wait of every call that has one
    p90_wait_s: int | None  # nearest-rank, whole seconds rounded up
    avg_talk_s: float | None
    total_talk_s: float | None  # None in a release with noise (`dp_release`)


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def metrics(tally: Tally, thresholds: Thresholds) -> Metrics:
    """The report figures of one cell; None wherever the denominator is 0."""
    t = thresholds.service_level_s
    short = tally.abandoned_waits.at_most(thresholds.short_abandon_s)
    answered_in_t = tally.answered_waits.at_most(t)
    abandoned_in_t = tally.abandoned_waits.at_most(t)
    return Metrics(
        offered=tally.offered,
        answered=tally.answered,
        abandoned=tally.abandoned,
        short_abandoned=short,
        overflow=tally.overflow,
        answer_rate=_ratio(tally.answered, tally.offered),
        abandon_rate=_ratio(tally.abandoned - short, tally.offered - short),
        asa_s=_ratio(tally.answered_wait_sum, tally.answered_waits.total()),
        service_level=_ratio(answered_in_t, tally.answered),
        service_level_2=_ratio(answered_in_t + abandoned_in_t, tally.answered + tally.abandoned),
        service_level_offered=_ratio(answered_in_t, tally.offered - short),
        avg_wait_s=_ratio(tally.wait_sum, tally.wait_count),
        p90_wait_s=tally.all_waits.percentile(90),
        avg_talk_s=_ratio(tally.talk_sum, tally.talk_count),
        total_talk_s=tally.talk_sum,
    )


# --- report periods -------------------------------------------------------------------------


class Period(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    HOUR_OF_DAY = "hour-of-day"
    DAY_OF_WEEK = "day-of-week"


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # fixed: not the locale's


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def period_key(at: datetime, period: Period, zone: tzinfo) -> str:
    """The key of the report period holding the aware instant `at`, on `zone`'s wall clock.

    Keys of one period and zone sort as strings in time order. HOUR is the local wall hour
    ('2026-03-29T02:00'); in the repeated hour of an autumn change the second occurrence gets
    its UTC offset appended ('2026-10-25T01:00' then '2026-10-25T01:00+00:00'), so the two stay
    apart and in order, and each key reads back with `datetime.fromisoformat` (fold 0 first).
    WEEK is the ISO week ('2026-W53' holds 2027-01-01); DAY_OF_WEEK is '1-Mon'..'7-Sun'.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("period_key needs an aware datetime")
    local = at.astimezone(zone)
    if period is Period.HOUR:
        key = f"{local.date().isoformat()}T{local.hour:02d}:00"
        offset = local.utcoffset()
        if local.fold and offset is not None and local.replace(fold=0).utcoffset() != offset:
            key += _offset(offset)
        return key
    if period is Period.DAY:
        return local.date().isoformat()
    if period is Period.WEEK:
        iso = local.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if period is Period.MONTH:
        return f"{local.year:04d}-{local.month:02d}"
    if period is Period.HOUR_OF_DAY:
        return f"{local.hour:02d}"
    if period is Period.DAY_OF_WEEK:
        weekday = local.isoweekday()
        return f"{weekday}-{WEEKDAYS[weekday - 1]}"
    raise ValueError(f"unknown period: {period!r}")  # pragma: no cover
