"""An export to a recipient as text, alike at the command line and in the API: CSV (every cell
safe from a spreadsheet's formulas) or JSON with a header naming the batch."""

from __future__ import annotations

import csv
import io
import json

from dataward.domain.sharing.exports import SUBJECT_COLUMN, safe_cell
from dataward.services.sharing.exports import SharedExport


def render_export(shared: SharedExport) -> str:
    if shared.batch.format == "json":
        return _json(shared)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([SUBJECT_COLUMN, *shared.columns])
    for row in shared.rows:
        writer.writerow(
            [row.subject_id, *(safe_cell(row.values.get(column, "")) for column in shared.columns)]
        )
    return out.getvalue()


def _json(shared: SharedExport) -> str:
    batch = shared.batch
    document = {
        "batch": {
            "id": str(batch.id),
            "recipient": batch.recipient,
            "purpose": batch.purpose,
            "at": batch.at.isoformat(),
            "fields": list(batch.fields),
            "columns": [SUBJECT_COLUMN, *shared.columns],
            "subjects": batch.subjects,
        },
        "rows": [{SUBJECT_COLUMN: row.subject_id, **row.values} for row in shared.rows],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
