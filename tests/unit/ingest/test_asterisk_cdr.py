"""Asterisk cdr_csv: the real sample's known values, then generated files for every rule."""

from __future__ import annotations

import csv
import io
import re
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataward.adapters.ingest.asterisk_cdr import AsteriskCdrCsvParser
from dataward.domain.calls.telephony import (
    BadRecord,
    Direction,
    Disposition,
    ParsedItem,
    Presentation,
    RawCall,
)
from tests.samples import SAMPLES

CDR_CSV_SAMPLE = (
    SAMPLES / "asterisk_cdr-csv_Master.csv__mineevburyat-dj-asterisk-cdr__PSEUDONYMISED.csv"
)
MOSCOW = ZoneInfo("Europe/Moscow")  # the sample PBX's zone
LONDON = ZoneInfo("Europe/London")
CALLER = "02079460123"  # Ofcom drama range, as are all numbers below
MOBILE = "07700900456"


def _sample_calls() -> list[RawCall]:
    if not CDR_CSV_SAMPLE.exists():
        pytest.skip(f"the shared cdr_csv sample is not at {CDR_CSV_SAMPLE}")
    with CDR_CSV_SAMPLE.open(encoding="utf-8", newline="") as stream:
        items = list(AsteriskCdrCsvParser().parse(stream, source="sample", tz=MOSCOW))
    assert not [item for item in items if not isinstance(item, RawCall)]
    return [item for item in items if isinstance(item, RawCall)]


@pytest.fixture(scope="module")
def sample_calls() -> list[RawCall]:
    return _sample_calls()


def _by_id(calls: list[RawCall]) -> dict[str, RawCall]:
    return {call.source_id: call for call in calls}


# --- a writer of cdr_csv as Asterisk's cdr_csv.c does it --------------------------------------


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _date(when: datetime | None) -> str:
    return "" if when is None else _quoted(when.strftime("%Y-%m-%d %H:%M:%S"))


T0 = datetime(2026, 3, 2, 9, 0, 0)  # noqa: DTZ001 (naive, as cdr_csv writes local times)


@dataclass(frozen=True)
class Row:
    src: str = CALLER
    dst: str = "301"
    clid: str = f'"Caller" <{CALLER}>'
    channel: str = "PJSIP/trunk-00000001"
    dstchannel: str = "PJSIP/301-00000002"
    lastapp: str = "Dial"
    lastdata: str = "PJSIP/301,30"
    start: datetime | None = T0
    answer: datetime | None = T0 + timedelta(seconds=5)
    end: datetime | None = T0 + timedelta(seconds=65)
    duration: int = 65
    billsec: int = 60
    disposition: str = "ANSWERED"
    uniqueid: str = "1772441000.1"
    userfield: str = ""
    linkedid: str = "1772441000.1"
    sequence: int = 1

    def line(self, *, uniqueid: bool = True, userfield: bool = True, new: bool = True) -> str:
        fields = [_quoted(value) for value in ("", self.src, self.dst, "from-pstn", self.clid)]
        fields += [_quoted(v) for v in (self.channel, self.dstchannel, self.lastapp, self.lastdata)]
        fields += [_date(self.start), _date(self.answer), _date(self.end)]
        fields += [str(self.duration), str(self.billsec), _quoted(self.disposition)]
        fields += [_quoted("DOCUMENTATION")]
        fields += [_quoted(self.uniqueid)] * uniqueid + [_quoted(self.userfield)] * userfield
        if new:
            fields += [_quoted(""), _quoted(self.linkedid), str(self.sequence)]
        return ",".join(fields) + "\n"


def _parse(text: str, parser: AsteriskCdrCsvParser | None = None) -> list[ParsedItem]:
    parser = parser or AsteriskCdrCsvParser()
    return list(parser.parse(io.StringIO(text), source="generated", tz=LONDON))


def _calls(items: list[ParsedItem]) -> list[RawCall]:
    return [item for item in items if isinstance(item, RawCall)]


def _bad(items: list[ParsedItem]) -> list[BadRecord]:
    return [item for item in items if isinstance(item, BadRecord)]


# --- the real sample ----------------------------------------------------------------------


def test_sample_rows_all_parse_into_13_calls_of_40_legs(sample_calls: list[RawCall]) -> None:
    assert len(sample_calls) == 13
    assert sum(len(call.legs) for call in sample_calls) == 40
    assert sorted(leg.location.line for c in sample_calls for leg in c.legs if leg.location) == (
        list(range(1, 41))
    )


def test_sample_linkedid_groups_become_multi_leg_calls(sample_calls: list[RawCall]) -> None:
    multi = {call.source_id: len(call.legs) for call in sample_calls if len(call.legs) > 1}
    assert multi == {
        "1706369600.6": 3,
        "1706372196.12": 7,
        "1706401101.30": 7,
        "1706407446.50": 5,
        "1706412022.63": 5,
        "1706412893.79": 5,
        "1706413165.93": 2,
    }


def test_sample_first_call_is_one_answered_leg_of_27_seconds(sample_calls: list[RawCall]) -> None:
    first = sample_calls[0]
    assert first.source_id == "1706368044.0"
    assert first.start == datetime(2024, 1, 27, 15, 7, 24, tzinfo=MOSCOW)
    assert first.end == datetime(2024, 1, 27, 15, 7, 51, tzinfo=MOSCOW)
    assert first.start.utcoffset() == timedelta(hours=3)
    assert first.talk_s == 27.0
    assert first.legs[0].duration_s == 27.0
    assert first.disposition is Disposition.ANSWERED
    assert first.direction is Direction.INBOUND
    assert first.callee.number == "211474"
    assert first.caller.presentation is Presentation.ALLOWED
    assert first.caller.number is not None
    assert len(first.caller.number) == 11
    assert first.caller.name is None  # the clid name only repeats the number
    assert first.format == "asterisk-cdr-csv"


def test_sample_no_answer_legs_have_no_answer_time(sample_calls: list[RawCall]) -> None:
    call = _by_id(sample_calls)["1706372196.12"]
    assert call.disposition is Disposition.NO_ANSWER
    assert call.answer is None
    assert all(leg.answer is None for leg in call.legs)
    assert {leg.disposition for leg in call.legs} == {Disposition.NO_ANSWER}
    assert call.talk_s == 0.0
    assert call.agent_id is None
    assert call.callee.number == "211553"  # from the originating channel's row, not the Local leg
    assert call.end == datetime(2024, 1, 27, 16, 17, 16, tzinfo=MOSCOW)


def test_sample_answered_multi_leg_call_takes_agent_and_talk_from_the_bridge(
    sample_calls: list[RawCall],
) -> None:
    call = _by_id(sample_calls)["1706407446.50"]
    assert call.disposition is Disposition.ANSWERED
    assert call.agent_id == "301"
    assert call.talk_s == 17.0
    assert call.start == datetime(2024, 1, 28, 2, 4, 6, tzinfo=MOSCOW)
    assert call.answer == datetime(2024, 1, 28, 2, 4, 12, tzinfo=MOSCOW)
    assert call.end == datetime(2024, 1, 28, 2, 4, 29, tzinfo=MOSCOW)
    assert [leg.start for leg in call.legs] == sorted(leg.start for leg in call.legs)
    assert len({leg.leg_id for leg in call.legs}) == 5


def test_usegmtime_reads_the_dates_as_utc() -> None:
    parser = AsteriskCdrCsvParser(usegmtime=True)
    (call,) = _calls(_parse(Row().line(), parser))
    assert call.start == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_sniff_is_confident_on_cdr_csv_only() -> None:
    if not SAMPLES.exists():
        pytest.skip(f"the shared samples are not at {SAMPLES}")
    head = CDR_CSV_SAMPLE.read_text("utf-8").splitlines(keepends=True)[:20]
    assert AsteriskCdrCsvParser().sniff(head) >= 0.9
    for other in SAMPLES.glob("*"):
        if other != CDR_CSV_SAMPLE and other.suffix in {".csv", ".txt"}:
            lines = other.read_text("utf-8", errors="replace").splitlines(keepends=True)
            assert AsteriskCdrCsvParser().sniff(lines[:20]) < 0.5, other.name


# --- generated files ----------------------------------------------------------------------


def test_quoted_fields_with_doubled_quotes_and_commas_are_read_whole() -> None:
    row = Row(clid=f'"Smith, "Jo" & Co" <{CALLER}>', lastdata="PJSIP/301,30,tT")
    line = row.line()
    assert f'"""Smith, ""Jo"" & Co"" <{CALLER}>"' in line
    (call,) = _calls(_parse(line))
    assert call.caller.name == 'Smith, "Jo" & Co'
    assert call.caller.number == CALLER
    assert call.agent_id == "301"


@pytest.mark.parametrize(
    ("groups", "width"),
    [
        ({"uniqueid": False, "userfield": False, "new": False}, 16),
        ({"uniqueid": True, "userfield": False, "new": False}, 17),
        ({"uniqueid": False, "userfield": True, "new": False}, 17),
        ({"uniqueid": True, "userfield": True, "new": False}, 18),
        ({"uniqueid": False, "userfield": False, "new": True}, 19),
        ({"uniqueid": True, "userfield": False, "new": True}, 20),
        ({"uniqueid": False, "userfield": True, "new": True}, 20),
        ({"uniqueid": True, "userfield": True, "new": True}, 21),
    ],
)
def test_every_optional_column_group_combination_parses(
    groups: dict[str, bool], width: int
) -> None:
    line = Row(userfield="billing-note").line(**groups)
    assert len(next(csv.reader([line]))) == width
    (call,) = _calls(_parse(line))
    assert call.talk_s == 60.0
    if groups["uniqueid"]:
        assert call.source_id == "1772441000.1"
    elif groups["new"]:
        assert call.source_id == "1772441000.1"  # the linkedid
        assert call.legs[0].leg_id == "1772441000.1#1"
    else:
        assert call.source_id.startswith("cdr-")  # a hash: channel names can carry numbers
        assert CALLER not in call.source_id


def test_loguniqueid_false_reads_17_columns_as_userfield() -> None:
    line = Row(userfield="1772441000.9").line(uniqueid=False, new=False)
    (call,) = _calls(_parse(line, AsteriskCdrCsvParser(loguniqueid=False)))
    assert call.source_id.startswith("cdr-")
    (guessed,) = _calls(_parse(line))
    assert guessed.source_id == "1772441000.9"  # without the setting it looks like a uniqueid


def _bad_lines() -> tuple[str, list[tuple[int, str]]]:
    good = Row()
    lines = [
        good.line(),
        ",".join(['"x"'] * 9) + "\n",
        replace(good, uniqueid="2", linkedid="2", start=None).line(),
        good.line().replace("2026-03-02 09:00:00", f"{CALLER}", 1),
        good.line().replace("2026-03-02 09:00:05", "2026-13-02 09:00:05", 1),
        good.line().replace('"2026-03-02 09:01:05"', '"02/03/2026 09:01"', 1),
        good.line().replace(",65,60,", f",{MOBILE}x,60,", 1),
        good.line().replace(",65,60,", ",65,1.5,", 1),
        good.line().replace(",65,60,", ",65,-3,", 1),
        good.line().replace('"ANSWERED"', '"PICKED UP"', 1),
        replace(good, uniqueid="4", linkedid="4").line().replace('"from-pstn"', '"from\npstn"'),
        good.line().replace(',"Dial",', ',"Dial"x,', 1),
        "\n",
        replace(good, uniqueid="3", linkedid="3").line(),
    ]
    expected = [
        (2, "columns: expected 16 to 21, found 9"),
        (3, "start: missing"),
        (4, "start: not a date"),
        (5, "answer: not a date"),
        (6, "end: not a date"),
        (7, "duration: not a whole number of seconds"),
        (8, "billsec: not a whole number of seconds"),
        (9, "billsec: negative"),
        (10, "disposition: unknown"),
        (13, "record: not valid CSV"),
    ]
    return "".join(lines), expected


def test_every_bad_row_kind_is_refused_with_its_reason_and_first_line() -> None:
    text, expected = _bad_lines()
    items = _parse(text)
    assert [(bad.location.line, bad.reason) for bad in _bad(items)] == expected
    assert [call.location.line for call in _calls(items) if call.location] == [1, 11, 15]


def test_refusals_never_carry_the_content_but_keep_the_raw_line() -> None:
    text, _ = _bad_lines()
    bad = _bad(_parse(text))
    for record in bad:
        assert not re.search(r"\d{3}", record.reason)
        assert CALLER not in str(record)
        assert CALLER not in repr(record)
    assert bad[0].raw == ",".join(['"x"'] * 9) + "\n"
    assert CALLER in bad[2].raw  # kept for the quarantine, which encrypts it


@pytest.mark.parametrize(
    ("src", "clid", "presentation"),
    [
        ("anonymous", '"Anonymous" <anonymous>', Presentation.RESTRICTED),
        ("Anonymous", "", Presentation.RESTRICTED),
        ("restricted", "", Presentation.RESTRICTED),
        ("private", '"Private"', Presentation.RESTRICTED),
        ("", '"Anonymous" <>', Presentation.RESTRICTED),
        ("unavailable", "", Presentation.UNAVAILABLE),
        ("", "", Presentation.UNAVAILABLE),
    ],
)
def test_a_withheld_caller_has_no_number_and_no_name(
    src: str, clid: str, presentation: Presentation
) -> None:
    (call,) = _calls(_parse(Row(src=src, clid=clid).line()))
    assert call.caller.presentation is presentation
    assert call.caller.number is None
    assert call.caller.name is None
    assert call.caller.withheld
    expected = Direction.INBOUND if presentation is Presentation.RESTRICTED else Direction.UNKNOWN
    assert call.direction is expected


@pytest.mark.parametrize(
    ("src", "dst", "direction"),
    [
        (CALLER, "301", Direction.INBOUND),
        ("+442079460123", "s", Direction.INBOUND),
        ("301", MOBILE, Direction.OUTBOUND),
        ("301", "+447700900456", Direction.OUTBOUND),
        ("301", "302", Direction.INTERNAL),
        ("client1", "client2", Direction.INTERNAL),
        (CALLER, MOBILE, Direction.UNKNOWN),
        ("301", "", Direction.UNKNOWN),
        ("301", "*97", Direction.UNKNOWN),
    ],
)
def test_direction_is_set_only_on_evidence(src: str, dst: str, direction: Direction) -> None:
    (call,) = _calls(_parse(Row(src=src, dst=dst, clid="").line()))
    assert call.direction is direction


@pytest.mark.parametrize(
    ("dstchannel", "agent"),
    [
        ("SIP/301-00000007", "301"),
        ("PJSIP/client2-00000003", "client2"),
        ("IAX2/4410-0000abcd", "4410"),
        ("Local/2004@from-queue-0000000a;1", "2004"),
        (f"SIP/{MOBILE}-0000000b", None),
        (f"Local/{MOBILE}@from-internal-0000000c;1", None),
        ("DAHDI/1-1", None),
        ("", None),
    ],
)
def test_the_agent_is_an_extension_never_a_phone_number(dstchannel: str, agent: str | None) -> None:
    (call,) = _calls(_parse(Row(dstchannel=dstchannel).line()))
    assert call.agent_id == agent
    assert call.legs[0].agent_id == agent


def test_an_outbound_call_nobody_answered_takes_the_dialling_agent() -> None:
    row = Row(src="301", dst=MOBILE, clid='"Desk" <301>', channel="SIP/301-00000001")
    row = replace(row, dstchannel="SIP/trunk-00000002", answer=None, billsec=0)
    (call,) = _calls(_parse(replace(row, disposition="NO ANSWER").line()))
    assert call.direction is Direction.OUTBOUND
    assert call.agent_id == "301"


def test_a_row_that_went_through_a_queue_names_it() -> None:
    (call,) = _calls(_parse(Row(lastapp="Queue", lastdata="support,t,,,300").line()))
    assert call.queue == "support"
    # the number dialled was the queue's, not a person's
    assert call.callee.number is None


def test_wait_is_answer_minus_start_or_until_the_caller_hung_up() -> None:
    (answered,) = _calls(_parse(Row().line()))
    assert answered.wait_s == 5  # answered 5 s after the start
    (unanswered,) = _calls(
        _parse(
            Row(
                answer=None,
                billsec=0,
                duration=40,
                disposition="NO ANSWER",
                end=T0 + timedelta(seconds=40),
            ).line()
        )
    )
    assert unanswered.wait_s == 40


def _linked(linkedid: str, uniqueid: str, sequence: int, **changes: Any) -> Row:
    return replace(Row(), linkedid=linkedid, uniqueid=uniqueid, sequence=sequence, **changes)


def test_talk_time_counts_a_local_channel_bridge_once_and_a_transfer_in_full() -> None:
    at = T0 + timedelta(seconds=5)
    local_pair = [
        _linked("9.1", "9.2", 1, dstchannel="SIP/301-00000003", channel="Local/301@q-0001;2"),
        _linked("9.1", "9.1", 2, dstchannel="Local/ch1@q-00000001;1"),
    ]
    transfer = [
        _linked("8.1", "8.1", 3, answer=at, billsec=30, end=at + timedelta(seconds=30)),
        _linked(
            "8.1",
            "8.1",
            4,
            answer=at + timedelta(seconds=30),
            billsec=45,
            end=at + timedelta(seconds=75),
            dstchannel="SIP/302-00000009",
        ),
    ]
    calls = _by_id(_calls(_parse("".join(row.line() for row in local_pair + transfer))))
    assert calls["9.1"].talk_s == 60.0
    assert calls["9.1"].agent_id == "301"  # the device channel before the Local one
    assert calls["8.1"].talk_s == 75.0
    assert calls["8.1"].agent_id == "302"  # talked longest


def test_rows_of_one_call_interleaved_with_others_are_grouped() -> None:
    rows = [
        _linked("1.1", "1.2", 1, channel="Local/ch1@q-00000001;2"),
        _linked("2.1", "2.1", 2),
        _linked("1.1", "1.1", 3),
        _linked("3.1", "3.1", 4),
        _linked("1.1", "1.3", 5, channel="Local/ch2@q-00000002;2"),
    ]
    calls = _calls(_parse("".join(row.line() for row in rows)))
    assert {call.source_id: len(call.legs) for call in calls} == {"1.1": 3, "2.1": 1, "3.1": 1}


def test_a_group_closes_after_the_grace_that_follows_its_originating_row() -> None:
    later = T0 + timedelta(minutes=10)
    rows = [
        _linked("1.1", "1.1", 1),
        _linked("2.1", "2.1", 2, start=later, answer=later, end=later),
        _linked("1.1", "1.5", 3),  # too late: a second call under the same id
    ]
    items = _parse("".join(row.line() for row in rows))
    assert [(c.source_id, len(c.legs)) for c in _calls(items)] == [
        ("1.1", 1),
        ("2.1", 1),
        ("1.1", 1),
    ]


def test_a_group_waiting_for_its_originating_row_stays_open_for_the_gap() -> None:
    far = T0 + timedelta(minutes=90)
    rows = [
        _linked("1.1", "1.2", 1, channel="Local/ch1@q-00000001;2", billsec=0, answer=None),
        _linked("2.1", "2.1", 2, start=far, answer=far, end=far),
        _linked("1.1", "1.1", 3, start=T0, end=far + timedelta(seconds=1)),
    ]
    calls = _calls(_parse("".join(row.line() for row in rows)))
    assert {c.source_id: len(c.legs) for c in calls} == {"1.1": 2, "2.1": 1}
    shorter = AsteriskCdrCsvParser(gap=timedelta(hours=1))
    split = _calls(_parse("".join(row.line() for row in rows), shorter))
    assert [c.source_id for c in split] == ["1.1", "2.1", "1.1"]


class CountingStream(io.StringIO):
    """A text stream that counts the lines taken from it."""

    lines_read = 0

    def __next__(self) -> str:  # type: ignore[override]  # typeshed: IOBase yields bytes
        self.lines_read += 1
        return super().__next__()


def test_the_window_never_holds_more_than_max_open_groups() -> None:
    rows = [_linked(f"{n}.1", f"{n}.2", n) for n in range(5)]  # none is an originating row
    stream = CountingStream("".join(row.line() for row in rows))
    calls = AsteriskCdrCsvParser(max_open_groups=2).parse(stream, source="g", tz=LONDON)
    first = next(calls)
    assert isinstance(first, RawCall)
    assert first.source_id == "0.1"
    assert stream.lines_read == 3  # closed as the third group opened, long before the end
    rest = [call.source_id for call in calls if isinstance(call, RawCall)]
    assert rest == ["1.1", "2.1", "3.1", "4.1"]


def _many_rows(count: int) -> Iterator[str]:
    """Calls of three rows each (the originating one first), one second apart, written fast."""
    template = Row(src="{number}", clid='"Caller {name}" <{number}>', sequence=0).line()
    template = template.replace("1772441000.1", "{uniqueid}", 1).replace("1772441000.1", "{linked}")
    template = template.replace("2026-03-02 09:00:00", "{at}").replace(
        "2026-03-02 09:00:05", "{at}"
    )
    template = template.replace("2026-03-02 09:01:05", "{at}").replace(",0\n", ",{n}\n")
    for n in range(count):
        base = 1772441000 + n // 3
        yield template.format(
            number=f"0113496{n % 1000:04d}",
            name=n % 7,
            uniqueid=f"{base}.{n}",
            linked=f"{base}.{n - n % 3}",
            at=(T0 + timedelta(seconds=n)).isoformat(" "),
            n=n,
        )


@pytest.mark.slow
def test_a_200k_row_file_streams_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "Master.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.writelines(_many_rows(200_000))
    assert path.stat().st_size > 40_000_000
    calls = 0
    tracemalloc.start()
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            for item in AsteriskCdrCsvParser().parse(stream, source="big", tz=LONDON):
                calls += isinstance(item, RawCall)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert calls == 66_667
    assert peak < 8_000_000  # a small window and caches, not the file (over 40 MB)


# --- properties ---------------------------------------------------------------------------

_seconds = st.integers(min_value=0, max_value=36_000)
_names = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters='",<>'),
    max_size=30,
)
_rows = st.builds(
    Row,
    src=st.integers(0, 999).map(lambda n: f"02079460{n:03d}"),
    clid=_names.map(lambda name: f'"{name}" <{CALLER}>'),
    dst=st.sampled_from(["301", "client2", "s", MOBILE]),
    start=st.integers(-(10**9), 10**9).map(lambda s: T0 + timedelta(seconds=s)),
    answer=st.none(),
    duration=_seconds,
    billsec=_seconds,
    disposition=st.sampled_from(["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"]),
)


@settings(max_examples=200, deadline=None)
@given(row=_rows, answered_after=st.none() | _seconds)
def test_any_written_row_reads_back_as_the_same_leg(row: Row, answered_after: int | None) -> None:
    start = row.start
    assert start is not None
    if answered_after is not None:  # answered within the call: an answer after its end is bad
        answered_after = min(answered_after, row.duration)
    answer = None if answered_after is None else start + timedelta(seconds=answered_after)
    row = replace(row, answer=answer, end=start + timedelta(seconds=row.duration))
    (call,) = _calls(_parse(row.line(), AsteriskCdrCsvParser(usegmtime=True)))
    (leg,) = call.legs
    assert leg.start == start.replace(tzinfo=UTC)
    assert leg.answer == (None if answer is None else answer.replace(tzinfo=UTC))
    assert leg.end == start.replace(tzinfo=UTC) + timedelta(seconds=row.duration)
    assert (leg.duration_s, leg.talk_s) == (row.duration, row.billsec)
    assert leg.disposition.value == row.disposition.lower().replace(" ", "_")
    assert leg.caller.number == row.src
    name = row.clid[1 : row.clid.rindex('" <')]
    assert leg.caller.name == (None if name in ("", row.src) else name)
    assert leg.callee.number == row.dst
