"""An ACD report as the console shows it: its rows' figures in words and numbers, and two
charts drawn from the same figures (`charts`), so a chart never says what the table does not.

The report is the service's release: cells under k already removed, labels the gate refused
already left out. Choosing one group (a queue, an agent) only narrows what was released.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from dataward.domain.calls.acd_report import AcdReport, ReportCell
from dataward.entrypoints.views.charts import Chart, Row, bar_chart

CHART_ROWS = 40
"""The most rows a chart draws."""
TABLE_ROWS = 1000
"""The most rows a page's table shows (the CSV has them all)."""


@dataclass(frozen=True, slots=True)
class ReportRow:
    group: str
    period: str
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    answer_rate: str
    service_level: str
    asa_s: str
    avg_wait_s: str
    p90_wait_s: str
    avg_talk_s: str


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def report_rows(cells: Sequence[ReportCell]) -> list[ReportRow]:
    return [
        ReportRow(
            group=c.group,
            period=c.period,
            offered=c.metrics.offered,
            answered=c.metrics.answered,
            abandoned=c.metrics.abandoned,
            short_abandoned=c.metrics.short_abandoned,
            answer_rate=_percent(c.metrics.answer_rate),
            service_level=_percent(c.metrics.service_level),
            asa_s=_seconds(c.metrics.asa_s),
            avg_wait_s=_seconds(c.metrics.avg_wait_s),
            p90_wait_s="" if c.metrics.p90_wait_s is None else str(c.metrics.p90_wait_s),
            avg_talk_s=_seconds(c.metrics.avg_talk_s),
        )
        for c in cells
    ]


def chosen_cells(report: AcdReport, group: str | None) -> list[ReportCell]:
    """The report's cells, or those of one group (none if the report has no such group)."""
    return [c for c in report.cells if group is None or c.group == group]


def _label(cell: ReportCell, one_group: bool) -> str:
    return cell.period if one_group else f"{cell.group} · {cell.period}"


def report_charts(report: AcdReport, cells: Sequence[ReportCell]) -> list[Markup]:
    """Calls offered and answered, and the answer rate and service level, per row."""
    shown = cells[:CHART_ROWS]
    one_group = len({c.group for c in shown}) <= 1
    counts = Chart(
        title=f"Calls offered and answered, by {report.by.value} and {report.period.value}",
        series=("Offered", "Answered"),
        rows=tuple(
            Row(_label(c, one_group), (float(c.metrics.offered), float(c.metrics.answered)))
            for c in shown
        ),
    )
    rates = Chart(
        title=f"Answer rate and service level (%), by {report.by.value} and {report.period.value}",
        series=("Answer rate", "Service level"),
        rows=tuple(
            Row(
                _label(c, one_group),
                (_hundred(c.metrics.answer_rate), _hundred(c.metrics.service_level)),
            )
            for c in shown
        ),
        unit="%",
        scale_max=100.0,
    )
    return [bar_chart(counts, "chart_counts"), bar_chart(rates, "chart_rates")]


def _hundred(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)
