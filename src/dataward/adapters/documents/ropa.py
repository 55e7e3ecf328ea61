"""The record of processing activities (Art. 30) as CSV, JSON or a printable HTML page.

Every format uses the field names of `dataward.domain.register.ropa` as its column names, so the ICO
(or a test) can check that each Art. 30 field is present for each purpose.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from functools import cache
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from dataward.adapters.documents.styles import with_stylesheets
from dataward.domain.register.model import Register
from dataward.domain.register.ropa import (
    CONTROLLER_EXTRAS,
    CONTROLLER_FIELDS,
    PROCESSOR_EXTRAS,
    PROCESSOR_FIELDS,
    ControllerEntry,
    ProcessorEntry,
    RecordOfProcessing,
    build_ropa,
)

TITLE = "Record of processing activities"
CONTROLLER_COLUMNS = CONTROLLER_FIELDS + CONTROLLER_EXTRAS
PROCESSOR_COLUMNS = PROCESSOR_FIELDS + PROCESSOR_EXTRAS
CSV_COLUMNS: tuple[str, ...] = (
    "part",
    "key",
    *dict.fromkeys(CONTROLLER_COLUMNS + PROCESSOR_COLUMNS),
)
LIST_SEPARATOR = "; "

# The heading each field gets in the HTML page; the CSV and JSON use the field names.
FIELD_LABELS: dict[str, str] = {
    "controller": "Controller: name and contact details (Art. 30(1)(a))",
    "dco": "Data Compliance Officer: name and contact details (Art. 30(1)(a), 30(2)(a))",
    "joint_controller": "Joint controller (Art. 30(1)(a))",
    "representative": "Representative (Art. 30(1)(a), 30(2)(a))",
    "purposes": "Purpose of the processing (Art. 30(1)(b))",
    "data_subjects": "Categories of data subjects (Art. 30(1)(c))",
    "personal_data": "Categories of personal data (Art. 30(1)(c))",
    "recipients": "Categories of recipients, including in third countries (Art. 30(1)(d))",
    "transfers": "Transfers to third countries and their safeguards (Art. 30(1)(e), 30(2)(c))",
    "erasure_time_limits": "Envisaged time limits for erasure (Art. 30(1)(f))",
    "security_measures": "Technical and organisational security measures (Art. 30(1)(g), 30(2)(d))",
    "lawful_basis": "Lawful basis (Art. 6)",
    "legitimate_interest": "Legitimate interest pursued",
    "consent_based": "Based on consent",
    "sources": "Source of the personal data",
    "required_data": "Data the person must give: a contractual or statutory requirement "
    "(Art. 13(2)(e))",
    "processor": "Processor: name and contact details (Art. 30(2)(a))",
    "controllers": "Each controller on whose behalf we act (Art. 30(2)(a))",
    "processing": "Categories of processing carried out for each controller (Art. 30(2)(b))",
    "sub_processors": "Sub-processors engaged",
}


def render_ropa(
    register: Register,
    fmt: Literal["csv", "json", "html"],
    *,
    controllers: Sequence[tuple[str, str]] = (),
) -> str:
    """The record in `fmt`; `controllers` names the customers (name, contact) we process for."""
    record = build_ropa(register, controllers)
    if fmt == "csv":
        return _csv(record)
    if fmt == "json":
        return json.dumps(_document(record), indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        template = _environment().get_template("ropa.html.j2")
        return template.render(
            title=TITLE,
            record=record,
            parts=_parts(record),
            labels=FIELD_LABELS,
        )
    raise ValueError(f"unknown record format {fmt!r}; use 'csv', 'json' or 'html'")


def _parts(record: RecordOfProcessing) -> list[dict[str, Any]]:
    """Each part with its heading, its columns and its entries as (key, heading, columns)."""
    return [
        {
            "id": "controller",
            "heading": "Part 1: as controller (UK GDPR Art. 30(1))",
            "columns": CONTROLLER_COLUMNS,
            "entries": [_html_entry(entry) for entry in record.controller],
        },
        {
            "id": "processor",
            "heading": "Part 2: as processor for our customers (UK GDPR Art. 30(2))",
            "columns": PROCESSOR_COLUMNS,
            "entries": [_html_entry(entry) for entry in record.processor],
        },
    ]


def _html_entry(entry: ControllerEntry | ProcessorEntry) -> dict[str, Any]:
    return {"key": entry.key, "activity": entry.activity, "columns": entry.columns()}


def _document(record: RecordOfProcessing) -> dict[str, Any]:
    return {
        "title": TITLE,
        "organisation": record.organisation,
        "generated_from": {
            "policy_version": record.policy_version,
            "last_updated": record.last_updated.isoformat(),
        },
        "fields": {"controller": list(CONTROLLER_COLUMNS), "processor": list(PROCESSOR_COLUMNS)},
        "labels": {field: FIELD_LABELS[field] for field in CSV_COLUMNS if field in FIELD_LABELS},
        "controller": [_json_entry(entry) for entry in record.controller],
        "processor": [_json_entry(entry) for entry in record.processor],
    }


def _json_entry(entry: ControllerEntry | ProcessorEntry) -> dict[str, Any]:
    return {"key": entry.key, **{name: list(lines) for name, lines in entry.columns().items()}}


def _csv(record: RecordOfProcessing) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    entries: list[tuple[str, ControllerEntry | ProcessorEntry]] = [
        *(("controller", entry) for entry in record.controller),
        *(("processor", entry) for entry in record.processor),
    ]
    for part, entry in entries:
        row = {name: LIST_SEPARATOR.join(lines) for name, lines in entry.columns().items()}
        writer.writerow({"part": part, "key": entry.key, **row})
    return buffer.getvalue()


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("dataward", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return with_stylesheets(environment)
