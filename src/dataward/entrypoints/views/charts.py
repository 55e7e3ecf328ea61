"""Bar charts as inline SVG, drawn on the server: no script, nothing fetched, no style element.

The console's pages allow no script and only our hashed stylesheets, so a chart is markup
alone: every colour and size an attribute. A chart is an image to assistive technology
(`role="img"`, named by its `<title>` and described by its `<desc>`); the page shows the same
figures as a table beside it, which is what a screen reader reads. Every label is escaped.

Bars are horizontal, one row per label with one bar per series, so long labels (a queue's
name, an agent's reference) stay readable. The scale runs from 0 to a round number at or above
the largest value (1, 2, 2.5 or 5 times a power of ten), or to `scale_max` when the figures
have a fixed top (percentages).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#1d5a8c", "#b3541e", "#3b6e22", "#6b3fa0")
"""Series colours: each has a contrast of at least 4.5:1 with white (WCAG 1.4.11 needs 3)."""
INK = "#1f1f1f"
GRID = "#8a8a8a"

ROW = 22  # one bar's height, with its gap
LABEL_WIDTH = 220
VALUE_WIDTH = 70
TOP = 44  # the legend's band
AXIS = 24  # the tick labels' band


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    values: tuple[float | None, ...]
    """One per series; None where the figure does not exist (drawn as no bar, shown as -)."""


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    series: tuple[str, ...]
    rows: tuple[Row, ...]
    unit: str = ""
    """Written after each value (e.g. `%`)."""
    scale_max: float | None = None
    """The top of the scale, when the figures have one (100 for percentages)."""


def nice_ceiling(value: float) -> float:
    """The least of 1, 2, 2.5, 5 times a power of ten at or above `value` (1 for 0 or less)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * power * (1 + 1e-12):
            return step * power
    return 10.0 * power  # pragma: no cover - the loop ends at 10


def divisions(top: float) -> int:
    """How many equal steps the scale from 0 to `top` is cut into, so that every tick is a
    round number: 4 for a top of 2 times a power of ten, else 5 (0.2, 0.5, 1 or 2 of it)."""
    if top <= 0 or not math.isfinite(top):
        return 5
    leading = top / 10.0 ** math.floor(math.log10(top))
    return 4 if math.isclose(leading, 2.0) else 5


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    rounded = round(value, 2)
    text = str(int(rounded)) if float(rounded).is_integer() else f"{rounded:g}"
    return text + unit


def _label(text: str, most: int = 32) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def bar_chart(chart: Chart, chart_id: str, *, width: int = 720) -> Markup:
    """`chart` as an SVG element; `chart_id` makes its title's and description's ids unique
    in the page (it must be a plain identifier of the page's own, not input)."""
    if not chart_id.isidentifier():
        raise ValueError("a chart id is a plain identifier")
    n_series = max(1, len(chart.series))
    plot = width - LABEL_WIDTH - VALUE_WIDTH
    values = [v for row in chart.rows for v in row.values if v is not None]
    top = chart.scale_max if chart.scale_max is not None else nice_ceiling(max(values, default=0))
    group = n_series * ROW + 8
    height = TOP + max(1, len(chart.rows)) * group + AXIS
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
            f' viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc"'
            f' font-family="sans-serif" font-size="12" class="chart">'
        ),
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_description(chart, top))}</desc>',
    ]
    parts.extend(_legend(chart.series))
    if not chart.rows:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 16}" fill="{INK}">No figures.</text>')
    parts.extend(_axis(top, plot, TOP + max(1, len(chart.rows)) * group, chart.unit))
    for i, row in enumerate(chart.rows):
        y0 = TOP + i * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y0 + group / 2 + 4:.0f}" text-anchor="end"'
            f' fill="{INK}">{escape(_label(row.label))}</text>'
        )
        for j, value in enumerate(row.values[:n_series]):
            parts.extend(_bar(value, top, plot, (y0 + j * ROW, j), chart.unit))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped or a number


def _description(chart: Chart, top: float) -> str:
    if not chart.rows:
        return "No figures to draw."
    return (
        f"{len(chart.rows)} rows, bars for {', '.join(chart.series)}, on a scale from 0 to "
        f"{_figure(top, chart.unit)}. The table below gives the same figures."
    )


def _legend(series: Sequence[str]) -> list[str]:
    parts: list[str] = []
    x = LABEL_WIDTH
    for j, name in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="12" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="22" fill="{INK}">{escape(name)}</text>')
        x += 30 + 8 * len(name)
    return parts


def _axis(top: float, plot: int, bottom: int, unit: str) -> list[str]:
    parts: list[str] = []
    steps = divisions(top)
    for k in range(steps + 1):
        x = LABEL_WIDTH + plot * k / steps
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{GRID}"'
            f' stroke-width="1" stroke-dasharray="{"none" if k == 0 else "2 3"}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{INK}">'
            f"{escape(_figure(top * k / steps, unit))}</text>"
        )
    return parts


def _bar(value: float | None, top: float, plot: int, at: tuple[int, int], unit: str) -> list[str]:
    y, j = at
    length = 0.0 if value is None or top <= 0 else max(0.0, min(value / top, 1.0)) * plot
    parts = []
    if length > 0:
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{ROW - 6}"'
            f' fill="{PALETTE[j % len(PALETTE)]}"/>'
        )
    parts.append(
        f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + ROW - 8}" fill="{INK}"'
        f' class="value">{escape(_figure(value, unit))}</text>'
    )
    return parts
