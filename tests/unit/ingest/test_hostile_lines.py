"""Lines that once gave a traceback, or were stored as nonsense, each refused by field and line.

Numbers are Ofcom's drama ranges; `CALLER` stands for a number a line must never show.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dataward.adapters.ingest import generic_csv
from dataward.adapters.ingest.asterisk_cdr import AsteriskCdrCsvParser, AsteriskCdrCustomParser
from dataward.adapters.ingest.asterisk_queue_log import AsteriskQueueLogParser
from dataward.adapters.ingest.broadworks import BroadworksCsvParser
from dataward.adapters.ingest.freeswitch_cdr import COLUMNS, FreeswitchCdrCsvParser
from dataward.adapters.ingest.generic_csv import GenericCsvParser
from dataward.adapters.ingest.mapping import load_mapping
from dataward.domain.calls.telephony import BadRecord, Disposition, ParsedItem, RawCall

CALLER = "07700900123"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
EXAMPLE = Path(generic_csv.__file__).parent / "mappings" / "example.yaml"


def _bad(items: list[ParsedItem]) -> list[BadRecord]:
    return [item for item in items if isinstance(item, BadRecord)]


def _calls(items: list[ParsedItem]) -> list[RawCall]:
    return [item for item in items if isinstance(item, RawCall)]


def _reasons(items: list[ParsedItem]) -> list[tuple[int, str]]:
    bad = _bad(items)
    for record in bad:
        assert CALLER not in str(record)
        assert CALLER not in repr(record)
    return [(record.location.line, record.reason) for record in bad]


# --- Asterisk queue_log ----------------------------------------------------------------------


def queue_log(text: str, parser: AsteriskQueueLogParser | None = None) -> list[ParsedItem]:
    stream = io.StringIO(text, newline="")
    reader = parser or AsteriskQueueLogParser()
    return list(reader.parse(stream, source="queue_log", tz=LONDON))


ENTER = "1772441000|1.1|sales|NONE|ENTERQUEUE||01134960001|1\n"
ABANDON = "1772441030|1.1|sales|NONE|ABANDON|1|1|"


@pytest.mark.parametrize("written", ["²", f"{CALLER}²", "١٧٧٢٤٤١٠٠٠", "1772441000³"])
def test_a_time_in_other_digits_is_a_bad_line_not_a_traceback(written: str) -> None:
    items = queue_log(f"{written}|1.1|sales|NONE|ENTERQUEUE||{CALLER}|1\n")
    assert _reasons(items) == [(1, "time: not a time in seconds since 1970")]


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("1", "time: before 1990-01-01"),
        ("631151999", "time: before 1990-01-01"),  # 1989-12-31 23:59:59 UTC
        ("99999999999999", "time: after 2100-01-01"),  # year 3170843, which raised
        ("9" * 40, "time: not a time in seconds since 1970"),
    ],
)
def test_a_time_out_of_range_is_a_bad_line(written: str, reason: str) -> None:
    assert _reasons(queue_log(f"{written}|1.1|sales|NONE|ENTERQUEUE||{CALLER}|1\n")) == [
        (1, reason)
    ]


def test_the_first_line_of_1990_is_read() -> None:
    (call,) = _calls(queue_log("631152000|1.1|sales|NONE|ENTERQUEUE||01134960001|1\n"))
    assert call.start == datetime(1990, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1772441030|1.1|sales|NONE|ABANDON|1|1|-30\n", "waittime: negative"),
        ("1772441030|1.1|sales|SIP/2001|COMPLETECALLER|5|-60|1\n", "calltime: negative"),
        ("1772441030|1.1|sales|SIP/2001|CONNECT|-5|1.2|1\n", "holdtime: negative"),
        (f"{ABANDON}{'9' * 30}\n", "waittime: longer than 72 hours"),
        (f"{ABANDON}259201\n", "waittime: longer than 72 hours"),
        (f"{ABANDON}³⁰\n", "waittime: not a whole number of seconds"),
        ("1772441030|1.1|sales|SIP/2|RINGNOANSWER|259200001\n", "ringtime: longer than 72 hours"),
    ],
)
def test_negative_and_huge_waits_and_talks_are_refused(line: str, reason: str) -> None:
    items = queue_log(ENTER + line)
    assert _reasons(items) == [(2, reason)]
    (call,) = _calls(items)
    assert call.wait_s is None  # nothing of the refused line reached the call
    assert call.talk_s is None


def test_the_longest_wait_is_kept() -> None:
    parser = AsteriskQueueLogParser(horizon=timedelta(days=4))  # kept open that long
    (call,) = _calls(queue_log(ENTER + "1772700200|1.1|sales|NONE|ABANDON|1|1|259200\n", parser))
    assert (call.disposition, call.wait_s) == (Disposition.ABANDONED, 259_200.0)


def test_an_ending_before_the_answer_is_refused_and_the_call_kept_open() -> None:
    items = queue_log(
        ENTER
        + "1772441010|1.1|sales|SIP/2001|CONNECT|10|1.2|2\n"
        + "1772441005|1.1|sales|SIP/2001|COMPLETECALLER|10|60|1\n"
    )
    assert _reasons(items) == [(3, "time: COMPLETECALLER before the call's CONNECT")]
    (call,) = _calls(items)
    assert call.answer == datetime.fromtimestamp(1772441010, LONDON)
    assert call.end is None  # flushed without the ending that could not be its own
    assert call.talk_s is None


def test_an_ending_before_the_enterqueue_is_refused() -> None:
    items = queue_log(ENTER + "1772440990|1.1|sales|NONE|ABANDON|1|1|10\n")
    assert _reasons(items) == [(2, "time: ABANDON before the call's ENTERQUEUE")]


def test_a_connect_before_the_enterqueue_is_refused() -> None:
    items = queue_log(ENTER + "1772440990|1.1|sales|SIP/2001|CONNECT|6|1.2|3\n")
    assert _reasons(items) == [(2, "time: CONNECT before the call's ENTERQUEUE")]
    (call,) = _calls(items)
    assert (call.answer, call.disposition) == (None, Disposition.UNKNOWN)


def test_a_calltime_longer_than_the_call_is_refused() -> None:
    items = queue_log(ENTER + "1772441060|1.1|sales|SIP/2001|COMPLETECALLER|0|600|1\n")
    assert _reasons(items) == [(2, "calltime: longer than the call had been in the queue")]


def test_a_queue_name_that_is_not_text_is_refused() -> None:
    items = queue_log("1772441000|1.1|sa\x00les|NONE|ENTERQUEUE||01134960001|1\n")
    assert _reasons(items) == [(1, "queue: not printable text")]


def test_an_empty_time_on_the_first_line_is_refused() -> None:
    assert _reasons(queue_log("|1.1|sales|NONE|ENTERQUEUE||01134960001|1\n")) == [
        (1, "time: not a time in seconds since 1970")
    ]


# --- Asterisk cdr_csv and cdr_custom ---------------------------------------------------------


CDR_FIELDS = {
    "start": "2026-03-02 09:00:00",
    "answer": "2026-03-02 09:00:05",
    "end": "2026-03-02 09:01:05",
    "duration": "65",
    "billsec": "60",
    "lastapp": "Dial",
    "lastdata": "PJSIP/301,30",
}
"""A well-formed answered call's fields; a test changes some of them."""


def cdr_csv(changes: dict[str, str] | None = None) -> str:
    """One cdr_csv line: `CDR_FIELDS` with `changes` (a field not among them is a mistake)."""
    unknown = set(changes or {}) - set(CDR_FIELDS)
    assert not unknown, f"not a field of the line: {sorted(unknown)}"
    field = {**CDR_FIELDS, **(changes or {})}
    start, answer, end = field["start"], field["answer"], field["end"]
    duration, billsec = field["duration"], field["billsec"]
    lastapp, lastdata = field["lastapp"], field["lastdata"]
    quoted = [
        f'"{value}"'
        for value in (
            "",
            CALLER,
            "301",
            "from-pstn",
            f"<{CALLER}>",
            "PJSIP/trunk-00000001",
            "PJSIP/301-00000002",
            lastapp,
            lastdata,
            start,
            answer,
            end,
        )
    ]
    tail = [duration, billsec, '"ANSWERED"', '"DOCUMENTATION"', '"1772441000.1"', '""']
    return ",".join(quoted + tail) + "\n"


def asterisk(text: str) -> list[ParsedItem]:
    stream = io.StringIO(text, newline="")
    return list(AsteriskCdrCsvParser().parse(stream, source="Master.csv", tz=LONDON))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"billsec": "1" * 30}, "billsec: longer than 72 hours"),
        ({"duration": "259201"}, "duration: longer than 72 hours"),
        ({"duration": "٦٥"}, "duration: not a whole number of seconds"),
        ({"billsec": "6²"}, "billsec: not a whole number of seconds"),
        ({"billsec": " 60"}, "billsec: not a whole number of seconds"),
        ({"billsec": "6_0"}, "billsec: not a whole number of seconds"),
        ({"answer": "2026-03-02 09:02:05"}, "answer: after end"),
        ({"answer": "2026-03-02 08:59:59"}, "answer: before start"),
        ({"end": "2026-03-02 08:59:00"}, "end: before start"),
        ({"end": "2026-03-06 09:00:00"}, "end: more than 72 hours after start"),
        ({"start": "0001-01-01 00:00:00"}, "start: before 1990-01-01"),
        ({"start": "9999-12-31 23:59:00", "answer": "", "end": ""}, "start: after 2100-01-01"),
        ({"lastapp": "Queue", "lastdata": "sa\x00les,t"}, "lastdata: queue name not printable"),
    ],
)
def test_cdr_csv_nonsense_is_refused_with_its_column(changes: dict[str, str], reason: str) -> None:
    assert _reasons(asterisk(cdr_csv(changes))) == [(1, reason)]


def test_year_9999_with_its_talk_is_a_bad_row_not_an_overflow() -> None:
    line = cdr_csv(
        {
            "start": "9999-12-31 23:59:00",
            "answer": "9999-12-31 23:59:05",
            "end": "9999-12-31 23:59:59",
            "billsec": "999999",
        }
    )
    assert _reasons(asterisk(line)) == [(1, "start: after 2100-01-01")]


def test_talk_running_past_72_hours_from_the_start_is_refused() -> None:
    line = cdr_csv(
        {"answer": "2026-03-04 09:00:00", "end": "2026-03-04 09:00:00", "billsec": "172800"}
    )
    assert _reasons(asterisk(line)) == [
        (1, "billsec: talk would end more than 72 hours after start")
    ]


def test_rows_of_one_linkedid_days_apart_are_two_calls() -> None:
    later = cdr_csv(
        {
            "start": "2026-03-09 09:00:00",
            "answer": "2026-03-09 09:00:05",
            "end": "2026-03-09 09:01:05",
        }
    )
    calls = _calls(asterisk(cdr_csv() + later))
    assert [len(call.legs) for call in calls] == [1, 1]
    assert all((call.wait_s or 0) <= 72 * 3600 for call in calls)


def test_cdr_custom_reads_ascii_digits_only() -> None:
    values = dict.fromkeys(
        ("clid", "src", "dst", "dcontext", "channel", "dstchannel", "lastapp", "lastdata"), "x"
    ) | {
        "start": "2026-03-02 09:00:00",
        "answer": "",
        "end": "2026-03-02 09:00:30",
        "duration": "30",
        "billsec": "0",
        "disposition": "NO ANSWER",
        "amaflags": "",
        "accountcode": "",
        "uniqueid": "1.1",
        "userfield": "",
        "sequence": "٣",
    }
    line = ",".join(f'"{value}"' for value in values.values()) + "\n"
    stream = io.StringIO(line, newline="")
    items = list(AsteriskCdrCustomParser().parse(stream, source="Master.csv", tz=LONDON))
    assert _reasons(items) == [(1, "sequence: not a whole number")]


# --- FreeSWITCH ------------------------------------------------------------------------------


def freeswitch(**changes: str) -> list[ParsedItem]:
    values = {
        "caller_id_name": "Test Caller",
        "caller_id_number": CALLER,
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
    } | changes
    line = ",".join(f'"{values[name]}"' for name in COLUMNS) + "\n"
    stream = io.StringIO(line, newline="")
    return list(FreeswitchCdrCsvParser().parse(stream, source="Master.csv", tz=LONDON))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"start_stamp": "99999999999999/1/1 00:00", "answer_stamp": "", "end_stamp": ""},
            "start_stamp: not a timestamp",
        ),
        (
            {"start_stamp": "٢٠٢٦/7/1 09:00", "answer_stamp": "", "end_stamp": ""},
            "start_stamp: not a timestamp",
        ),
        (
            {"start_stamp": "2026/ 7/+1 09:00", "answer_stamp": "", "end_stamp": ""},
            "start_stamp: not a timestamp",
        ),
        (
            {"start_stamp": "9999-12-31 23:59:59", "answer_stamp": "", "end_stamp": ""},
            "start_stamp: after 2100-01-01",
        ),
        (
            {"start_stamp": "1989-12-31 23:00:00", "answer_stamp": "", "end_stamp": ""},
            "start_stamp: before 1990-01-01",
        ),
        ({"billsec": "1" * 30}, "billsec: longer than 72 hours"),
        ({"duration": "-5"}, "duration: negative"),
        ({"answer_stamp": "2026-07-01 09:05:00"}, "answer_stamp: after end_stamp"),
        ({"end_stamp": "2026-07-01 08:00:00"}, "end_stamp: before start_stamp"),
    ],
)
def test_freeswitch_nonsense_is_refused_with_its_column(
    changes: dict[str, str], reason: str
) -> None:
    assert _reasons(freeswitch(**changes)) == [(1, reason)]


# --- BroadWorks ------------------------------------------------------------------------------

BROADWORKS: dict[int, str] = {
    1: "0001-rec-000001",
    3: "Normal",
    6: "Terminating",
    7: CALLER,
    8: "Public",
    9: "+441134960456",
    10: "20260701090000.250",
    11: "1+0100",
    12: "Yes",
    13: "20260701090012.250",
    14: "20260701090312.750",
    15: "016",
    121: "agent.one",
    273: "sales-queue",
}
START, RELEASE = "startTime (field 10)", "releaseTime (field 14)"
UNANSWERED = {12: "No", 13: "", 14: ""}


def broadworks(*records: dict[int, str]) -> list[ParsedItem]:
    lines = []
    for record in records:
        row = [""] * 300
        for number, value in (BROADWORKS | record).items():
            row[number - 1] = value
        lines.append(",".join(row))
    stream = io.StringIO("\n".join(lines) + "\n", newline="")
    return list(BroadworksCsvParser().parse(stream, source="bw.csv", tz=LONDON))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({14: "20260711090312.750"}, f"{RELEASE}: more than 72 hours after {START}"),
        ({10: "19700101000000.000", **UNANSWERED}, f"{START}: before 1990-01-01"),
        ({10: "99991231235959.000", **UNANSWERED}, f"{START}: after 2100-01-01"),
        ({273: "sales\x00queue"}, "callCenterUserId (field 273): not printable text"),
        ({121: "agent\x07one"}, "userId (field 121): not printable text"),
    ],
)
def test_broadworks_nonsense_is_refused_with_its_field(
    changes: dict[int, str], reason: str
) -> None:
    assert _reasons(broadworks(changes)) == [(1, reason)]


def test_a_termination_cause_of_thousands_of_digits_is_no_traceback() -> None:
    (call,) = _calls(broadworks({12: "No", 13: "", 15: "1" * 5000}))
    assert call.disposition is Disposition.NO_ANSWER


def test_a_first_row_without_a_start_time_is_bad_not_a_header() -> None:
    items = broadworks({10: ""}, {1: "0001-rec-000002"})
    assert _reasons(items) == [(1, "startTime (field 10): not a BroadWorks timestamp")]
    assert [call.source_id for call in _calls(items)] == ["0001-rec-000002"]


# --- a generic CSV through the example mapping -----------------------------------------------

HEADER = (
    "Call ID,Started,Answered,Ended,Direction,Result,From,From Name,CLI Privacy,To,Agent,"
    "Queue,Queue Time,Talk Time\n"
)
ROW = (
    "C-1,25/11/2026 09:00:00,25/11/2026 09:00:20,25/11/2026 09:05:20,IN,ANSWERED,"
    f"{CALLER},,SHOWN,01134960456,agent-7,sales,20,300\n"
)


def generic(row: str) -> list[ParsedItem]:
    parser = GenericCsvParser(load_mapping(EXAMPLE))
    return list(parser.parse(io.StringIO(HEADER + row, newline=""), source="r.csv", tz=LONDON))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (",20,300", ",1e30,300", "wait_s (column 'Queue Time'): not a number of seconds"),
        (",20,300", ",١٢,300", "wait_s (column 'Queue Time'): not a number of seconds"),
        (",20,300", ",20,-300", "talk_s (column 'Talk Time'): negative"),
        (",20,300", ",20,300000", "talk_s (column 'Talk Time'): longer than 72 hours"),
        (",20,300", ",20,100:00:00", "talk_s (column 'Talk Time'): longer than 72 hours"),
        (
            "25/11/2026 09:00:00",
            "٢٥/11/2026 09:00:00",
            "start (column 'Started'): matches none of the timestamp_formats",
        ),
        (
            "25/11/2026 09:00:00",
            "25/11/1989 09:00:00",
            "start (column 'Started'): before 1990-01-01",
        ),
        (
            "25/11/2026 09:00:20",
            "25/11/2026 09:06:00",
            "answer (column 'Answered'): after end (column 'Ended')",
        ),
        (",sales,", ",sa\x00les,", "queue (column 'Queue'): not printable text"),
    ],
)
def test_generic_nonsense_is_refused_with_its_column(old: str, new: str, reason: str) -> None:
    assert _reasons(generic(ROW.replace(old, new, 1))) == [(2, reason)]


# --- the ingest's now ------------------------------------------------------------------------


def _at(moment: datetime) -> dict[str, str]:
    local = moment.astimezone(LONDON)
    return {
        "epoch": str(int(moment.timestamp())),
        "dash": local.strftime("%Y-%m-%d %H:%M:%S"),
        "basic": local.strftime("%Y%m%d%H%M%S.000"),
        "uk": local.strftime("%d/%m/%Y %H:%M:%S"),
    }


def _read_at(name: str, moment: datetime) -> list[ParsedItem]:
    """One unanswered call of format `name` starting at `moment`, read at `NOW`."""
    at = _at(moment)
    texts = {
        "queue_log": (AsteriskQueueLogParser(), f"{at['epoch']}|1.1|q|NONE|ENTERQUEUE||x|1\n"),
        "cdr_csv": (
            AsteriskCdrCsvParser(),
            cdr_csv({"start": at["dash"], "answer": "", "end": ""}),
        ),
        "freeswitch": (
            FreeswitchCdrCsvParser(),
            ",".join(
                {"start_stamp": at["dash"], "uuid": "u-1", "duration": "0", "billsec": "0"}.get(
                    column, ""
                )
                for column in COLUMNS
            )
            + "\n",
        ),
        "broadworks": (
            BroadworksCsvParser(),
            ",".join(
                {1: "r-1", 3: "Normal", 10: at["basic"], 12: "No"}.get(n, "") for n in range(1, 16)
            )
            + "\n",
        ),
        "generic": (GenericCsvParser(load_mapping(EXAMPLE)), HEADER + f"C-1,{at['uk']}" + "," * 12),
    }
    parser, text = texts[name]
    return list(parser.parse(io.StringIO(text, newline=""), source="f", tz=LONDON, now=NOW))


@pytest.mark.parametrize("name", ["queue_log", "cdr_csv", "freeswitch", "broadworks", "generic"])
def test_a_time_more_than_a_day_after_the_ingest_is_refused(name: str) -> None:
    assert _calls(_read_at(name, NOW + timedelta(hours=23)))
    (bad,) = _bad(_read_at(name, NOW + timedelta(days=1, minutes=1)))
    assert bad.reason.endswith(": more than a day after the time of the ingest")
