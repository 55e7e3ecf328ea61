"""Every parser fuzzed with hostile files (tests/strategies.py), bounded to run in the suite.

For any file: nothing escapes a parser but a typed error about the whole file; every record is
accounted for exactly once (a call or a leg of one, a queue event, a bad record, or a line
skipped on purpose); every bad record names its file, line and field and never repeats what
the line held; and every call that comes out is one the call store may keep (times in range and
in order, durations from zero to 72 hours, printable queue and agent names).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.adapters.ingest.detect import FormatUnknown, detect_format
from dataward.adapters.ingest.generic_csv import HeaderMismatch
from dataward.adapters.ingest.mapping import load_mapping
from dataward.domain.calls.record_limits import EARLIEST, LONGEST, RecordLimits, elapsed
from dataward.domain.calls.telephony import (
    BadRecord,
    ParsedItem,
    QueueEvent,
    RawCall,
    SkippedLine,
)
from tests.strategies import (
    GENERIC_MAPPING,
    LAYOUTS,
    NOW,
    HostileFile,
    fuzz_settings,
    hostile_file,
    parser_for,
)

SOURCE = "hostile.csv"
ZONE = ZoneInfo("Europe/London")

_CSV_WHOLE = frozenset({"record", "columns"})
_CDR = _CSV_WHOLE | {"start", "answer", "end", "duration", "billsec", "sequence", "disposition"}
FIELDS: dict[str, frozenset[str]] = {
    "asterisk-cdr-csv": _CDR | {"lastdata"},
    "asterisk-cdr-custom": _CDR | {"lastdata"},
    "asterisk-queue-log": frozenset(
        {"fields", "time", "event", "queue", "callid", "holdtime", "calltime", "ringtime"}
        | {"waittime"}
    ),
    "freeswitch-cdr-csv": _CSV_WHOLE
    | {"uuid", "start_stamp", "answer_stamp", "end_stamp", "duration", "billsec"},
    "broadworks-csv": _CSV_WHOLE
    | {
        "recordId (field 1)",
        "type (field 3)",
        "startTime (field 10)",
        "answerIndicator (field 12)",
        "answerTime (field 13)",
        "releaseTime (field 14)",
        "userId (field 121)",
        "callCenterUserId (field 273)",
    },
    "generic-csv": _CSV_WHOLE
    | {f"{field} (column {ref!r})" for field, ref in load_mapping(GENERIC_MAPPING).columns if ref},
}
"""Every field a bad record of each format may name."""

_PHONE_SHAPED = re.compile(r"[0-9]{7,}")
_LIMITS = RecordLimits.at(NOW)


def _parse(name: str, text: str) -> list[ParsedItem] | None:
    """The items, or None when the whole file is refused by a typed error (a header that is
    not the mapping's). Anything else raised fails the test."""
    stream = io.StringIO(text, newline="")
    try:
        return list(parser_for(name).parse(stream, source=SOURCE, tz=ZONE, now=NOW))
    except HeaderMismatch as refused:
        where = refused.location
    assert name == "generic-csv"
    assert where.source == SOURCE
    return None


def record_lines(name: str, text: str) -> list[int]:
    """The first line of every record, as the csv module (or a line reader) finds them."""
    if name == "asterisk-queue-log":
        lines = io.StringIO(text, newline="")
        return [number for number, line in enumerate(lines, 1) if line.rstrip("\r\n")]
    reader = csv.reader(io.StringIO(text, newline=""), strict=name.startswith("asterisk-cdr"))
    starts: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return starts
        except csv.Error:
            starts.append(start)
            continue
        if row:
            starts.append(start)


def _line(item: ParsedItem) -> int:
    assert item.location is not None
    return item.location.line


def _check_accounting(name: str, text: str, items: list[ParsedItem]) -> None:
    expected = record_lines(name, text)
    if name == "asterisk-queue-log":
        events = [_line(item) for item in items if isinstance(item, QueueEvent)]
        bad = [_line(item) for item in items if isinstance(item, BadRecord)]
        assert len(events) == len(set(events)), "a line read as two events"
        assert set(events) | set(bad) == set(expected), "a line neither an event nor bad"
        refused = [line for line in bad if line not in events]
        assert len(refused) == len(set(refused)), "a line refused twice"
        assert all(bad.count(line) <= 1 for line in events)
        calls = [_line(item) for item in items if isinstance(item, RawCall)]
        assert set(calls) <= set(events), "a call that starts at no ENTERQUEUE"
        return
    accounted: list[int] = []
    for item in items:
        if isinstance(item, RawCall) and item.legs:
            accounted += [leg.location.line for leg in item.legs if leg.location is not None]
        else:
            accounted.append(_line(item))
    assert sorted(accounted) == sorted(expected)


def _check_bad(name: str, bad: BadRecord, hostile: HostileFile) -> None:
    assert bad.location.source == SOURCE
    assert bad.field in FIELDS[name], bad.field
    assert bad.reason.startswith(f"{bad.field}: ")
    assert str(bad) == f"{SOURCE}:{bad.location.line}: {bad.reason}"
    said = f"{bad.reason} {bad!r}"
    assert said.isascii(), "a message repeats characters from the line"
    assert not _PHONE_SHAPED.search(said), "a message repeats a number from the line"
    for marker in hostile.markers:
        assert marker not in said


def _check_call(call: RawCall) -> None:
    """What the call store may keep: nothing out of range or out of order."""
    limits = _LIMITS
    for moment in (call.start, call.answer, call.end):
        assert moment is None or EARLIEST <= moment <= limits.latest
    for later in (call.answer, call.end):
        assert later is None or elapsed(call.start, later) >= 0
    for seconds in (call.wait_s, call.ring_s, call.talk_s):
        assert seconds is None or 0 <= seconds <= LONGEST.total_seconds()
    for text in (call.queue, call.agent_id):
        assert text is None or text.isprintable()
    for leg in call.legs:
        assert leg.talk_s is None or 0 <= leg.talk_s <= LONGEST.total_seconds()


def _fuzz(name: str, hostile: HostileFile) -> None:
    items = _parse(name, hostile.text)
    if items is None:
        return
    _check_accounting(name, hostile.text, items)
    for item in items:
        assert isinstance(item, RawCall | QueueEvent | BadRecord | SkippedLine)
        if isinstance(item, BadRecord):
            _check_bad(name, item, hostile)
        elif isinstance(item, RawCall):
            _check_call(item)


@fuzz_settings(200)
@given(hostile_file(LAYOUTS["asterisk-cdr-csv"]))
def test_asterisk_cdr_csv_survives_hostile_files(hostile: HostileFile) -> None:
    _fuzz("asterisk-cdr-csv", hostile)


@fuzz_settings(200)
@given(hostile_file(LAYOUTS["asterisk-cdr-custom"]))
def test_asterisk_cdr_custom_survives_hostile_files(hostile: HostileFile) -> None:
    _fuzz("asterisk-cdr-custom", hostile)


@fuzz_settings(200)
@given(hostile_file(LAYOUTS["asterisk-queue-log"], max_lines=8))
def test_asterisk_queue_log_survives_hostile_files(hostile: HostileFile) -> None:
    _fuzz("asterisk-queue-log", hostile)


@fuzz_settings(200)
@given(hostile_file(LAYOUTS["freeswitch-cdr-csv"]))
def test_freeswitch_cdr_csv_survives_hostile_files(hostile: HostileFile) -> None:
    _fuzz("freeswitch-cdr-csv", hostile)


@fuzz_settings(200)
@given(hostile_file(LAYOUTS["broadworks-csv"]))
def test_broadworks_csv_survives_hostile_files(hostile: HostileFile) -> None:
    _fuzz("broadworks-csv", hostile)


@fuzz_settings(200)
@given(hostile_file(LAYOUTS["generic-csv"]))
def test_generic_csv_survives_hostile_files(hostile: HostileFile) -> None:
    _fuzz("generic-csv", hostile)


@fuzz_settings(100)
@given(st.sampled_from(sorted(LAYOUTS)).flatmap(lambda name: hostile_file(LAYOUTS[name])))
def test_detection_names_a_format_or_refuses_with_its_typed_error(hostile: HostileFile) -> None:
    try:
        found = detect_format(hostile.text.splitlines()[:20], source=SOURCE)
    except FormatUnknown as refused:
        message = str(refused)
        assert not _PHONE_SHAPED.search(message)
        assert all(marker not in message for marker in hostile.markers)
    else:
        assert found.name in LAYOUTS


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_fixture_lines_themselves_are_good(name: str) -> None:
    """The strategies mutate lines that parse clean, so each refusal comes from a mutation."""
    layout = LAYOUTS[name]
    header = [layout.header] if layout.header else []
    files = [[line] for line in layout.lines if not line.startswith("caller_id_name,")]
    if name == "asterisk-queue-log":  # a call's lines make sense only together
        files = [list(layout.lines)]
    for lines in files:
        items = _parse(name, "\n".join([*header, *lines]) + "\n")
        assert items is not None
        assert not [str(item) for item in items if isinstance(item, BadRecord)]


def test_a_deadline_bounds_each_example() -> None:
    bounded = fuzz_settings(10)
    assert bounded.max_examples >= 10
    assert bounded.deadline is None or bounded.deadline <= timedelta(seconds=10)
