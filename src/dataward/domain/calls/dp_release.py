"""An ACD report released with differential privacy: its counts with noise, nothing else.

Each cell of a report is released as seven counts (offered, answered, abandoned, short
abandoned, overflow, answered within the service level, abandoned within it); rates are worked
out from the noisy counts, and the figures built on sums of seconds (ASA, waits, talk) are not
released, since one long call could move them without bound. One call is in one cell of a
report and moves at most four of its counts by one (offered; one of answered, abandoned or
overflow; short abandoned; within the service level), so the whole release has an L1
sensitivity of `SENSITIVITY` to adding or removing a call. The guarantee is for a call (event
level): a caller with many calls is covered for each call, not as a person. Pure: the noise
itself comes from the `Noise` port (OpenDP).
"""

from __future__ import annotations

from typing import Final

from dataward.domain.calls.acd import Metrics, Tally, Thresholds
from dataward.domain.errors import OutOfRange

SENSITIVITY: Final = 4
"""The most a single call moves a report's counts, summed (L1)."""
COUNTS: Final = 7
LEAST_EPSILON: Final = 0.01
MOST_EPSILON: Final = 10.0


def check_epsilon(epsilon: float) -> float:
    """A privacy budget a release may spend: from 0.01 (very noisy) to 10 (barely)."""
    if not LEAST_EPSILON <= epsilon <= MOST_EPSILON:  # NaN fails both
        raise OutOfRange("dp_epsilon", f"a number from {LEAST_EPSILON} to {MOST_EPSILON:g}")
    return epsilon


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
