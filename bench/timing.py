"""Timing helpers shared by the benchmarks: percentiles of repeated calls, printed as ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    samples: list[float]

    def percentile(self, q: float) -> float:
        ordered = sorted(self.samples)
        index = min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))
        return ordered[index]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def measure(name: str, call: Callable[[], object], *, repeat: int, warmup: int = 3) -> Timing:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return Timing(name, samples)


def report(subject: Timing, baseline: Timing, *, goal: str = "") -> None:
    """Print the subject beside its baseline from the same run, and the ratio of medians."""

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.3f} ms"

    print(f"{subject.name}: median {ms(subject.median)}, p99 {ms(subject.percentile(99))}")
    print(
        f"  baseline {baseline.name}: median {ms(baseline.median)}, "
        f"p99 {ms(baseline.percentile(99))}"
    )
    ratio = subject.median / baseline.median if baseline.median else float("inf")
    print(f"  ratio subject/baseline: {ratio:.3g}x" + (f"  (goal: {goal})" if goal else ""))
