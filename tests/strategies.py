"""Hypothesis strategies shared by the suite: hostile telephony files for the parser and ingest
fuzz tests, and phone numbers as files spell them (`spelt_numbers`, `line_around`).

A hostile file is a handful of lines of one format, each a real line of it (the shared samples'
lines when they are present, and the fixture lines below, whose numbers are from Ofcom's drama
ranges) kept as it is or mutated: fields replaced by hostile values (other scripts' digits and
superscripts, huge and negative numbers, times out of range, quotes, newlines, NULs, random
text), fields dropped or added, the line cut short, text pushed into it, or a line of random
characters. Every value that carries a run of seven or more digits (the shape of a phone
number) or characters other than ASCII is recorded as a *marker*, so a test can check that no
message repeats one.

`fuzz_settings(n)` bounds a fuzz test: `n` examples and a deadline in the normal suite (and so
in CI); with HYPOTHESIS_PROFILE=deep in the environment, a hundred times as many and no
deadline, for a longer search by hand.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from dataward.adapters.ingest import generic_csv
from dataward.adapters.ingest.asterisk_cdr import CDR_CUSTOM_DEFAULT
from dataward.adapters.ingest.detect import open_parser
from dataward.adapters.ingest.freeswitch_cdr import COLUMNS as FREESWITCH_COLUMNS
from dataward.services.ports import Parser
from tests.samples import SAMPLES

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
"""The ingest's time in the fuzz tests (the integration world's clock): never the real one."""

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def fuzz_settings(examples: int, *, deadline_ms: int = 2_000) -> settings:
    """`examples` examples, each within the deadline; a deeper search under
    HYPOTHESIS_PROFILE=deep."""
    return settings(
        max_examples=examples * 100 if DEEP else examples,
        deadline=None if DEEP else timedelta(milliseconds=deadline_ms),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        print_blob=True,
    )


# --- the formats' real lines -----------------------------------------------------------------


def _csv_line(values: list[str], *, quote_all: bool = True) -> str:
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(out, quoting=quoting, lineterminator="").writerow(values)
    return out.getvalue()


def _cdr_csv_line(start: str, answer: str, end: str, n: int) -> str:
    """A cdr_csv row with uniqueid, userfield and the newcdrcolumns (21 columns); its duration
    counted from the start, its billsec from the answer (none without one), as Asterisk does."""
    ended = datetime.fromisoformat(end)
    duration = int((ended - datetime.fromisoformat(start)).total_seconds())
    billsec = int((ended - datetime.fromisoformat(answer)).total_seconds()) if answer else 0
    values = [
        "",
        "02079460123",
        "301",
        "from-pstn",
        '"Test Caller" <02079460123>',
        "PJSIP/trunk-00000001",
        "PJSIP/301-00000002",
        "Queue",
        "support,t,,,300",
        start,
        answer,
        end,
        str(duration),
        str(billsec),
        "ANSWERED" if answer else "NO ANSWER",
        "DOCUMENTATION",
        f"1772441000.{n}",
        "",
        "",
        f"1772441000.{n}",
        str(n),
    ]
    unquoted = {12, 13, 20}  # cdr_csv writes duration, billsec and sequence bare
    return ",".join(
        value if at in unquoted else '"' + value.replace('"', '""') + '"'
        for at, value in enumerate(values)
    )


def _cdr_custom_line(start: str, answer: str, end: str, n: int) -> str:
    values = {
        "clid": '"Reception" <01134960001>',
        "src": "01134960001",
        "dst": "2001",
        "dcontext": "from-pstn",
        "channel": "PJSIP/trunk-0000000a",
        "dstchannel": "PJSIP/2001-0000000b",
        "lastapp": "Dial",
        "lastdata": "PJSIP/2001,20",
        "start": start,
        "answer": answer,
        "end": end,
        "duration": "64",
        "billsec": "60" if answer else "0",
        "disposition": "ANSWERED" if answer else "NO ANSWER",
        "amaflags": "DOCUMENTATION",
        "accountcode": "",
        "uniqueid": f"1772441000.{n}",
        "userfield": "",
        "sequence": str(n),
    }
    return _csv_line([values[name] for name in CDR_CUSTOM_DEFAULT])


def _freeswitch_line(**changes: str) -> str:
    values = {
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
    } | changes
    return _csv_line([values[name] for name in FREESWITCH_COLUMNS])


BROADWORKS_CALL: dict[int, str] = {
    1: "0001-rec-000001",
    2: "sp-test",
    3: "Normal",
    4: "+441134960456",
    5: "+441134960000",
    6: "Terminating",
    7: "+442079460123",
    8: "Public",
    9: "+441134960456",
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


def _broadworks_line(width: int, **changes: str) -> str:
    fields = BROADWORKS_CALL | {int(key.removeprefix("f")): value for key, value in changes.items()}
    row = [""] * width
    for number, value in fields.items():
        if number <= width:
            row[number - 1] = value
    return _csv_line(row, quote_all=False)


GENERIC_MAPPING = Path(generic_csv.__file__).parent / "mappings" / "example.yaml"
"""The shipped example column mapping, which the generic-csv lines below follow."""

GENERIC_HEADER = (
    "Call ID,Started,Answered,Ended,Direction,Result,From,From Name,CLI Privacy,To,Agent,"
    "Queue,Queue Time,Talk Time"
)
"""The header of the shipped example mapping's export (mappings/example.yaml)."""

_FIXTURES: dict[str, tuple[str, ...]] = {
    "asterisk-cdr-csv": (
        _cdr_csv_line("2026-03-02 09:00:00", "2026-03-02 09:00:05", "2026-03-02 09:01:05", 1),
        _cdr_csv_line("2026-03-02 09:05:00", "", "2026-03-02 09:05:30", 2),
    ),
    "asterisk-cdr-custom": (
        _cdr_custom_line("2026-03-02 09:00:00", "2026-03-02 09:00:04", "2026-03-02 09:01:04", 7),
        _cdr_custom_line("2026-03-02 09:10:00", "", "2026-03-02 09:10:30", 8),
    ),
    "asterisk-queue-log": (
        "1772441000|1772441000.1|sales|NONE|ENTERQUEUE||01134960001|1",
        "1772441006|1772441000.1|sales|SIP/2001|CONNECT|6|1772441000.2|3",
        "1772441066|1772441000.1|sales|SIP/2001|COMPLETECALLER|6|60|1",
        "1772441100|1772441100.3|support|NONE|ENTERQUEUE||07700900123|1",
        "1772441130|1772441100.3|support|NONE|ABANDON|1|1|30",
        "1772441140|1772441100.3|support|SIP/2002|RINGNOANSWER|15000",
        "1772441150|NONE|NONE|NONE|QUEUESTART|",
    ),
    "freeswitch-cdr-csv": (
        _freeswitch_line(),
        _freeswitch_line(
            answer_stamp="",
            billsec="0",
            duration="20",
            hangup_cause="NO_ANSWER",
            uuid="5b0c7f1e-0000-4000-8000-000000000002",
            start_stamp="2026-07-01 10:00:00",
            end_stamp="2026-07-01 10:00:20",
        ),
        ",".join(FREESWITCH_COLUMNS),  # a header, skipped only as a file's first line
    ),
    "broadworks-csv": (
        _broadworks_line(300),
        _broadworks_line(20, f1="0001-rec-000002", f12="No", f13="", f15="17"),
        _broadworks_line(300, f1="0001-rec-000003", f3="Long Duration"),
    ),
    "generic-csv": (
        (
            "C-0001,25/11/2026 09:03:07,25/11/2026 09:03:27,25/11/2026 09:08:27,IN,ANSWERED,"
            "02079460123,Test Caller,SHOWN,01134960456,agent-7,sales,20,300"
        ),
        (
            "C-0002,25/11/2026 09:05:00,,25/11/2026 09:06:10,in,abandoned,07700900123,Test Name,"
            "Withheld,01134960456,,sales,70,"
        ),
        "C-0003,25/11/2026 09:00,,,OUT,ENGAGED,01134960456,,,07700900555,agent-7,,,",
    ),
}

_SAMPLE_FILES = {
    "asterisk-cdr-csv": (
        "asterisk_cdr-csv_Master.csv__mineevburyat-dj-asterisk-cdr__PSEUDONYMISED.csv"
    ),
    "asterisk-cdr-custom": "asterisk_cdr-custom_Master.csv__KelySaina-cdr.csv",
    "asterisk-queue-log": "asterisk_queue_log__assembled_from_public_examples.txt",
    "freeswitch-cdr-csv": (
        "freeswitch_cdr-csv_example-template_Master.csv__Kxingyunliushui-freeswitch_tools.csv"
    ),
}


def _sample_lines(name: str) -> tuple[str, ...]:
    """The sample file's lines, when the samples are here (CI insists they are)."""
    path = SAMPLES / _SAMPLE_FILES[name] if name in _SAMPLE_FILES else None
    if path is None or not path.is_file():
        return ()
    return tuple(line for line in path.read_text("utf-8").splitlines() if line.strip())


# --- how each format's times are written -----------------------------------------------------


def _dash(t: datetime) -> str:
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"


def _slash(t: datetime) -> str:
    return f"{t.year}/{t.month}/{t.day} {t.hour:02d}:{t.minute:02d}"


def _uk(t: datetime) -> str:
    return f"{t.day:02d}/{t.month:02d}/{t.year:04d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"


def _basic(t: datetime) -> str:
    return f"{t.year:04d}{t.month:02d}{t.day:02d}{t.hour:02d}{t.minute:02d}{t.second:02d}.000"


def _epoch(t: datetime) -> str:
    return str(int((t.replace(tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()))


@dataclass(frozen=True)
class Layout:
    """One format as the strategies write it."""

    name: str
    separator: str
    lines: tuple[str, ...]
    times: tuple[Callable[[datetime], str], ...]
    header: str | None = None  # a first line the format needs (the mapping's header)
    hot: tuple[int, ...] = ()  # the fields (0-based) the parser reads, in a wide row
    around: datetime = NOW  # when the fixture lines' calls are, to write times out of order
    time_fields: tuple[int, ...] = ()  # where a line's times are (0-based)


_AROUND = {
    "asterisk-cdr-csv": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    "asterisk-cdr-custom": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    "asterisk-queue-log": datetime(2026, 3, 2, 8, 43, tzinfo=UTC),
    "freeswitch-cdr-csv": datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
    "broadworks-csv": datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
}

_TIME_FIELDS = {
    "asterisk-cdr-csv": (9, 10, 11),
    "asterisk-cdr-custom": (8, 9, 10),
    "asterisk-queue-log": (0,),
    "freeswitch-cdr-csv": (4, 5, 6),
    "broadworks-csv": (9, 12, 13),
    "generic-csv": (1, 2, 3),
}

LAYOUTS: dict[str, Layout] = {
    name: Layout(
        name=name,
        separator="|" if name == "asterisk-queue-log" else ",",
        lines=_FIXTURES[name] + _sample_lines(name),
        times=times,
        header=GENERIC_HEADER if name == "generic-csv" else None,
        hot=tuple(number - 1 for number in BROADWORKS_CALL) if name == "broadworks-csv" else (),
        around=_AROUND.get(name, NOW),
        time_fields=_TIME_FIELDS[name],
    )
    for name, times in {
        "asterisk-cdr-csv": (_dash,),
        "asterisk-cdr-custom": (_dash,),
        "asterisk-queue-log": (_epoch,),
        "freeswitch-cdr-csv": (_dash, _slash),
        "broadworks-csv": (_basic,),
        "generic-csv": (_uk, _epoch, _dash),
    }.items()
}


def parser_for(name: str) -> Parser:
    """The parser of a format by its name (generic-csv with the example mapping)."""
    return open_parser(name, mapping=GENERIC_MAPPING if name == "generic-csv" else None)


# --- hostile values --------------------------------------------------------------------------

FOREIGN_DIGITS = "²³¹⁰⁴₂٠١٢٣٤٥٦٧٨٩۴०१२३০੩௧๓០１２３߃᠑"
"""Superscripts, subscripts and other scripts' digits: `str.isdigit` takes all of them."""

_MARKER = re.compile(r"[0-9]{7,}")
_EDGES = tuple(
    moment.replace(tzinfo=None)  # naive, as the formats write them
    for moment in (
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(1989, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(1990, 1, 1, 0, 0, 0, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    )
)


def is_marker(value: str) -> bool:
    """A value no message may repeat: a run of 7+ digits, or anything not ASCII."""
    return bool(_MARKER.search(value)) or not value.isascii()


_markers = st.integers(1_000_000, 999_999_999_999).map(str)
_huge = st.integers(10**13, 10**40).map(str) | st.just("9" * 5000)
_nonsense_numbers = st.sampled_from(
    ["-1", "-0", "+5", " 5 ", "5_000", "1e30", "1E3", "nan", "inf", "0x1F", "5.5", "259201"]
)
_specials = st.sampled_from(['"', '""', "'", ",", "|", "\n", "\r", "\r\n", "\x00", "\u2028", " "])
_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=16)
_letters = st.sampled_from(["abc", "O", "x", " ext. ", ";ext="])  # inside a number


@st.composite
def hostile_time(draw: st.DrawFn, layout: Layout) -> str:
    """A time written as the format writes it, often out of range (or just in it)."""
    shape = draw(st.sampled_from(layout.times))
    near_now = NOW.replace(tzinfo=None) + timedelta(hours=draw(st.integers(-48, 96)))
    # near the lines' own calls, so that a time moves before or after its neighbours'
    near_calls = layout.around.replace(tzinfo=None) + timedelta(
        seconds=draw(st.integers(-7200, 7200))
    )
    moment = draw(st.sampled_from((*_EDGES, near_now, near_calls, near_calls)) | st.datetimes())
    return shape(moment)


@st.composite
def hostile_value(draw: st.DrawFn, layout: Layout) -> str:
    """One field's worth of hostility."""
    marker = draw(_markers)
    return draw(
        st.one_of(
            st.just(""),
            st.just(marker),
            st.just("-" + marker),
            st.just(marker + draw(st.sampled_from(FOREIGN_DIGITS))),
            st.just(marker[:4] + draw(_letters) + marker[4:]),
            st.text(alphabet=FOREIGN_DIGITS, min_size=1, max_size=12),
            st.integers(-(10**6), -1).map(str),
            _huge,
            _nonsense_numbers,
            _specials,
            _text,
            _text.map(lambda text: text + marker),
            hostile_time(layout),
        )
    )


# --- hostile lines and files -----------------------------------------------------------------


@dataclass(frozen=True)
class HostileFile:
    """A generated file: its text and the hostile values written into it."""

    text: str
    markers: frozenset[str]


def _split(layout: Layout, line: str) -> list[str]:
    if layout.separator == "|":
        return line.split("|")
    rows = list(csv.reader([line]))
    return rows[0] if rows else [""]


def _join(draw: st.DrawFn, layout: Layout, fields: list[str]) -> str:
    if layout.separator == "|":
        return "|".join(fields)
    how = draw(st.sampled_from(["minimal", "minimal", "all", "all", "raw"]))
    if how == "raw":  # no quoting at all: embedded quotes and commas break the record
        return ",".join(fields)
    return _csv_line(fields, quote_all=how == "all")


_MUTATIONS = ("keep", "keep", *["fields"] * 4, "time", "time", "count", "cut", "insert", "noise")
"""How a line is changed, the likelier ones repeated."""


def _remember(markers: set[str], value: str) -> str:
    if is_marker(value):
        markers.add(value)
    return value


def _mutate_fields(
    draw: st.DrawFn, layout: Layout, fields: list[str], mutation: str, markers: set[str]
) -> list[str]:
    if mutation == "time":  # a time moved: out of range, or before or after its neighbours'
        for at in draw(st.sets(st.sampled_from(layout.time_fields), min_size=1)):
            if at < len(fields):
                fields[at] = _remember(markers, draw(hostile_time(layout)))
    elif mutation == "count":
        if fields and draw(st.booleans()):
            del fields[draw(st.integers(0, len(fields) - 1)) :]
        else:
            fields += [""] * draw(st.integers(1, 5))
    else:
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(fields) - 1))
            if layout.hot and draw(st.booleans()):
                at = min(draw(st.sampled_from(layout.hot)), len(fields) - 1)
            fields[at] = _remember(markers, draw(hostile_value(layout)))
    return fields


@st.composite
def hostile_line(
    draw: st.DrawFn, layout: Layout, markers: set[str], line: str | None = None
) -> str:
    """A real line of the format (`line`, or one drawn), kept or mutated; hostile values it
    gets are added to `markers` when they are markers."""
    if line is None:
        line = draw(st.sampled_from(layout.lines))
    mutation = draw(st.sampled_from(_MUTATIONS))
    if mutation == "keep":
        return line
    if mutation == "noise":  # random characters, or random bytes read as Latin-1 would be
        noise = draw(_text | st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")))
        return _remember(markers, noise)
    if mutation == "cut":
        return line[: draw(st.integers(0, len(line)))]
    if mutation == "insert":
        at = draw(st.integers(0, len(line)))
        return line[:at] + _remember(markers, draw(hostile_value(layout))) + line[at:]
    fields = _mutate_fields(draw, layout, _split(layout, line), mutation, markers)
    return _join(draw, layout, fields)


@st.composite
def hostile_file(draw: st.DrawFn, layout: Layout, *, max_lines: int = 6) -> HostileFile:
    """Up to `max_lines` lines of the format (after its header, if it needs one), any of them
    hostile, with one kind of line end. The lines are real ones drawn at random, or a run of
    them as they stand in their file (a call's lines together), each then kept or mutated."""
    markers: set[str] = set()
    lines = []
    if layout.header is not None:  # now and then a header that is not the mapping's
        header = replace(layout, lines=(layout.header,), header=None)
        mutated = draw(st.integers(0, 9)) == 0
        lines.append(draw(hostile_line(header, markers)) if mutated else layout.header)
    count = draw(st.integers(1, max_lines))
    if draw(st.booleans()):
        first = draw(st.integers(0, len(layout.lines) - 1))
        run = layout.lines[first : first + count]
        lines += [draw(hostile_line(layout, markers, line)) for line in run]
    else:
        lines += [draw(hostile_line(layout, markers)) for _ in range(count)]
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(lines) + draw(st.sampled_from(["", ending]))
    return HostileFile(text=text, markers=frozenset(markers))


# --- phone numbers as files spell them ---------------------------------------------------

SEPARATORS = " \t-./()[]~\u00a0\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u3000\uff0d\uff0f"
"""What files put between a number's digit groups: spaces, dashes and hyphens of every kind,
dots, slashes, brackets, tildes, the soft hyphen."""

_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}

_NUMBERS = (
    ("44", "7700900", 3),  # a UK mobile in Ofcom's drama range
    ("44", "207946", 4),  # London, drama range
    ("44", "1632960", 3),
    ("33", "1987", 5),  # Paris
    ("1", "2025550", 3),  # Washington, 555-01xx fiction range
)


@dataclass(frozen=True, slots=True)
class SpeltNumber:
    """A number as a file might write it, and its E.164 form."""

    text: str
    e164: str


def _prefixes(country: str) -> list[tuple[str, bool]]:
    """(what is written before the national number, whether it is national) in region GB."""
    international = [("+" + country, False), ("00" + country, False)]
    if country != "44":
        return international
    return [("0", True), ("44", False), ("+44(0)", False), *international]


@st.composite
def spelt_numbers(draw: st.DrawFn) -> SpeltNumber:
    """A number in Ofcom's or another fiction range, spelt with any prefix it may carry, its
    digits cut into groups anywhere (down to one digit a group) and joined by runs of
    separators, or by nothing; now and then a group bracketed or in fullwidth digits."""
    country, start, free = draw(st.sampled_from(_NUMBERS))
    national = start + "".join(str(draw(st.integers(0, 9))) for _ in range(free))
    prefix, _ = draw(st.sampled_from(_prefixes(country)))
    plus = prefix.startswith("+")
    digits = prefix.lstrip("+") + national
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    if draw(st.integers(0, 9)) == 0:
        groups = ["".join(_FULLWIDTH.get(c, c) for c in group) for group in groups]
    if len(groups) > 1 and draw(st.booleans()):
        which = draw(st.integers(0, len(groups) - 1))
        opening, closing = draw(st.sampled_from([("(", ")"), ("[", "]")]))
        groups[which] = opening + groups[which] + closing
    joints = [
        draw(st.text(st.sampled_from(SEPARATORS), min_size=0, max_size=5))
        for _ in range(len(groups) - 1)
    ]
    text = groups[0] + "".join(j + g for j, g in zip(joints, groups[1:], strict=True))
    return SpeltNumber(("+" if plus else "") + text, f"+{country}{national}")


_FIELD = st.text(st.sampled_from("abcXYZ_-:#@0123456789"), max_size=12)
_DELIMITERS = ("|", ",", ";", '"', "\t", " ", "=", ",'", '","')


@st.composite
def line_around(draw: st.DrawFn, middle: str) -> str:
    """`middle` as one field of a line: other fields before and after, each set apart by a
    delimiter a call file uses."""
    before = draw(st.lists(_FIELD, max_size=6))
    after = draw(st.lists(_FIELD, max_size=6))
    left = draw(st.sampled_from(_DELIMITERS))
    right = draw(st.sampled_from(_DELIMITERS))
    return left.join(before) + left + middle + right + right.join(after)
