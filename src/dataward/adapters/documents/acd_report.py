"""ACD reports as CSV, JSON or a plain-text table.

Rates are fractions (0.85, not 85%) in CSV and JSON and percentages in the table; times are
seconds. Cells suppressed under k are not in the report at all (their calls are in the
`(suppressed)` row of their period when that pool reaches k), nor are labels the gate refused,
nor their calls, in any row; k and the counts of both are given (`summary`), so a reader sees
that something was withheld, not that nothing happened. JSON carries them as fields (and
`summary` in words) and the table as its footer; CSV is the rows alone, and whoever serves it
says them beside it (the API in headers, the command line on standard error).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from dataward.domain.calls.acd_report import AcdReport

COLUMNS = (
    "offered",
    "answered",
    "abandoned",
    "short_abandoned",
    "overflow",
    "answer_rate",
    "abandon_rate",
    "asa_s",
    "service_level",
    "service_level_2",
    "service_level_offered",
    "avg_wait_s",
    "p90_wait_s",
    "avg_talk_s",
    "total_talk_s",
)


def _rounded(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def report_dict(report: AcdReport) -> dict[str, Any]:
    return {
        "tenant": report.tenant_id,
        "by": report.by.value,
        "period": report.period.value,
        "from": report.first.isoformat() if report.first else None,
        "to": report.last.isoformat() if report.last else None,
        "service_level_seconds": report.thresholds.service_level_s,
        "short_abandon_seconds": report.thresholds.short_abandon_s,
        "k_anonymity_threshold": report.k,
        "suppressed_cells": report.suppressed,
        "purpose": report.purpose,
        "withheld_labels": report.withheld,
        "summary": summary(report),
        "source": report.source,
        "dp_epsilon": report.dp_epsilon,
        "cells": [
            {
                report.by.value: cell.group,
                "period": cell.period,
                **{k: _rounded(v) for k, v in asdict(cell.metrics).items()},
            }
            for cell in report.cells
        ],
    }


def report_json(report: AcdReport) -> str:
    return json.dumps(report_dict(report), indent=2)


def report_csv(report: AcdReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([report.by.value, "period", *COLUMNS])
    for cell in report.cells:
        values = asdict(cell.metrics)
        writer.writerow(
            [cell.group, cell.period]
            + ["" if values[c] is None else _rounded(values[c]) for c in COLUMNS]
        )
    return out.getvalue()


def report_table(report: AcdReport) -> str:
    header = [
        *(report.by.value, "period", "offered", "answered", "abandoned", "short", "overflow"),
        *("answer%", "SL%", "SL2%", "ASA s", "avg wait s", "p90 wait s", "avg talk s"),
    ]
    rows = [header]
    for cell in report.cells:
        m = cell.metrics
        rows.append(
            [
                cell.group,
                cell.period,
                str(m.offered),
                str(m.answered),
                str(m.abandoned),
                str(m.short_abandoned),
                str(m.overflow),
                _percent(m.answer_rate),
                _percent(m.service_level),
                _percent(m.service_level_2),
                _number(m.asa_s),
                _number(m.avg_wait_s),
                "" if m.p90_wait_s is None else str(m.p90_wait_s),
                _number(m.avg_talk_s),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    footer = (
        f"service level within {report.thresholds.service_level_s} s; short abandon within "
        f"{report.thresholds.short_abandon_s} s; {summary(report)}"
    )
    if report.dp_epsilon is not None:
        footer += (
            f"; counts with differential-privacy noise (epsilon {report.dp_epsilon:g} per queue "
            "visit), averages of seconds left out"
        )
    return "\n".join([*lines, "", footer]) + "\n"


def summary(report: AcdReport) -> str:
    """What the report left out, in words: k and the cells under it, and the labels withheld."""
    text = f"{report.suppressed} cell(s) under k={report.k} suppressed"
    if report.withheld is not None:
        text += (
            f"; {report.withheld} label(s) withheld by the gate for {report.purpose}, their "
            "calls left out of this view (a report by queue counts them)"
        )
    return text


def summary_headers(report: AcdReport) -> dict[str, str]:
    """`summary` as HTTP headers, for a report served as CSV."""
    headers = {
        "X-K-Anonymity-Threshold": str(report.k),
        "X-Suppressed-Cells": str(report.suppressed),
    }
    if report.withheld is not None:
        headers["X-Withheld-Labels"] = str(report.withheld)
    return headers


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


RENDERERS = {"json": report_json, "csv": report_csv, "table": report_table}
