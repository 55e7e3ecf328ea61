"""What a report may show of its cells, decided at release: no cell of 1 to k-1 calls, and no
label the gate refused. Pure.

A report cell is a group (a queue, an agent, a caller, or one of the labels below) in a period.
Every report applies the same two rules, whatever it is by, its period or its output format:

- **k at release** (`pooled`). A cell offered 1 to k-1 calls (k: the register's
  `k_anonymity_threshold`) could single out the few calls in it: the one caller who rang a
  queue at three in the morning, the agent who took one call that day. It is removed, not
  shown empty, and its calls are pooled into one `SUPPRESSED` row of its period, itself shown
  only if it reaches k (a pool under k would be the one hidden cell again, or too few to
  hide). A cell of no calls stays: it singles out nobody. The report says k and how many cells
  it hid, so a reader knows something was withheld, not that nothing happened. The stored
  figures are untouched (the anonymous rollups, the calls): only what leaves is suppressed.
- **Labels the gate refused** (`withheld`). A cell labelled with a subject the gate refuses
  for the report's purpose (erased, restricted, objected to, another tenant's) loses its label:
  its calls are pooled into one `WITHHELD` row of its period, which the k rule then treats like
  any other cell.

What k does not do: it hides a cell from one release, not from a reader who has two. Two
overlapping releases (a day by queue and its hours, the 1st to the 7th and the 1st to the 8th,
a report before and after one more call landed) can be subtracted to give back a hidden
cell, and the pool of a period is the total of its hidden cells. Only noise bounds what
differencing reveals (`dp_release`, applied before this module's rules, which are then
post-processing of noisy counts and keep its guarantee).

The rules are generic in what a cell holds (a `Tally`, or a release's noisy counts): they need
only its number of calls offered and a way to add cells together.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Final, TypeVar

from dataward.domain.calls.acd import Tally

T = TypeVar("T")

Cell = tuple[str, str]
"""(group, period): a report cell's key."""

SUPPRESSED: Final = "(suppressed)"
"""The group of the calls of a period's cells under k, when together they reach k."""
WITHHELD: Final = "(withheld)"
"""The group of the calls of a period whose subject labels the gate refused."""
NO_PARTY: Final = "(none)"
"""The group of calls without the party reported on (a withheld or unknown caller, an
unanswered call's agent)."""


def pooled(
    cells: Mapping[Cell, T],
    k: int,
    offered: Callable[[T], int],
    merged: Callable[[Iterable[T]], T],
) -> tuple[dict[Cell, T], int]:
    """The cells a report may show: each offered 1 to k-1 calls removed and pooled into its
    period's `SUPPRESSED` cell, shown only if the pool reaches k. Returns them and how many
    cells were removed. `merged` must build a new cell, leaving the ones it adds untouched."""
    if k < 1:
        raise ValueError(f"k must be at least 1: {k}")
    kept: dict[Cell, T] = {}
    pools: dict[str, list[T]] = {}
    hidden = 0
    for (group, period), value in cells.items():
        if 0 < offered(value) < k:
            pools.setdefault(period, []).append(value)
            hidden += 1
        else:
            kept[(group, period)] = value
    for period, values in pools.items():
        pool = merged(values)
        if offered(pool) < k:
            continue
        key = (SUPPRESSED, period)
        found = kept.get(key)  # only a queue could be named so: both reach k, so add them
        kept[key] = pool if found is None else merged([found, pool])
    return kept, hidden


def withheld(
    cells: Mapping[Cell, T], refused: Collection[str], merged: Callable[[Iterable[T]], T]
) -> dict[Cell, T]:
    """The cells with every group in `refused` gone: their calls pooled into one `WITHHELD`
    cell per period (not yet under the k rule: `pooled` comes after)."""
    if not refused:
        return dict(cells)
    out: dict[Cell, T] = {}
    gone: dict[str, list[T]] = {}
    for (group, period), value in cells.items():
        if group in refused:
            gone.setdefault(period, []).append(value)
        else:
            out[(group, period)] = value
    for period, values in gone.items():
        key = (WITHHELD, period)
        found = out.get(key)
        out[key] = merged(values if found is None else [found, *values])
    return out


def merged_tallies(tallies: Iterable[Tally]) -> Tally:
    """A new tally of every call of `tallies` (which stay as they were)."""
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total


def tally_offered(tally: Tally) -> int:
    return tally.offered


def pooled_tallies(cells: Mapping[Cell, Tally], k: int) -> tuple[dict[Cell, Tally], int]:
    """`pooled` for cells of exact tallies."""
    return pooled(cells, k, tally_offered, merged_tallies)


def withheld_tallies(cells: Mapping[Cell, Tally], refused: Collection[str]) -> dict[Cell, Tally]:
    """`withheld` for cells of exact tallies."""
    return withheld(cells, refused, merged_tallies)


Counts = tuple[int, ...]
"""A released cell's noisy counts (`dp_release.counts_of` order: offered first), each held at
0 or more."""


def counts_offered(counts: Counts) -> int:
    return counts[0]


def merged_counts(cells: Iterable[Counts]) -> Counts:
    """The counts of cells added together, count by count."""
    return tuple(sum(column) for column in zip(*cells, strict=True))


def pooled_counts(cells: Mapping[Cell, Counts], k: int) -> tuple[dict[Cell, Counts], int]:
    """`pooled` for a release's noisy counts: after the noise, so the release stays as private
    as its noise made it (what is done to a private output without the data is private too)."""
    return pooled(cells, k, counts_offered, merged_counts)
