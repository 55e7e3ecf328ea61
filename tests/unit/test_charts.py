"""The server-drawn bar charts: labels escaped, scales round and fitting, empty data drawn as
such, every bar's length and figure the value's, and nothing a page's policy would refuse
(no script, no style element, no reference to anything outside the page)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from dataward.domain.calls.acd import Metrics, Period, Thresholds
from dataward.domain.calls.acd_report import AcdReport, ReportBy, ReportCell
from dataward.entrypoints.views.charts import (
    LABEL_WIDTH,
    VALUE_WIDTH,
    Chart,
    Row,
    bar_chart,
    nice_ceiling,
)
from dataward.entrypoints.views.report_charts import chosen_cells, report_charts, report_rows

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own markup, parsed to check its shape


def test_labels_and_titles_are_escaped() -> None:
    hostile = '<script>alert(1)</script>" onload="x'
    chart = Chart(title=f"Calls {hostile}", series=(hostile,), rows=(Row(hostile, (3.0,)),))
    markup = str(bar_chart(chart, "c1"))
    assert "<script>" not in markup
    assert 'onload="x' not in markup
    root = _parsed(markup)  # still well-formed
    assert root.find(f"{SVG}title") is not None
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any("<script>" in t for t in texts)  # shown as text, after escaping


def test_the_chart_is_an_image_named_and_described() -> None:
    root = _parsed(str(bar_chart(Chart("Offered", ("Offered",), (Row("q", (1.0,)),)), "c2")))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c2-title c2-desc"
    assert root.find(f"{SVG}title").get("id") == "c2-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").get("id") == "c2-desc"  # type: ignore[union-attr]


def test_nothing_a_strict_policy_refuses() -> None:
    markup = str(bar_chart(Chart("t", ("a", "b"), (Row("q", (1.0, 2.0)),)), "c3"))
    assert "<script" not in markup
    assert "<style" not in markup
    assert " style=" not in markup
    assert "href" not in markup
    assert "url(" not in markup


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [
        (0, 1),
        (-3, 1),
        (1, 1),
        (3, 5),
        (7, 10),
        (12, 20),
        (21, 25),
        (26, 50),
        (99, 100),
        (100, 100),
        (101, 200),
        (0.3, 0.5),
        (2500, 2500),
        (2501, 5000),
    ],
)
def test_the_scale_ends_on_a_round_number_at_or_above_the_largest(
    value: float, ceiling: float
) -> None:
    assert nice_ceiling(value) == pytest.approx(ceiling)


def _bars(markup: str) -> list[float]:
    return [float(r.get("width", "0")) for r in _parsed(markup).iter(f"{SVG}rect")][1:]


def test_bars_are_as_long_as_their_values_on_the_scale() -> None:
    width = 720
    plot = width - LABEL_WIDTH - VALUE_WIDTH
    chart = Chart("t", ("Offered",), (Row("a", (40.0,)), Row("b", (10.0,)), Row("c", (0.0,))))
    markup = str(bar_chart(chart, "c4", width=width))
    assert _bars(markup) == [pytest.approx(plot * 40 / 50), pytest.approx(plot * 10 / 50)]
    values = [t.text for t in _parsed(markup).iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["40", "10", "0"]
    ticks = re.findall(r'text-anchor="middle" fill="#1f1f1f">([^<]+)<', markup)
    assert ticks == ["0", "10", "20", "30", "40", "50"]


def test_a_fixed_scale_is_kept_and_a_missing_figure_is_a_dash() -> None:
    chart = Chart("Rates", ("Answer rate",), (Row("a", (50.0,)), Row("b", (None,))), "%", 100.0)
    markup = str(bar_chart(chart, "c5", width=720))
    plot = 720 - LABEL_WIDTH - VALUE_WIDTH
    assert _bars(markup) == [pytest.approx(plot / 2)]
    values = [t.text for t in _parsed(markup).iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["50%", "-"]


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (5, ["0", "1", "2", "3", "4", "5"]),
        (2, ["0", "0.5", "1", "1.5", "2"]),
        (2.5, ["0", "0.5", "1", "1.5", "2", "2.5"]),
        (1, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
        (100, ["0", "20", "40", "60", "80", "100"]),
        (200, ["0", "50", "100", "150", "200"]),
    ],
)
def test_every_tick_is_a_round_number(top: float, ticks: list[str]) -> None:
    markup = str(bar_chart(Chart("t", ("a",), (Row("q", (float(top),)),)), "c7"))
    assert re.findall(r'text-anchor="middle" fill="#1f1f1f">([^<]+)<', markup) == ticks


def test_no_rows_says_so() -> None:
    root = _parsed(str(bar_chart(Chart("Empty", ("Offered",), ()), "c6")))
    assert "No figures." in [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(f"{SVG}desc").text == "No figures to draw."  # type: ignore[union-attr]


def test_the_id_is_the_pages_own() -> None:
    with pytest.raises(ValueError, match="plain identifier"):
        bar_chart(Chart("t", ("a",), ()), '"><script>')


def _cell(group: str, period: str, offered: int, answered: int) -> ReportCell:
    rate = answered / offered if offered else None
    metrics = Metrics(
        offered, answered, offered - answered, 0, 0, rate, None, None, 0.5, None, None, None,
        None, None, None,
    )  # fmt: skip
    return ReportCell(group, period, metrics)


def test_a_reports_charts_and_rows_carry_the_same_figures() -> None:
    cells = [_cell("sales", "2026-10", 12, 9), _cell("<i>support</i>", "2026-10", 7, 7)]
    report = AcdReport(
        "tenant-a", ReportBy.QUEUE, Period.MONTH, None, None, Thresholds(20, 5), 5, cells, 1, "x"
    )
    counts, rates = (str(chart) for chart in report_charts(report, cells))
    values = [t.text for t in _parsed(counts).iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["12", "9", "7", "7"]
    assert "<i>support" not in counts
    rate_values = [t.text for t in _parsed(rates).iter(f"{SVG}text") if t.get("class") == "value"]
    assert rate_values == ["75%", "50%", "100%", "50%"]
    rows = report_rows(chosen_cells(report, "sales"))
    assert [(r.group, r.offered, r.answered, r.answer_rate) for r in rows] == [
        ("sales", 12, 9, "75.0")
    ]
    assert chosen_cells(report, "nobody") == []
