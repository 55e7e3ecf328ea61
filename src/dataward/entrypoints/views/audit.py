"""Audit entries as a search shows them, alike at the command line and in the API: a JSON model,
CSV rows (every cell safe from a spreadsheet's formulas) and a plain table line. An entry holds
references only (a subject's UUID, a staff id, keys and counts); the hashes are left to the
export, which is what `audit verify` checks."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel, Field

from dataward.domain.audit import AuditEntry, iso_z
from dataward.domain.sharing.exports import safe_cell

COLUMNS: Final = ("seq", "at", "actor", "action", "subject_ref", "purpose", "decision", "details")
_UNPRINTABLE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What a table line never prints as is: an entry altered in the database holds anything."""


class AuditEntryOut(BaseModel):
    seq: int = Field(description="The entry's place in the chain")
    at: datetime
    actor: str = Field(description="Who acted: a staff id, or system:...")
    action: str
    subject_ref: str | None = Field(description="The subject's id (a UUID), if about one")
    purpose: str | None
    decision: str | None
    details: dict[str, Any] = Field(description="References, keys and counts; never a value")

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            subject_ref=entry.subject_ref,
            purpose=entry.purpose,
            decision=entry.decision,
            details=dict(entry.details),
        )


def cells(entry: AuditEntry) -> list[str]:
    """The entry's values in `COLUMNS` order, as text (details as compact JSON)."""
    details = json.dumps(dict(entry.details), sort_keys=True, separators=(",", ":"))
    return [
        str(entry.seq),
        iso_z(entry.at),
        entry.actor,
        entry.action,
        entry.subject_ref or "",
        entry.purpose or "",
        entry.decision or "",
        details,
    ]


def csv_line(values: list[str]) -> str:
    """One CSV record (the header's, or an entry's `cells`), each cell safe from formulas."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([safe_cell(value) for value in values])
    return out.getvalue()


def table_line(entry: AuditEntry) -> str:
    """One tab-separated line, `-` for an empty cell, control characters shown as `?`."""
    return "\t".join(_UNPRINTABLE.sub("?", value) or "-" for value in cells(entry))


def json_line(entry: AuditEntry) -> str:
    """The entry as one JSON object (an item of the command line's JSON array)."""
    return AuditEntryOut.of(entry).model_dump_json()
