"""A CSV export read through a YAML column mapping; the mapping's problems named by line."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dataward.adapters.ingest import generic_csv
from dataward.adapters.ingest.generic_csv import GenericCsvParser, HeaderMismatch
from dataward.adapters.ingest.mapping import (
    ColumnMapping,
    Columns,
    MappingInvalid,
    load_mapping,
    parse_mapping,
)
from dataward.domain.calls.telephony import (
    BadRecord,
    Direction,
    Disposition,
    ParsedItem,
    Presentation,
    RawCall,
    SkippedLine,
    SourceLocation,
)

EXAMPLE = Path(generic_csv.__file__).parent / "mappings" / "example.yaml"
LONDON = ZoneInfo("Europe/London")
HEADER = (
    "Call ID,Started,Answered,Ended,Direction,Result,From,From Name,CLI Privacy,To,Agent,"
    "Queue,Queue Time,Talk Time\n"
)
REPORT = HEADER + (  # numbers from Ofcom's drama ranges
    "C-0001,25/11/2026 14:03:07,25/11/2026 14:03:27,25/11/2026 14:08:27,IN,ANSWERED,"
    "02079460123,Test Caller,SHOWN,01134960456,agent-7,sales,20,300\n"
    "C-0002,25/11/2026 14:05:00,,25/11/2026 14:06:10,in,abandoned,07700900123,Test Name,"
    "Withheld,01134960456,,sales,70,\n"
    "C-0003,25/11/2026 15:00,,,OUT,ENGAGED,01134960456,,,07700900555,agent-7,,,\n"
)


def parse(text: str, mapping: ColumnMapping | None = None) -> list[ParsedItem]:
    parser = GenericCsvParser(mapping or load_mapping(EXAMPLE))
    return list(parser.parse(io.StringIO(text, newline=""), source="report.csv", tz=UTC))


def calls(items: list[ParsedItem]) -> list[RawCall]:
    """The calls, when every other item is the header skipped."""
    rest = [item for item in items if not isinstance(item, RawCall)]
    assert rest in ([], [SkippedLine(SourceLocation("report.csv", 1), "header")]), rest
    return [item for item in items if isinstance(item, RawCall)]


def problems(text: str) -> list[str]:
    with pytest.raises(MappingInvalid) as caught:
        parse_mapping(text, source="mapping.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_example_mapping_loads() -> None:
    mapping = load_mapping(EXAMPLE)
    assert mapping.header
    assert mapping.timezone == "Europe/London"
    assert mapping.columns.source_id == "Call ID"
    assert mapping.values.disposition["MISSED"] is Disposition.NO_ANSWER


def test_a_report_read_with_the_example_mapping() -> None:
    answered, abandoned, busy = calls(parse(REPORT))
    assert answered.source_id == "C-0001"
    assert answered.start == datetime(2026, 11, 25, 14, 3, 7, tzinfo=LONDON)
    assert answered.start.utcoffset() == timedelta(0)  # the mapping's zone, GMT in November
    assert answered.answer == datetime(2026, 11, 25, 14, 3, 27, tzinfo=LONDON)
    assert answered.direction is Direction.INBOUND
    assert answered.disposition is Disposition.ANSWERED
    assert (answered.caller.number, answered.caller.name) == ("02079460123", "Test Caller")
    assert answered.caller.presentation is Presentation.ALLOWED
    assert answered.callee.number == "01134960456"
    assert (answered.agent_id, answered.queue) == ("agent-7", "sales")
    assert (answered.wait_s, answered.talk_s) == (20.0, 300.0)
    assert answered.location is not None
    assert answered.location.line == 2
    assert answered.format == "generic-csv"

    assert abandoned.disposition is Disposition.ABANDONED  # dataward's own word, any case
    assert abandoned.caller.presentation is Presentation.RESTRICTED
    assert abandoned.caller.number is None
    assert abandoned.caller.name is None
    assert (abandoned.wait_s, abandoned.talk_s) == (70.0, None)

    assert busy.direction is Direction.OUTBOUND
    assert busy.disposition is Disposition.BUSY
    assert busy.start == datetime(2026, 11, 25, 15, 0, tzinfo=LONDON)  # the second format
    assert (busy.end, busy.wait_s, busy.talk_s) == (None, None, None)


def test_a_positional_mapping_without_header_with_epoch_times() -> None:
    mapping = parse_mapping(
        "delimiter: ';'\nheader: false\ntimestamp_formats: [epoch]\n"
        "columns: {source_id: 1, start: 2, answer: 3, end: 4, caller_number: 5}\n",
        source="positional.yaml",
    )
    (call,) = calls(parse("x-1;1767225600;1767225610;1767225670;anonymous\n", mapping))
    assert call.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert call.disposition is Disposition.ANSWERED  # derived: there is an answer time
    assert (call.wait_s, call.talk_s) == (10.0, 60.0)  # derived from the times
    assert call.caller.presentation is Presentation.RESTRICTED  # a withheld_numbers word
    assert call.caller.number is None


def test_without_a_disposition_column_an_unanswered_call_is_unknown() -> None:
    mapping = ColumnMapping(
        header=False, columns=Columns(source_id=1, start=2, end=3, caller_number=4)
    )
    (call,) = calls(parse("x-1,2026-01-01T10:00:00,2026-01-01T10:00:40,\n", mapping))
    assert call.disposition is Disposition.UNKNOWN
    assert call.wait_s == 40.0
    assert call.caller.presentation is Presentation.UNAVAILABLE


def test_every_bad_row_is_named_by_line_and_column_never_by_content() -> None:
    good = "C-0009,25/11/2026 14:03:07,,,IN,MISSED,02079460123,,,01134960456,,,,\n"
    text = HEADER + "".join(
        [
            good,
            good.replace("IN,MISSED", "IN,LOST"),
            good.replace("25/11/2026 14:03:07", "2026.11.25 02079460999"),
            good.replace(",IN,", ",SIDEWAYS,"),
            good.replace(",,,,\n", ",,,-4,\n"),
            good.replace("C-0009", ""),
            good.replace(",,,,\n", ",,,twenty,\n"),
            good.replace(",,,01134960456", ",,NOT SAID,01134960456"),
            "C-0010,25/11/2026 14:03:07,02079460123\n",
        ]
    )
    items = parse(text)
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [(b.location.line, b.reason) for b in bad] == [
        (3, "disposition (column 'Result'): has a value not in values.disposition"),
        (4, "start (column 'Started'): matches none of the timestamp_formats"),
        (5, "direction (column 'Direction'): has a value not in values.direction"),
        (6, "wait_s (column 'Queue Time'): negative"),
        (7, "source_id (column 'Call ID'): empty"),
        (8, "wait_s (column 'Queue Time'): not a number of seconds"),
        (9, "caller_presentation (column 'CLI Privacy'): has a value not in values.presentation"),
        (10, "columns: expected at least 14, found 3"),
    ]
    for record in bad:
        assert "0207946" not in record.reason
    assert isinstance(items[1], RawCall)


def test_an_end_before_the_answer_is_a_bad_row() -> None:
    row = "C-1,25/11/2026 14:00:00,25/11/2026 14:00:10,25/11/2026 14:00:05,IN,,,,,,,,,\n"
    _, bad = parse(HEADER + row)
    assert isinstance(bad, BadRecord)
    assert bad.reason == "answer (column 'Answered'): after end (column 'Ended')"
    assert bad.field == "answer (column 'Answered')"


def test_durations_may_be_written_as_minutes_and_seconds() -> None:
    row = "C-1,25/11/2026 14:00:00,,,IN,MISSED,,,,,,,1:05,0:00:00\n"
    (call,) = calls(parse(HEADER + row))
    assert (call.wait_s, call.talk_s) == (65.0, 0.0)


def test_a_header_without_a_mapped_column_stops_the_file() -> None:
    with pytest.raises(HeaderMismatch, match=r"report.csv:1: the header has no column 'Agent'"):
        parse(HEADER.replace("Agent,", "Operator,") + "C-1,25/11/2026 14:00:00\n")


def test_header_names_match_ignoring_case_and_a_byte_order_mark() -> None:
    (call,) = calls(parse("\ufeff" + HEADER.lower() + REPORT.splitlines(keepends=True)[1]))
    assert call.source_id == "C-0001"


def test_mapping_problems_are_named_by_path_and_line() -> None:
    found = problems(
        "header: false\n"
        "timezone: Europe/Londn\n"
        "timestamp_formats: [dd/mm/yyyy]\n"
        "colums: {}\n"
        "columns:\n"
        "  source_id: 0\n"
        "  start: 1.5\n"
        "values:\n"
        "  disposition:\n"
        "    MISSED: no-answer\n"
    )
    assert sorted(found) == sorted(
        [
            "timezone: not an IANA time zone (line 2)",
            (
                "timestamp_formats: a format that is neither a strptime format nor one of iso, "
                "epoch, epoch_ms (line 3)"
            ),
            "colums: unknown field (line 4)",
            "columns.source_id: column positions start at 1 (line 6)",
            "columns.start: give a column as its 1-based position or its name (line 7)",
            (
                "values.disposition.MISSED: not one of 'answered', 'no_answer', "
                "'busy', 'failed', 'congestion', 'abandoned', 'overflow' or 'unknown' (line 10)"
            ),
        ]
    )


def test_column_names_need_a_header_and_a_column_is_read_once() -> None:
    found = problems("header: false\ncolumns:\n  source_id: Call ID\n  start: 2\n  end: 2\n")
    assert found == [
        (
            "columns.source_id: a column named by header needs `header: true`; give its position "
            "instead (line 3)"
        ),
        "columns.end: the same column as columns.start (line 5)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "(document): the file is empty"),
        ("columns: [\n", "(document): not valid YAML: did not find expected node content (line 2)"),
        ("- 1\n", "(document): the mapping must be a YAML mapping (line 1)"),
        ("header: true\n", "columns: required field is missing (line 1)"),
    ],
)
def test_a_mapping_that_is_not_one(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_a_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(MappingInvalid) as caught:
        load_mapping(tmp_path / "none.yaml")
    assert caught.value.lines() == [f"{tmp_path / 'none.yaml'}: (document): file not found"]


def test_a_mapping_built_in_code_is_checked_too() -> None:
    with pytest.raises(MappingInvalid) as caught:
        GenericCsvParser(ColumnMapping(header=False, columns=Columns(source_id="id", start=2)))
    (problem,) = caught.value.problems
    assert problem.path == ("columns", "source_id")


def test_the_generic_parser_never_claims_a_file() -> None:
    assert GenericCsvParser(load_mapping(EXAMPLE)).sniff(REPORT.splitlines()) == 0.0
