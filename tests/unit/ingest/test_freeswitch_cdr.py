"""FreeSWITCH mod_cdr_csv ("example" template): the public sample, real output, bad lines."""

from __future__ import annotations

import io
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataward.adapters.ingest.freeswitch_cdr import (
    COLUMNS,
    HANGUP_DISPOSITIONS,
    FreeswitchCdrCsvParser,
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
from tests.samples import SAMPLES

SAMPLE = (
    SAMPLES / "freeswitch_cdr-csv_example-template_Master.csv__Kxingyunliushui-freeswitch_tools.csv"
)
LONDON = ZoneInfo("Europe/London")
PARSER = FreeswitchCdrCsvParser()


def parse(text: str, *, tz: ZoneInfo = LONDON) -> list[ParsedItem]:
    return list(PARSER.parse(io.StringIO(text, newline=""), source="Master.csv", tz=tz))


def calls(items: list[ParsedItem]) -> list[RawCall]:
    assert all(isinstance(item, RawCall) for item in items), [str(i) for i in items]
    return [item for item in items if isinstance(item, RawCall)]


def row(**values: str) -> str:
    """One line as mod_cdr_csv writes it: every field double-quoted; numbers from Ofcom's drama
    ranges; an answered 2-minute inbound call unless told otherwise."""
    fields = {
        "caller_id_name": "Test Caller",
        "caller_id_number": "02079460123",
        "destination_number": "01134960456",
        "context": "public",
        "start_stamp": "2026-07-01 09:00:00",
        "answer_stamp": "2026-07-01 09:00:05",
        "end_stamp": "2026-07-01 09:02:05",
        "duration": "125",
        "billsec": "120",
        "hangup_cause": "NORMAL_CLEARING",
        "uuid": "5b0c7f1e-0000-4000-8000-000000000001",
        "bleg_uuid": "",
        "accountcode": "",
        "read_codec": "PCMA",
        "write_codec": "PCMA",
    }
    fields.update(values)
    return ",".join(f'"{fields[name]}"' for name in COLUMNS) + "\n"


needs_sample = pytest.mark.skipif(
    not SAMPLE.exists(), reason=f"shared FreeSWITCH sample not found at {SAMPLE}"
)


@needs_sample
def test_the_spreadsheet_saved_sample_reads_as_ten_calls() -> None:
    with SAMPLE.open(newline="", encoding="utf-8") as stream:
        items = list(PARSER.parse(stream, source=SAMPLE.name, tz=LONDON))
    read = calls(items)
    assert len(read) == 10
    assert [call.location.line for call in read if call.location] == list(range(1, 11))
    assert {call.format for call in read} == {"freeswitch-cdr-csv"}


@needs_sample
def test_the_sample_no_user_response_row_is_no_answer_with_nothing_talked() -> None:
    with SAMPLE.open(newline="", encoding="utf-8") as stream:
        read = calls(list(PARSER.parse(stream, source=SAMPLE.name, tz=LONDON)))
    unanswered = read[2]
    assert unanswered.source_id == "f1542038-4c15-11ea-97ca-9dd79410affb"
    assert unanswered.disposition is Disposition.NO_ANSWER
    assert unanswered.answer is None
    assert unanswered.talk_s == 0
    assert unanswered.wait_s == 2  # the whole duration: it was never answered
    assert unanswered.caller.number is None  # written as "0"
    assert unanswered.caller.presentation is Presentation.UNAVAILABLE
    assert unanswered.callee.number == "1002"


@needs_sample
def test_the_sample_call_with_327_seconds_of_talk() -> None:
    with SAMPLE.open(newline="", encoding="utf-8") as stream:
        read = calls(list(PARSER.parse(stream, source=SAMPLE.name, tz=LONDON)))
    (long_call,) = [call for call in read if call.talk_s == 327]
    assert long_call.source_id == "f68e66ee-4c15-11ea-97d1-9dd79410affb"
    assert long_call.disposition is Disposition.ANSWERED
    assert long_call.start == datetime(2020, 2, 10, 22, 42, tzinfo=LONDON)
    assert long_call.end == datetime(2020, 2, 10, 22, 47, tzinfo=LONDON)
    assert long_call.wait_s == 2  # duration 329 - billsec 327
    assert long_call.caller.number == "1002"
    assert long_call.caller.name == "Outbound Call"
    assert long_call.direction is Direction.UNKNOWN  # context "default" says nothing


@needs_sample
def test_the_sample_answered_rows_stay_answered_whatever_the_hangup_cause() -> None:
    with SAMPLE.open(newline="", encoding="utf-8") as stream:
        read = calls(list(PARSER.parse(stream, source=SAMPLE.name, tz=LONDON)))
    timer_expired, busy = read[6], read[9]
    assert timer_expired.disposition is Disposition.ANSWERED  # RECOVERY_ON_TIMER_EXPIRE, 32 s
    assert timer_expired.talk_s == 32
    assert busy.disposition is Disposition.ANSWERED  # USER_BUSY, but an answer stamp and 20 s
    # the sample repeats one uuid three times; each row is yielded, the store dedupes
    assert sum(1 for call in read if call.source_id.startswith("7adced1a")) == 3


@needs_sample
def test_the_sample_is_sniffed_as_freeswitch() -> None:
    head = SAMPLE.read_text("utf-8").splitlines()[:20]
    assert PARSER.sniff(head) >= 0.9


def test_real_output_is_read_in_the_given_zone() -> None:
    (call,) = calls(parse(row()))
    assert call.start == datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    assert call.start.utcoffset() == timedelta(hours=1)  # British Summer Time
    assert call.answer == datetime(2026, 7, 1, 9, 0, 5, tzinfo=LONDON)
    assert call.end == datetime(2026, 7, 1, 9, 2, 5, tzinfo=LONDON)
    assert call.source_id == "5b0c7f1e-0000-4000-8000-000000000001"
    assert call.direction is Direction.INBOUND  # context "public"
    assert call.disposition is Disposition.ANSWERED
    assert (call.talk_s, call.wait_s) == (120, 5)
    assert call.caller.number == "02079460123"
    assert call.caller.name == "Test Caller"
    assert call.caller.presentation is Presentation.ALLOWED
    assert call.callee.number == "01134960456"


def test_the_same_call_after_a_spreadsheet_saved_it_reads_alike() -> None:
    mangled = (
        "Test Caller,02079460123,01134960456,public,2026/7/1 9:00,2026/7/1 9:00:05,"
        "2026/7/1 9:02:05,125,120,NORMAL_CLEARING,5b0c7f1e-0000-4000-8000-000000000001,,,,\n"
    )
    (call,) = calls(parse(mangled))
    assert call.start == datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    assert call.end == datetime(2026, 7, 1, 9, 2, 5, tzinfo=LONDON)
    assert call.talk_s == 120


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        ("NO_ANSWER", Disposition.NO_ANSWER),
        ("NO_USER_RESPONSE", Disposition.NO_ANSWER),
        ("ORIGINATOR_CANCEL", Disposition.NO_ANSWER),
        ("NORMAL_CLEARING", Disposition.NO_ANSWER),
        ("USER_BUSY", Disposition.BUSY),
        ("NORMAL_CIRCUIT_CONGESTION", Disposition.CONGESTION),
        ("CALL_REJECTED", Disposition.FAILED),
        ("UNALLOCATED_NUMBER", Disposition.FAILED),
        ("NORMAL_TEMPORARY_FAILURE", Disposition.FAILED),
        ("SOMETHING_NEW", Disposition.UNKNOWN),
        ("", Disposition.UNKNOWN),
    ],
)
def test_an_unanswered_call_takes_its_disposition_from_the_hangup_cause(
    cause: str, expected: Disposition
) -> None:
    unanswered = row(hangup_cause=cause, answer_stamp="", billsec="0", duration="25")
    (call,) = calls(parse(unanswered))
    assert call.disposition is expected
    assert call.answer is None
    assert (call.talk_s, call.wait_s) == (0, 25)


def test_every_cause_in_the_table_is_upper_case_and_not_answered() -> None:
    assert all(cause.isupper() for cause in HANGUP_DISPOSITIONS)
    assert Disposition.ANSWERED not in HANGUP_DISPOSITIONS.values()


def test_billsec_alone_makes_a_call_answered() -> None:
    (call,) = calls(parse(row(answer_stamp="", hangup_cause="NORMAL_CLEARING")))
    assert call.disposition is Disposition.ANSWERED
    assert call.answer is None


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("anonymous", Presentation.RESTRICTED),
        ("Anonymous", Presentation.RESTRICTED),
        ("0000000000", Presentation.UNAVAILABLE),
        ("0", Presentation.UNAVAILABLE),
        ("", Presentation.UNAVAILABLE),
    ],
)
def test_a_withheld_or_missing_caller_keeps_no_number_and_no_name(
    number: str, expected: Presentation
) -> None:
    (call,) = calls(parse(row(caller_id_number=number, caller_id_name="Anonymous")))
    assert call.caller.presentation is expected
    assert call.caller.number is None
    assert call.caller.name is None
    assert call.caller.withheld


def test_a_header_repeating_the_column_names_is_skipped() -> None:
    header = ",".join(COLUMNS) + "\n"
    skipped, call = parse(header + row())
    assert skipped == SkippedLine(SourceLocation("Master.csv", 1), "header")
    assert isinstance(call, RawCall)
    assert call.location is not None
    assert call.location.line == 2


def test_blank_lines_are_skipped_and_line_numbers_stay_physical() -> None:
    items = calls(parse("\n" + row() + "\r\n" + row(uuid="5b0c7f1e-0000-4000-8000-000000000002")))
    assert [call.location.line for call in items if call.location] == [2, 4]


def test_every_bad_line_is_named_by_line_and_column_never_by_content() -> None:
    text = "".join(
        [
            row(),
            '"02079460999","only","three"\n',
            row(start_stamp="yesterday 02079460777"),
            row(billsec="12s"),
            row(answer_stamp="2026-13-01 09:00:05"),
            row(uuid=""),
            row(end_stamp="2026/7/1"),
            row(duration="-5"),
        ]
    )
    items = parse(text)
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [(b.location.line, b.reason) for b in bad] == [
        (2, "columns: expected 15, found 3"),
        (3, "start_stamp: not a timestamp"),
        (4, "billsec: not a whole number of seconds"),
        (5, "answer_stamp: not a timestamp"),
        (6, "uuid: empty"),
        (7, "end_stamp: not a timestamp"),
        (8, "duration: negative"),
    ]
    assert str(bad[0]) == "Master.csv:2: columns: expected 15, found 3"
    for record in bad:
        assert "0207946" not in record.reason
        assert "0207946" not in repr(record)
    assert bad[0].raw == '"02079460999","only","three"'  # kept for the quarantine only
    assert isinstance(items[0], RawCall)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80)))
def test_any_text_yields_calls_or_bad_records_and_never_raises(lines: list[str]) -> None:
    items = parse("\n".join(lines))
    assert all(isinstance(item, RawCall | BadRecord | SkippedLine) for item in items)


@pytest.mark.slow
def test_streaming_two_hundred_thousand_rows_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "Master.csv"
    rows = 200_000
    with path.open("w", encoding="utf-8", newline="") as file:
        for n in range(rows):
            second = f"{n % 60:02d}"
            file.write(
                f'"","02079460{n % 1000:03d}","07700900{n % 1000:03d}","public",'
                f'"2026-03-01 10:00:{second}","2026-03-01 10:00:{second}",'
                f'"2026-03-01 10:05:{second}","300","300","NORMAL_CLEARING",'
                f'"{n:08x}-0000-4000-8000-000000000000","","","PCMA","PCMA"\n'
            )
    counted = 0
    tracemalloc.start()
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            for item in PARSER.parse(stream, source=path.name, tz=LONDON):
                counted += isinstance(item, RawCall)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert counted == rows
    assert path.stat().st_size > 30_000_000
    # a kept item per row would be ~100 MB; the reader holds one row at a time (~40 KB peak)
    assert peak < 1_000_000, f"peak {peak} bytes while streaming"
