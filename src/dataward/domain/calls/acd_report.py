"""An ACD report as the services produce it and the documents render it: cells of metrics by
group (a queue, an agent, a caller) and period, with what was suppressed. Pure data."""

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
    k: int | None
    cells: list[ReportCell]
    suppressed: int
    source: str
    dp_epsilon: float | None = None
    """The privacy budget the release spent, when released with noise (`dp_release`)."""
