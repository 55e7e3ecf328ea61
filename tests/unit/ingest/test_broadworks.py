"""BroadWorks accounting CSV: wide rows built by field number, checked against the dictionary."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataward.adapters.ingest.broadworks import BroadworksCsvParser, Field
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

DICTIONARY = SAMPLES / "broadworks_cdr_field_numbers__FreeRADIUS_dictionary.broadsoft.txt"
LONDON = ZoneInfo("Europe/London")
WIDTH = 300

CALLER = "+442079460123"  # Ofcom drama ranges only
USER = "+441134960456"
MOBILE = "+447700900789"

A_CALL: dict[int, str] = {
    1: "0001-rec-000001",
    2: "sp-test",
    3: "Normal",
    4: USER,
    5: "+441134960000",
    6: "Terminating",
    7: CALLER,
    8: "Public",
    9: USER,
    10: "20260701090000.250",
    11: "1+0100",
    12: "Yes",
    13: "20260701090012.250",
    14: "20260701090312.750",
    15: "016",
    121: "agent.one@example.test",
    122: "Test Caller",
    123: "Public",
    273: "sales-queue@example.test",
}


def broadworks_row(fields: dict[int, str], *, width: int = WIDTH) -> list[str]:
    """A row of `width` columns with each field at its BroadWorks number (1-based)."""
    row = [""] * width
    for number, value in fields.items():
        row[number - 1] = value
    return row


def broadworks_csv(*records: dict[int, str], header: bool = False, width: int = WIDTH) -> str:
    """CSV text of wide rows, each `A_CALL` updated with the record's fields (fields past
    `width` left out)."""
    out = io.StringIO()
    writer = csv.writer(out)  # "\r\n", so a field holding either is quoted
    if header:
        writer.writerow([f"field{n}" for n in range(1, width + 1)])
    for record in records:
        fields = {n: value for n, value in {**A_CALL, **record}.items() if n <= width}
        writer.writerow(broadworks_row(fields, width=width))
    return out.getvalue()


def parse(text: str, parser: BroadworksCsvParser | None = None) -> list[ParsedItem]:
    reader = parser or BroadworksCsvParser()
    return list(reader.parse(io.StringIO(text, newline=""), source="bw.csv", tz=LONDON))


def one_call(**fields: str) -> RawCall:
    record = {int(key.removeprefix("f")): value for key, value in fields.items()}
    (item,) = parse(broadworks_csv(record))
    assert isinstance(item, RawCall), str(item)
    return item


@pytest.mark.skipif(not DICTIONARY.exists(), reason=f"BroadWorks dictionary not at {DICTIONARY}")
def test_field_numbers_are_the_dictionary_s_attribute_numbers() -> None:
    numbers = {
        name: int(number)
        for name, number in re.findall(
            r"^ATTRIBUTE\s+(\S+)\s+(\d+)\s", DICTIONARY.read_text("utf-8"), re.MULTILINE
        )
    }
    dictionary_names = {
        Field.RECORD_ID: "Record-id",
        Field.TYPE: "Type",
        Field.USER_NUMBER: "User-Number",
        Field.DIRECTION: "Direction",
        Field.CALLING_NUMBER: "Calling-Number",
        Field.CALLING_PRESENTATION: "Calling-Presentation-Indic",
        Field.CALLED_NUMBER: "Called-Number",
        Field.START_TIME: "Start-Time",
        Field.USER_TIME_ZONE: "User-Timezone",
        Field.ANSWER_INDICATOR: "Answer-Indic",
        Field.ANSWER_TIME: "Answer-Time",
        Field.RELEASE_TIME: "Release-Time",
        Field.TERMINATION_CAUSE: "Termination-Cause",
        Field.LOCAL_CALL_ID: "Local-Callid",
        Field.USER_ID: "UserId",
        Field.OTHER_PARTY_NAME: "Other-Party-Name",
        Field.OTHER_PARTY_NAME_PRESENTATION: "Other-Party-Name-Pres-Indic",
        Field.RELATED_CALL_ID: "Related-CallId",
        Field.CALL_CENTER_USER_ID: "Call-Center-User-Id",
    }
    assert set(dictionary_names) == set(Field)
    for field, name in dictionary_names.items():
        assert numbers[name] == field.value, name


def test_an_answered_inbound_call_with_its_times_at_the_written_offset() -> None:
    call = one_call()
    bst = timezone(timedelta(hours=1))
    assert call.source_id == "0001-rec-000001"
    assert call.start == datetime(2026, 7, 1, 9, 0, 0, 250_000, tzinfo=bst)
    assert call.answer == datetime(2026, 7, 1, 9, 0, 12, 250_000, tzinfo=bst)
    assert call.end == datetime(2026, 7, 1, 9, 3, 12, 750_000, tzinfo=bst)
    assert call.direction is Direction.INBOUND
    assert call.disposition is Disposition.ANSWERED
    assert (call.wait_s, call.talk_s) == (12.0, 180.5)
    assert call.caller.number == CALLER
    assert call.caller.name == "Test Caller"  # the other party of a Terminating record
    assert call.caller.presentation is Presentation.ALLOWED
    assert call.callee.number == USER
    assert call.callee.name is None
    assert call.agent_id == "agent.one@example.test"
    assert call.queue == "sales-queue@example.test"
    assert call.format == "broadworks-csv"


def test_an_originating_record_is_outbound_and_names_the_callee() -> None:
    call = one_call(f6="Originating", f7=USER, f9=MOBILE)
    assert call.direction is Direction.OUTBOUND
    assert call.callee.number == MOBILE
    assert call.callee.name == "Test Caller"
    assert call.caller.name is None


def test_a_private_caller_keeps_neither_number_nor_name() -> None:
    call = one_call(f8="Private")
    assert call.caller.presentation is Presentation.RESTRICTED
    assert call.caller.number is None
    assert call.caller.name is None
    assert call.caller.withheld


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("Public", Presentation.ALLOWED),
        ("", Presentation.ALLOWED),
        ("private", Presentation.RESTRICTED),
        ("Unavailable", Presentation.UNAVAILABLE),
        ("Something-New", Presentation.RESTRICTED),  # fail safe
    ],
)
def test_calling_presentation_indicator(indicator: str, expected: Presentation) -> None:
    assert one_call(f8=indicator).caller.presentation is expected


def test_a_private_other_party_name_is_not_kept() -> None:
    call = one_call(f123="Private")
    assert call.caller.number == CALLER
    assert call.caller.name is None


def test_an_empty_calling_number_is_unavailable() -> None:
    call = one_call(f7="", f8="")
    assert call.caller.presentation is Presentation.UNAVAILABLE
    assert call.caller.number is None


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        ("016", Disposition.NO_ANSWER),
        ("019", Disposition.NO_ANSWER),
        ("017", Disposition.BUSY),
        ("034", Disposition.CONGESTION),
        ("001", Disposition.FAILED),
        ("021", Disposition.FAILED),
        ("", Disposition.NO_ANSWER),
    ],
)
def test_an_unanswered_call_takes_its_disposition_from_the_termination_cause(
    cause: str, expected: Disposition
) -> None:
    call = one_call(f12="No", f13="", f14="20260701090030.250", f15=cause)
    assert call.disposition is expected
    assert call.answer is None
    assert call.wait_s == 30.0  # how long the caller waited before it ended
    assert call.talk_s is None


def test_answered_after_a_redirection_is_answered() -> None:
    assert one_call(f12="Yes-PostRedirection").disposition is Disposition.ANSWERED


def test_an_unusable_time_zone_falls_back_to_the_given_zone() -> None:
    for written in ("", "GMT", "1+2500"):
        call = one_call(f11=written)
        assert call.start == datetime(2026, 7, 1, 9, 0, 0, 250_000, tzinfo=LONDON), written


def test_zone_offsets_with_seconds_and_negative_signs() -> None:
    assert one_call(f11="0-050000").start.utcoffset() == timedelta(hours=-5)
    assert one_call(f11="+0000").start.utcoffset() == timedelta(0)


def test_a_header_line_is_detected_and_skipped() -> None:
    items = parse(broadworks_csv(A_CALL, header=True))
    header, call = items
    assert header == SkippedLine(SourceLocation("bw.csv", 1), "header")
    assert isinstance(call, RawCall)
    assert call.location is not None
    assert call.location.line == 2


def test_without_a_header_the_first_line_is_a_call() -> None:
    (call,) = parse(broadworks_csv(A_CALL))
    assert isinstance(call, RawCall)
    assert call.location is not None
    assert call.location.line == 1


def test_records_that_are_not_calls_are_skipped_and_counted() -> None:
    parser = BroadworksCsvParser()
    text = broadworks_csv(
        A_CALL, {3: "Long Duration"}, {3: "Failover"}, {1: "0001-rec-000002"}, header=True
    )
    items = parse(text, parser)
    assert [item.source_id for item in items if isinstance(item, RawCall)] == [
        "0001-rec-000001",
        "0001-rec-000002",
    ]
    assert [(item.location.line, item.why) for item in items if isinstance(item, SkippedLine)] == [
        (1, "header"),
        (3, "not a call record"),
        (4, "not a call record"),
    ]
    assert parser.skipped_non_call == 2
    parse(broadworks_csv(A_CALL), parser)
    assert parser.skipped_non_call == 0  # counted per parse


def test_rows_that_stop_after_field_15_are_read() -> None:
    (call,) = parse(broadworks_csv(A_CALL, width=15))
    assert isinstance(call, RawCall)
    assert call.agent_id is None
    assert call.queue is None


def test_every_bad_line_is_named_by_line_and_field_never_by_content() -> None:
    text = (
        broadworks_csv(
            A_CALL,
            {10: "2026-07-01 09:00"},
            {12: "Maybe"},
            {13: ""},
            {1: ""},
            {3: ""},
            {13: "20260701090100.000", 14: "20260701090059.000"},
            {10: "20261301090000.000"},
            {11: "1+0100", 13: "2026070109001"},
        )
        + f"{CALLER},Normal,short\n"
    )
    bad = [item for item in parse(text) if isinstance(item, BadRecord)]
    assert [(b.location.line, b.reason) for b in bad] == [
        (2, "startTime (field 10): not a BroadWorks timestamp"),
        (3, "answerIndicator (field 12): not Yes, Yes-PostRedirection or No"),
        (4, "answerTime (field 13): empty on an answered call"),
        (5, "recordId (field 1): empty"),
        (6, "type (field 3): empty"),
        (7, "answerTime (field 13): after releaseTime (field 14)"),
        (8, "startTime (field 10): not a BroadWorks timestamp"),
        (9, "answerTime (field 13): not a BroadWorks timestamp"),
        (10, "columns: expected at least 15, found 3"),
    ]
    for record in bad:
        assert "4420794" not in record.reason
        assert "4420794" not in repr(record)
    assert bad[-1].raw == f"{CALLER},Normal,short"


def test_generated_rows_are_sniffed_as_broadworks() -> None:
    head = broadworks_csv(A_CALL, {6: "Originating"}, header=True).splitlines()
    assert BroadworksCsvParser().sniff(head) >= 0.9


@pytest.mark.skipif(not DICTIONARY.exists(), reason=f"BroadWorks dictionary not at {DICTIONARY}")
def test_the_dictionary_itself_is_not_a_cdr_file() -> None:
    head = DICTIONARY.read_text("utf-8").splitlines()[:20]
    assert BroadworksCsvParser().sniff(head) == 0.0


_KEY_FIELDS = st.sampled_from([f.value for f in Field])
_VALUES = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=24)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(_KEY_FIELDS, _VALUES, max_size=6), max_size=5))
def test_any_values_in_the_read_fields_yield_calls_or_bad_records(
    records: list[dict[int, str]],
) -> None:
    parser = BroadworksCsvParser()
    items = parse(broadworks_csv(*records), parser)
    assert all(isinstance(item, RawCall | BadRecord | SkippedLine) for item in items)
    assert len(items) <= len(records)
