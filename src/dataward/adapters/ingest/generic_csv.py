"""CSV exports read through a column mapping (the rows by `csv_rows.CsvRows`).

`GenericCsvParser` reads any layout described by a `ColumnMapping` (see `mapping.py`). It
cannot recognise a file by itself, so it is only ever chosen by name (`--format generic-csv
--mapping FILE`). Its rules, where the mapping leaves a field out:

- disposition: `answered` when there is an answer time, else `unknown`;
- presentation: `unavailable` when the number is empty, the mapping's `withheld_numbers` word
  when the number is one (`anonymous` -> restricted, ...), else `allowed`. A presentation
  column, when mapped, wins for a non-empty value. A party not `allowed` keeps neither number
  nor name (a withheld caller is stored as withheld, never as a number);
- talk_s: end - answer; wait_s: answer - start, or end - start when it was not answered (the
  wait before the caller gave up), as for the other CDR formats.
A value that is neither in the mapping's `values` nor dataward's own word makes the row bad, as
does any value outside `domain.calls.record_limits` (digits other than ASCII, a time before 1990 or
more than a day after the ingest, a duration over 72 hours, an answer after the end), or a queue
or agent id that is not printable text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TextIO, TypeVar
from zoneinfo import ZoneInfo

from dataward.adapters.ingest.csv_rows import (
    CsvRows,
    columns_problem,
    fields_but,
    head_rows,
    one_row,
    printable,
    split_raw,
)
from dataward.adapters.ingest.mapping import (
    EPOCH,
    EPOCH_MS,
    ISO,
    ColumnMapping,
    MappingInvalid,
    check_mapping,
    load_mapping,
)
from dataward.domain.calls.record_limits import RecordLimits, elapsed
from dataward.domain.calls.telephony import (
    BadField,
    BadRecord,
    Direction,
    Disposition,
    ParsedItem,
    Presentation,
    RawCall,
    RawParty,
    SourceLocation,
)
from dataward.domain.errors import DatawardError

__all__ = [
    "BadField",
    "CsvRows",
    "GenericCsvParser",
    "HeaderMismatch",
    "head_rows",
    "printable",
]

_VALUES = {
    "direction": "direction",
    "disposition": "disposition",
    "caller_presentation": "presentation",
}
"""The `values` map that translates each field read as a word."""
_Word = TypeVar("_Word", bound=StrEnum)
_NOT_A_PARTY = frozenset({"source_id", "start", "answer", "end", "wait_s", "ring_s", "talk_s"})
"""The mapped fields that hold a call's id, times and durations: never a party."""
_EPOCH = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,9})?", re.ASCII)
_SECONDS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?", re.ASCII)
_CLOCK_PART = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,9})?", re.ASCII)


class HeaderMismatch(DatawardError):
    """The file's header lacks a column the mapping names: no row of it can be read."""

    code = "header_mismatch"

    def __init__(self, location: SourceLocation, column: str, field: str) -> None:
        self.location = location
        self.column = column
        self.field = field
        super().__init__(f"{location}: the header has no column {column!r} (columns.{field})")


class GenericCsvParser:
    """Reads any CSV layout a `ColumnMapping` describes."""

    name = "generic-csv"

    def __init__(self, mapping: ColumnMapping, *, source: str = "<column mapping>") -> None:
        problems = check_mapping(mapping)
        if problems:
            raise MappingInvalid(source, problems)
        self.mapping = mapping
        self._agent_at = _positions(mapping, None).get("agent_id")
        self._at = None if mapping.header else _positions(mapping, None)
        """Each mapped field's column, once known (with a header, once `parse` read it)."""

    @classmethod
    def from_file(cls, path: Path | str) -> GenericCsvParser:
        return cls(load_mapping(path), source=str(path))

    def sniff(self, head: list[str]) -> float:  # noqa: ARG002 - the Parser protocol
        """Never confident: a layout is known only from its mapping, so it is chosen by name."""
        return 0.0

    def parse(
        self, stream: TextIO, *, source: str, tz: ZoneInfo, now: datetime | None = None
    ) -> Iterator[ParsedItem]:
        mapping = self.mapping
        zone = mapping.zone(tz)
        limits = RecordLimits.at(now)
        rows = CsvRows(
            stream, source=source, delimiter=mapping.delimiter, quotechar=mapping.quotechar
        )
        reader = None
        if not mapping.header:
            reader = _RowReader(mapping, _positions(mapping, None), zone, limits)
        for row in rows:
            if isinstance(row, BadRecord):
                yield row
                continue
            if reader is None:
                positions = _positions(mapping, (row, rows.location()))
                reader = _RowReader(mapping, positions, zone, limits)
                self._agent_at = reader.at.get("agent_id")
                self._at = reader.at
                yield rows.skipped("header")
                continue
            if len(row) < reader.width:
                yield rows.bad(columns_problem(len(row), reader.width, at_least=True))
                continue
            try:
                yield reader.call(row, rows.location())
            except BadField as bad:
                yield rows.bad(bad)

    def is_header(self, line: str) -> bool:  # noqa: ARG002 - the Parser protocol
        """The mapping says whether the first row names the columns."""
        return self.mapping.header

    def agent_fields(self, raw: str) -> list[str]:
        """The mapping's agent_id column (found in the header by `parse`, when named)."""
        at = self._agent_at
        if at is None:
            return []
        fields = split_raw(raw, delimiter=self.mapping.delimiter, quotechar=self.mapping.quotechar)
        return fields[at : at + 1]

    def party_fields(self, raw: str) -> list[str] | None:
        """A row as wide as the mapping reads: all its columns but those mapped to the call's
        id, times and durations (a column also mapped to anything else is kept). None before
        the columns are known (a header not yet read), or for a row of another width."""
        at = self._at
        if at is None:
            return None
        mapping = self.mapping
        row = one_row(raw, delimiter=mapping.delimiter, quotechar=mapping.quotechar)
        if row is None or len(row) < max(at.values()) + 1:
            return None
        return fields_but(row, not_a_party(at, _NOT_A_PARTY))


def not_a_party(at: Mapping[str, int], fields: Collection[str]) -> set[int]:
    """The columns of these fields (times, durations, ids) that no other field shares."""
    kept = {index for field, index in at.items() if field not in fields}
    return {index for field, index in at.items() if field in fields} - kept


def _positions(
    mapping: ColumnMapping, header: tuple[list[str], SourceLocation] | None
) -> dict[str, int]:
    """Each mapped field's 0-based column; names are looked up in the header, ignoring case."""
    names: dict[str, int] = {}
    if header is not None:
        for index, title in enumerate(header[0]):
            names.setdefault(title.strip().casefold(), index)
    positions: dict[str, int] = {}
    for field, ref in mapping.columns:
        if ref is None:
            continue
        if isinstance(ref, int):
            positions[field] = ref - 1
        elif header is not None and ref.strip().casefold() in names:
            positions[field] = names[ref.strip().casefold()]
        elif header is not None:  # check_mapping allows names only with a header
            raise HeaderMismatch(header[1], ref, field)
    return positions


def _vocabulary(words: type[_Word], extra: Mapping[str, _Word]) -> dict[str, _Word]:
    table = {member.value: member for member in words}
    table.update({key.strip().casefold(): value for key, value in extra.items()})
    return table


class _RowReader:
    """One mapping resolved against one file: positions, zone and vocabularies."""

    def __init__(
        self,
        mapping: ColumnMapping,
        positions: dict[str, int],
        zone: ZoneInfo,
        limits: RecordLimits,
    ) -> None:
        self.at = positions
        self.limits = limits
        self.width = max(positions.values()) + 1
        self.zone = zone
        self.formats = tuple(mapping.timestamp_formats)
        self.refs = {field: ref for field, ref in mapping.columns if ref is not None}
        self.directions = _vocabulary(Direction, mapping.values.direction)
        self.dispositions = _vocabulary(Disposition, mapping.values.disposition)
        self.presentations = _vocabulary(Presentation, mapping.values.presentation)
        self.withheld = {k.strip().casefold(): v for k, v in mapping.withheld_numbers.items()}

    def text(self, row: list[str], field: str) -> str:
        index = self.at.get(field)
        return "" if index is None else row[index].strip()

    def column(self, field: str) -> str:
        return f"{field} (column {self.refs[field]!r})"

    def call(self, row: list[str], location: SourceLocation) -> RawCall:
        source_id = self.text(row, "source_id")
        if not source_id:
            raise BadField(self.column("source_id"), "empty")
        start = self.stamp(row, "start")
        if start is None:
            raise BadField(self.column("start"), "empty")
        answer = self.stamp(row, "answer")
        end = self.stamp(row, "end")
        names = (
            self.column("start"),
            self.column("answer") if "answer" in self.refs else "answer",
            self.column("end") if "end" in self.refs else "end",
        )
        self.limits.order(start, answer, end, names)
        disposition = self.word(row, "disposition", self.dispositions)
        if disposition is None:
            disposition = Disposition.ANSWERED if answer else Disposition.UNKNOWN
        talk = self.seconds(row, "talk_s")
        if talk is None and answer is not None and end is not None:
            talk = elapsed(answer, end)
        wait = self.seconds(row, "wait_s")
        if wait is None and answer is not None:
            wait = elapsed(start, answer)
        elif wait is None and end is not None:
            wait = elapsed(start, end)
        agent = self.text(row, "agent_id")
        queue = self.text(row, "queue")
        return RawCall(
            source_id=source_id,
            start=start,
            answer=answer,
            end=end,
            direction=self.word(row, "direction", self.directions) or Direction.UNKNOWN,
            disposition=disposition,
            caller=self.party(row, "caller"),
            callee=self.party(row, "callee"),
            agent_id=printable(agent, self.column("agent_id")) if agent else None,
            queue=printable(queue, self.column("queue")) if queue else None,
            wait_s=wait,
            ring_s=self.seconds(row, "ring_s"),
            talk_s=talk,
            location=location,
            format=GenericCsvParser.name,
        )

    def stamp(self, row: list[str], field: str) -> datetime | None:
        """The first of the timestamp_formats that reads the text as a time in range."""
        text = self.text(row, field)
        if not text:
            return None
        out_of_range: BadField | None = None
        if not _foreign_digits(text):
            for form in self.formats:
                moment = self._read_stamp(text, form)
                if moment is None:
                    continue
                try:
                    return self.limits.time(moment, self.column(field))
                except BadField as bad:  # another format may read it as a time in range
                    out_of_range = out_of_range or bad
        raise out_of_range or BadField(self.column(field), "matches none of the timestamp_formats")

    def _read_stamp(self, text: str, form: str) -> datetime | None:
        try:
            if form == ISO:
                moment = datetime.fromisoformat(text)
            elif form in (EPOCH, EPOCH_MS):
                if not _EPOCH.fullmatch(text):
                    return None
                scale = 1000.0 if form == EPOCH_MS else 1.0
                return datetime.fromtimestamp(float(text) / scale, tz=self.zone)
            else:  # the zone is added below when the format has no %z
                moment = datetime.strptime(text, form)  # noqa: DTZ007
        except (ValueError, OverflowError, OSError):
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.zone)

    def seconds(self, row: list[str], field: str) -> float | None:
        """Seconds written as a number (`12`, `12.5`) or as `[h:]mm:ss`, in ASCII digits."""
        text = self.text(row, field)
        if not text:
            return None
        column = self.column(field)
        if text[:1] == "-" and _SECONDS.fullmatch(text[1:]):
            raise BadField(column, "negative")
        parts = text.split(":")
        if len(parts) > 3 or not all(_CLOCK_PART.fullmatch(part) for part in parts):
            raise BadField(column, "not a number of seconds")
        value = 0.0
        for part in parts:
            value = value * 60 + float(part)
        return self.limits.duration(value, column)

    def word(self, row: list[str], field: str, table: dict[str, _Word]) -> _Word | None:
        text = self.text(row, field)
        if not text:
            return None
        found = table.get(text.casefold())
        if found is None:
            raise BadField(self.column(field), f"has a value not in values.{_VALUES[field]}")
        return found

    def party(self, row: list[str], side: str) -> RawParty:
        number = self.text(row, f"{side}_number")
        name = self.text(row, f"{side}_name") or None
        presentation = Presentation.ALLOWED
        if not number:
            presentation = Presentation.UNAVAILABLE
        elif (word := self.withheld.get(number.casefold())) is not None:
            number, presentation = "", word
        if side == "caller":
            stated = self.word(row, "caller_presentation", self.presentations)
            presentation = stated or presentation
        if presentation is not Presentation.ALLOWED:
            return RawParty(presentation=presentation)
        return RawParty(number=number or None, name=name)


def _foreign_digits(text: str) -> bool:
    """Digits other than ASCII ones (`²`, `٣`), which strptime and float would read."""
    return not text.isascii() and any(char.isdigit() for char in text if not char.isascii())
