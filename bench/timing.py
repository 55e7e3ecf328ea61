"""Helpers shared by the benchmarks: percentiles of repeated calls printed as ratios, a
process's own peak memory, and the summary table of figures, goals and whether each was met."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


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


def faster(subject: float, baseline: float) -> str:
    """How the subject's time compares with the baseline's: `12.3x faster` or `2x slower`."""
    if subject <= 0 or baseline <= 0:
        return "-"
    ratio = baseline / subject
    return f"{ratio:.3g}x faster" if ratio >= 1 else f"{1 / ratio:.3g}x slower"


def peak_rss_kib() -> int:
    """This process's own peak resident set since its program started (Linux `VmHWM`), KiB.

    Not `getrusage(...).ru_maxrss`, neither the child's own nor its parent's `RUSAGE_CHILDREN`:
    Linux carries a process's maxrss over `exec`, so a child's would be at least its parent's
    peak at the moment it was spawned (the benchmark's parent, holding a generator's tables)."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass(frozen=True)
class Row:
    """One line of a summary: a figure beside its baseline from the same run, and its goal.

    `met` is None when it could not be judged (no baseline); `indicative` marks a figure
    measured at another size than the one its goal names."""

    backend: str
    figure: str
    value: str
    baseline: str
    versus: str
    goal: str
    met: bool | None
    indicative: bool = False


def summary(title: str, rows: Sequence[Row]) -> None:
    """The table of every figure: value, baseline, ratio, goal and met?."""
    head = ("backend", "figure", "value", "baseline", "vs baseline", "goal", "met?")
    cells = [
        (
            r.backend,
            r.figure,
            r.value,
            r.baseline,
            r.versus,
            r.goal,
            ("?" if r.met is None else "yes" if r.met else "no") + ("*" if r.indicative else ""),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [head, *cells]) for i in range(len(head))]
    print(f"-- summary: {title}")
    for line in [head, *cells]:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    if any(r.indicative for r in rows):
        print("  * measured at another size than the goal's: indicative only")
    if any(r.met is None for r in rows):
        print("  ? not judged: a figure with no goal of its own, or whose baseline was skipped")
