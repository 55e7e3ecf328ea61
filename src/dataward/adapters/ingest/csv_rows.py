"""The row reader every CSV parser shares, and what a parser reads of a quarantined row.

`CsvRows` streams a CSV text with the csv module, remembering the line each record starts on
and its raw text, so a parser can turn any row it cannot read into a `BadRecord` (line, field,
reason, and the raw text for the quarantine) without keeping anything else, and a row it leaves
out on purpose (a header) into a `SkippedLine`. Blank lines are no record; a byte-order mark
left at the start of the first field is dropped. `one_row` and `split_raw` read a quarantined
record's raw text again, for the fields where its format puts agents or parties.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Collection, Iterator, Sequence
from typing import TextIO

from dataward.domain.calls.telephony import BadField, BadRecord, SkippedLine, SourceLocation

__all__ = [
    "CsvRows",
    "columns_problem",
    "fields_but",
    "head_rows",
    "one_row",
    "printable",
    "split_raw",
]

_BOM = "\ufeff"


class CsvRows:
    """The records of a CSV stream; `line` is where the current one starts (1-based)."""

    def __init__(
        self, stream: TextIO, *, source: str, delimiter: str = ",", quotechar: str = '"'
    ) -> None:
        self.source = source
        self.line = 0
        self._pending: list[str] = []
        self._reader = csv.reader(self._tap(stream), delimiter=delimiter, quotechar=quotechar)

    def _tap(self, stream: TextIO) -> Iterator[str]:
        pending = self._pending
        for text in stream:
            pending.append(text)
            yield text

    def __iter__(self) -> Iterator[list[str] | BadRecord]:
        reader = self._reader
        pending = self._pending
        first = True
        while True:
            pending.clear()
            self.line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # messages name quotes and limits, never content
                yield self.bad(BadField("record", f"not valid CSV ({error})"))
                continue
            if not row:
                continue
            if first:
                first = False
                if row[0].startswith(_BOM):
                    row[0] = row[0][1:]
            yield row

    def location(self) -> SourceLocation:
        return SourceLocation(self.source, self.line)

    def bad(self, error: BadField) -> BadRecord:
        """The current record as a bad one, its raw text kept only for the quarantine."""
        return BadRecord.of(self.location(), error, "".join(self._pending).rstrip("\r\n"))

    def skipped(self, why: str) -> SkippedLine:
        """The current record, left out on purpose (a header)."""
        return SkippedLine(self.location(), why)


def split_raw(raw: str, *, delimiter: str = ",", quotechar: str = '"') -> list[str]:
    """A raw line's fields as CSV, or split at the delimiter where it is not valid CSV."""
    try:
        rows = [
            row
            for row in csv.reader(raw.splitlines(), delimiter=delimiter, quotechar=quotechar)
            if row
        ]
    except csv.Error:
        return raw.split(delimiter)
    return [field for row in rows for field in row]


def one_row(
    raw: str, *, delimiter: str = ",", quotechar: str = '"', strict: bool = False
) -> list[str] | None:
    """A quarantined record's fields, read as its parser reads CSV, when it is exactly one row;
    None when it is not valid CSV or holds more or fewer rows."""
    try:
        rows = [
            row
            for row in csv.reader(
                io.StringIO(raw), delimiter=delimiter, quotechar=quotechar, strict=strict
            )
            if row
        ]
    except csv.Error:
        return None
    if len(rows) != 1:
        return None
    row = rows[0]
    if row[0].startswith(_BOM):
        row[0] = row[0][1:]
    return row


def fields_but(row: Sequence[str], left_out: Collection[int]) -> list[str]:
    """The row's fields but those at these 0-based positions."""
    return [field for at, field in enumerate(row) if at not in left_out]


def head_rows(head: list[str], *, delimiter: str = ",") -> list[list[str]]:
    """The sniffing lines split as CSV (non-empty rows only; stops at the first CSV error)."""
    rows: list[list[str]] = []
    with contextlib.suppress(csv.Error):
        rows.extend(row for row in csv.reader(head, delimiter=delimiter) if row)
    return rows


def printable(text: str, field: str) -> str:
    """`text` if it holds no control or format characters (a NUL cannot even be stored)."""
    if not text.isprintable():
        raise BadField(field, "not printable text")
    return text


def columns_problem(found: int, expected: int, *, at_least: bool = False) -> BadField:
    more = "at least " if at_least else ""
    return BadField("columns", f"expected {more}{expected}, found {found}")
