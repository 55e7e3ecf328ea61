"""What a report may show of its cells, decided at release: no cell of 1 to k-1 calls, and no
label the gate refused, in any form. Pure.

A report cell is a group (a queue, an agent, a caller, or the pool below) in a period. Every
report applies the same rules, whatever it is by, its period or its output format:

- **k at release** (`pooled`). A cell offered 1 to k-1 calls (k: the register's
  `k_anonymity_threshold`) could single out the few calls in it: the agent who took one call
  that day, a caller's own row of two calls. It is removed, not shown empty, and its calls are
  pooled into one `SUPPRESSED` row of its period, itself shown only if it reaches k (a pool
  under k would be the one hidden cell again, or too few to hide). A cell of no calls stays:
  it singles out nobody. The report says k and how many cells it hid, so a reader knows
  something was withheld, not that nothing happened. The stored figures are untouched (the
  anonymous rollups, the calls): only what leaves is suppressed.
- **Labels, after k** (`shown_groups`, `without`). Only a cell the k rule shows carries its
  label, so only those labels need the gate's decision: a cell under k is released, if at all,
  pooled and unlabelled, as a queue report releases the same calls. A group the gate refuses
  (erased, restricted, objected to, another tenant's) is then left out entirely (`without`):
  every cell of it, in every period, before `pooled`, so none of its calls reach the pool
  either. Its calls are not pooled into a row of their own: such a row would be the refused
  subject's own figures whenever one subject is refused.

What k does not do. It hides a cell from one reader of one release who knows nothing else.
A pool is the sum of the cells it hides: anyone who knows or controls the other cells in it can
open it, and so can anyone with the period's total from another release (a queue report of the
same day less the rows shown). A reader who can also ingest calls (an operator, a tenant's
administrator) can add calls of their own to a period, push its pool to k, and subtract them to
recover the hidden cells from a single report. Two overlapping releases (a day by queue and its
hours, the 1st to the 7th and the 1st to the 8th, a report before and after one more call
landed) can be subtracted to give back a hidden cell too, and a report by agent or caller from
the queue report of its period gives back the calls of the labels it left out. Only noise
bounds what such differencing reveals (`dp_release`, a report by queue released with
`--dp-epsilon`, applied before this module's rules, which are then post-processing of noisy
counts and keep its guarantee); nothing bounds it for a report without noise.

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
NO_PARTY: Final = "(none)"
"""The group of calls without the party reported on (a caller who withheld or sent no number,
an erased caller, an unanswered call's agent)."""


def hidden_cell(offered: int, k: int) -> bool:
    """The k rule: a cell of 1 to k-1 calls is not released under its label (an empty one
    singles out nobody)."""
    return 0 < offered < k


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
        if hidden_cell(offered(value), k):
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


def shown_groups(cells: Mapping[Cell, T], k: int, offered: Callable[[T], int]) -> set[str]:
    """The groups with a cell `pooled` would show under its own label (offered none, or k
    and more): the only labels a report releases, so the only ones to put to the gate."""
    return {
        group for (group, _period), value in cells.items() if not hidden_cell(offered(value), k)
    }


def without(cells: Mapping[Cell, T], refused: Collection[str]) -> dict[Cell, T]:
    """The cells with every group in `refused` left out, in every period: their calls are
    in no cell, no pool, no count of hidden cells (`pooled` comes after)."""
    return {cell: value for cell, value in cells.items() if cell[0] not in refused}


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


def shown_tally_groups(cells: Mapping[Cell, Tally], k: int) -> set[str]:
    """`shown_groups` for cells of exact tallies."""
    return shown_groups(cells, k, tally_offered)


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
