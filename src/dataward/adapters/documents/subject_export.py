"""A subject's access or portability package as a ZIP: `data.json` (every dataset and the
supplementary information), one CSV per dataset, and `report.html` to read in a browser.

Deterministic: the same package gives the same bytes (entries in a fixed order, each stamped
with the package's own time, JSON with sorted keys). The HTML is escaped by Jinja2's
autoescape; CSV cells that a spreadsheet would run as a formula are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup, escape

from dataward.adapters.documents.styles import style_source, with_stylesheets
from dataward.domain.requests.package import Cell, Dataset, SubjectPackage

_FORMULA = re.compile(r"^(?:[=@\t\r]|[+\-](?![0-9 ()]*$))")
"""A cell a spreadsheet would evaluate; a plain number such as +441632960001 is left alone."""

HEADINGS = {
    "purposes": "(a) Why we process your data",
    "categories": "(b) The kinds of data concerned",
    "recipients": "(c) Who receives it, including abroad",
    "retention": "(d) How long we keep it",
    "rights": "(e) Your rights",
    "complaint": "(f) Complaining to the Information Commissioner's Office",
    "source": "(g) Where the data came from",
    "automated_decisions": "(h) Automated decision-making, including profiling",
    "transfer_safeguards": "Safeguards for transfers abroad (Art. 15(2))",
}
TITLES = {"access": "Your personal data", "portability": "Your data to take elsewhere"}


def render_export(package: SubjectPackage) -> bytes:
    """The package as ZIP bytes."""
    stamp = package.generated_at.astimezone(UTC)
    date_time = (
        max(stamp.year, 1980),
        stamp.month,
        stamp.day,
        stamp.hour,
        stamp.minute,
        stamp.second,
    )
    entries: list[tuple[str, bytes]] = [
        ("data.json", render_json(package).encode("utf-8")),
        *((f"{d.name}.csv", render_csv(d).encode("utf-8")) for d in package.datasets),
        ("report.html", render_html(package).encode("utf-8")),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def render_json(package: SubjectPackage) -> str:
    """Compact JSON (an indent would make the standard library use its slow pure-Python
    encoder, and a thousand calls would cost tens of milliseconds more); any JSON viewer
    lays it out, and report.html is the readable copy."""
    return json.dumps(package.to_dict(), sort_keys=True, ensure_ascii=False) + "\n"


def render_csv(dataset: Dataset) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(dataset.columns)
    for row in dataset.rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if isinstance(value, str) and _FORMULA.match(text) else text


def render_html(package: SubjectPackage) -> str:
    return _template().render(
        title=TITLES.get(package.kind, "Your data"),
        package=package,
        supplementary=package.supplementary,
        sections=[(k, HEADINGS.get(k, k.replace("_", " "))) for k in package.supplementary],
        text=_text,
        body_rows={d.name: _rows_html(d) for d in package.datasets},
        style_source=style_source("subject_export"),
    )


def _rows_html(dataset: Dataset) -> Markup:
    """A dataset's table rows, each cell escaped here: one join per table rather than a
    template call per cell (a thousand calls are tens of thousands of cells)."""
    return Markup(  # noqa: S704 - every cell is escaped just above
        "\n".join(
            "<tr>" + "".join(f"<td>{escape(_text(value))}</td>" for value in row) + "</tr>"
            for row in dataset.rows
        )
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


@cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("dataward", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return with_stylesheets(environment).get_template("subject_export.html.j2")
