"""An ACD report as the services produce it and the documents render it: cells of metrics by
group (a queue, an agent, a caller) and period, with what was suppressed under k and how many
labels the gate withheld (`small_cells`). Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dataward.domain.calls.acd import Metrics, Period, Thresholds


class ReportBy(StrEnum):
    QUEUE = "queue"
    AGENT = "agent"
    CALLER = "caller"


@dataclass(frozen=True, slots=True)
class ReportCell:
    group: str
    period: str
    metrics: Metrics


@dataclass(frozen=True, slots=True)
class AcdReport:
    tenant_id: str
    by: ReportBy
    period: Period
    first: date | None
    last: date | None
    thresholds: Thresholds
    k: int
    """The register's `k_anonymity_threshold`: no cell shown was offered 1 to k-1 calls."""
    cells: list[ReportCell]
    suppressed: int
    """How many cells under k were removed (their calls in their period's pool, if it
    reached k)."""
    source: str
    dp_epsilon: float | None = None
    """The privacy budget the release spent, when released with noise (`dp_release`)."""
    purpose: str | None = None
    """The purpose the gate decided the subject labels for (reports by agent or caller);
    None for a report by queue, which names nobody."""
    withheld: int | None = None
    """How many labels the gate refused: they and their calls are left out of this report
    (a report by queue, from the anonymous rollups, still counts the calls); None for a
    report by queue."""
