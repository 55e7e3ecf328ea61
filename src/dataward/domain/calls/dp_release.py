"""An ACD report released with differential privacy: its counts with noise, nothing else.

What is released does not depend on the data but through the noise: a report by queue, for a
bounded range of dates, with a cell for every queue the tenant has and every period of the
range, zero-filled (`release_keys`). (Reports by agent or by caller name people in their rows:
they are not released this way.) The register's k is applied after the noise, to the noisy
counts (`small_cells.pooled_counts`): post-processing, so the cells hidden and their number
depend on the data only through the noise too. Each cell is released as
seven counts (offered, answered, abandoned, short abandoned, overflow, answered within the
service level, abandoned within it); rates are worked out from the noisy counts, and the figures
built on sums of seconds (ASA, waits, talk) are not released, since one long call could move
them without bound. The unit protected is a queue visit: it is in one cell and moves at most
four of its counts by one (offered; one of answered, abandoned or overflow; short abandoned;
within the service level), so a release has an L1 sensitivity of `SENSITIVITY` to adding or
removing a visit. A call that overflowed through m queues is m visits, protected at m times
the budget; a caller with many calls, at as many times. A tenant's releases spend at most
`BUDGET` in any 365 days. Pure: the noise itself comes from the `Noise` port (OpenDP).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Final

from dataward.domain.calls.acd import WEEKDAYS, Metrics, Period, Tally, Thresholds, period_key
from dataward.domain.errors import DatawardError, OutOfRange

SENSITIVITY: Final = 4
"""The most a single queue visit moves a report's counts, summed (L1)."""
BUDGET: Final = 10.0
"""The most a tenant's releases may spend, summed, in any `BUDGET_DAYS` days."""
BUDGET_DAYS: Final = 365
MOST_DAYS: Final = 366
"""The longest range a release may cover (its cells are every period of the range)."""
COUNTS: Final = 7
LEAST_EPSILON: Final = 0.01
MOST_EPSILON: Final = 10.0


def check_epsilon(epsilon: float) -> float:
    """A privacy budget a release may spend: from 0.01 (very noisy) to 10 (barely)."""
    if not LEAST_EPSILON <= epsilon <= MOST_EPSILON:  # NaN fails both
        raise OutOfRange("dp_epsilon", f"a number from {LEAST_EPSILON} to {MOST_EPSILON:g}")
    return epsilon


class ReleaseRefused(DatawardError):
    code = "release_refused"


def release_keys(first: date, last: date, period: Period, zone: tzinfo) -> list[str]:
    """Every period key of the local dates `first`..`last` (both included), in order: the
    cells a release has whether or not a call fell in them."""
    if last < first or (last - first).days >= MOST_DAYS:
        raise ReleaseRefused(f"a release covers 1 to {MOST_DAYS} days, both ends given")
    if period is Period.HOUR_OF_DAY:
        return [f"{hour:02d}" for hour in range(24)]
    if period is Period.DAY_OF_WEEK:
        return [f"{n}-{name}" for n, name in enumerate(WEEKDAYS, start=1)]
    keys: dict[str, None] = {}
    day = first
    while day <= last:
        start = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        after = day + timedelta(days=1)
        end = datetime(after.year, after.month, after.day, tzinfo=zone).astimezone(UTC)
        if period is Period.HOUR:
            at = start
            while at < end:
                keys[period_key(at, period, zone)] = None
                at += timedelta(hours=1)
        else:
            keys[period_key(start, period, zone)] = None
        day = after
    return list(keys)


def counts_of(tally: Tally, thresholds: Thresholds) -> list[int]:
    """The cell's seven counts, in the order `released` takes them back."""
    t = thresholds.service_level_s
    return [
        tally.offered,
        tally.answered,
        tally.abandoned,
        tally.abandoned_waits.at_most(thresholds.short_abandon_s),
        tally.overflow,
        tally.answered_waits.at_most(t),
        tally.abandoned_waits.at_most(t),
    ]


def _rate(numerator: int, denominator: int) -> float | None:
    if denominator <= 0:
        return None
    return min(1.0, max(0.0, numerator / denominator))


def released(noisy: list[int]) -> Metrics:
    """The figures of a cell from its noisy counts (each at least 0); rates held to 0..1."""
    offered, answered, abandoned, short, overflow, answered_in_t, abandoned_in_t = (
        max(0, n) for n in noisy
    )
    return Metrics(
        offered=offered,
        answered=answered,
        abandoned=abandoned,
        short_abandoned=short,
        overflow=overflow,
        answer_rate=_rate(answered, offered),
        abandon_rate=_rate(abandoned - short, offered - short),
        asa_s=None,
        service_level=_rate(answered_in_t, answered),
        service_level_2=_rate(answered_in_t + abandoned_in_t, answered + abandoned),
        service_level_offered=_rate(answered_in_t, offered - short),
        avg_wait_s=None,
        p90_wait_s=None,
        avg_talk_s=None,
        total_talk_s=None,
    )
