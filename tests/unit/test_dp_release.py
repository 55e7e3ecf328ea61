"""The figures of a cell released with noise: worked out from the noisy counts only, never
negative, rates within 0..1, averages of seconds left out; budgets outside 0.01..10 refused."""

from __future__ import annotations

import math

import pytest

from dataward.domain.calls.acd import Tally, Thresholds
from dataward.domain.calls.dp_release import COUNTS, check_epsilon, counts_of, released
from dataward.domain.errors import OutOfRange


def test_counts_and_their_figures_round_trip_without_noise() -> None:
    tally = Tally()
    tally.offered, tally.answered, tally.abandoned, tally.overflow = 10, 7, 2, 1
    counts = counts_of(tally, Thresholds(service_level_s=20, short_abandon_s=5))
    assert len(counts) == COUNTS
    figures = released(counts)
    assert (figures.offered, figures.answered, figures.abandoned, figures.overflow) == (10, 7, 2, 1)
    assert figures.answer_rate == pytest.approx(0.7)
    assert (figures.asa_s, figures.avg_wait_s, figures.p90_wait_s, figures.avg_talk_s) == (
        None,
        None,
        None,
        None,
    )


def test_noise_below_zero_or_above_the_whole_is_held_in_range() -> None:
    figures = released([3, 5, -2, -1, 0, 9, 0])  # answered > offered, negative counts
    assert figures.abandoned == 0
    assert figures.short_abandoned == 0
    assert figures.answer_rate == 1.0
    assert figures.service_level == 1.0
    empty = released([-4, -1, 0, 0, 0, 0, 0])
    assert empty.offered == 0
    assert empty.answer_rate is None


@pytest.mark.parametrize("epsilon", [0.0, 0.009, 10.01, -1.0, math.nan, math.inf, -math.inf])
def test_a_budget_out_of_range_is_refused(epsilon: float) -> None:
    with pytest.raises(OutOfRange):
        check_epsilon(epsilon)


@pytest.mark.parametrize("epsilon", [0.01, 1.0, 10.0])
def test_a_budget_in_range_is_taken(epsilon: float) -> None:
    assert check_epsilon(epsilon) == epsilon
