"""BroadWorks accounting CDRs as CSV: column N (1-based) holds field N of the accounting record.

The field numbers are BroadSoft's (the FreeRADIUS `dictionary.broadsoft`, docs/legal-rules.md
C4); rows are wide (300-odd columns) and only the fields in `Field` are read. `source_id` is
recordId.

Header: Freeside's importer skips one header line. A first row whose startTime column (10)
begins with a letter (a column title) is taken as that header and skipped; any later such row,
or a first row with no startTime at all, is a bad one.

Record types: only `Normal` records are calls. The others (long-call interim records,
failover, service activations...) are not calls and not errors: they are skipped (a
`SkippedLine` each) and counted in `skipped_non_call` (reset at each `parse`), so an import can
report them.

Times are `YYYYMMDDhhmmss.mmm`. userTimeZone (field 11, e.g. `1+0000`, `0+0100`) is read as a
daylight-saving digit (optional) then the UTC offset in force, `±hhmm[ss]`; the stamps are taken
as local time at that offset. Where field 11 is empty or unreadable the `tz` given is used.
(docs/legal-rules.md C4 asks for this to be checked on a real export.)
wait_s = answerTime - startTime, or releaseTime - startTime when unanswered; talk_s =
releaseTime - answerTime. Each time lies from 1990 to a day after the ingest, an answer neither
before the start nor after the release, and no span over 72 hours (`domain.calls.record_limits`).

Answer: answerIndicator `Yes` or `Yes-PostRedirection` (answered after a forward) is answered
and then needs an answerTime; `No` takes its disposition from the Q.850 terminationCause:
17 busy; 34 and 42 congestion; the causes in `_FAILED_CAUSES` failed; any other (16 normal
release, 18/19 no answer, 31, ...) no_answer, as Freeside reads every `No`.

Parties: callingNumber (7) is the caller, with callingPresentationIndicator (8): `Public` or
empty -> allowed, `Private` -> restricted, `Unavailable` -> unavailable, anything else ->
restricted (fail safe). A caller not allowed keeps neither number nor name (as the other
parsers do, and as `Presentation.RESTRICTED` is stored: withheld, never a number); an empty
callingNumber is unavailable. calledNumber (9) is the callee. otherPartyName (122) names the
other party (the caller of a Terminating record, the callee of an Originating one) only when
its indicator (123) is empty or `Public`.

Records of one call (a call centre's and the agent's it delivered the call to) are tied by
call ids: a record's localCallId (field 45) and the relatedCallId (field 147) of the call it
came from (`RawCall.links`, joined into one call as `domain.calls.correlation` rules).

Direction: Originating -> outbound, Terminating -> inbound, else unknown.

Agent and queue: agent_id is userId (121), the BroadWorks user the record belongs to: the
agent on an agent's record (on a call centre's own record it is the call centre's id).
queue is callCenterUserId (273), which sits with the call centre's outgoing-call fields (254,
274): the call centre an agent's call was made for. Both readings want a real export. Either
must be printable text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from enum import IntEnum
from typing import TextIO
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
from dataward.domain.calls.record_limits import RecordLimits, ascii_digits, elapsed
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


class Field(IntEnum):
    """BroadWorks accounting field numbers read here (1-based CSV column numbers)."""

    RECORD_ID = 1
    TYPE = 3
    USER_NUMBER = 4
    DIRECTION = 6
    CALLING_NUMBER = 7
    CALLING_PRESENTATION = 8
    CALLED_NUMBER = 9
    START_TIME = 10
    USER_TIME_ZONE = 11
    ANSWER_INDICATOR = 12
    ANSWER_TIME = 13
    RELEASE_TIME = 14
    TERMINATION_CAUSE = 15
    LOCAL_CALL_ID = 45
    USER_ID = 121
    OTHER_PARTY_NAME = 122
    OTHER_PARTY_NAME_PRESENTATION = 123
    RELATED_CALL_ID = 147
    CALL_CENTER_USER_ID = 273


MIN_COLUMNS = Field.TERMINATION_CAUSE.value
"""A row needs at least the first 15 fields; later ones read as empty when a row stops short."""

NOT_A_PARTY = frozenset(
    {
        1,
        10,
        11,
        13,
        14,
        25,
        28,
        30,
        44,
        45,
        46,
        48,
        49,
        52,
        63,
        65,
        67,
        69,
        71,
        73,
        75,
        77,
        79,
        81,
        83,
        85,
        87,
        89,
        91,
        93,
        95,
        97,
        99,
        101,
        103,
        105,
        107,
        109,
        111,
        113,
        115,
        117,
        119,
        126,
        128,
        133,
        137,
        139,
        140,
        142,
        147,
        149,
        151,
        153,
        154,
        155,
        158,
        160,
        162,
        164,
        166,
        168,
        170,
        172,
        174,
        176,
        178,
        184,
        186,
        200,
        201,
        202,
        204,
        212,
        213,
        227,
        229,
        232,
        234,
        236,
        238,
        240,
        244,
        257,
        259,
        261,
        263,
        265,
        267,
        276,
        277,
        279,
        281,
        283,
        287,
        288,
        290,
        292,
        295,
        296,
        298,
        300,
        301,
        302,
        309,
        315,
        324,
        325,
        327,
        329,
        331,
        333,
        335,
        337,
        340,
        343,
        347,
    }
)
"""The fields (by number) that hold a time, a time zone, a duration or a call's, record's or
conference's id, as `dictionary.broadsoft` names them (`...-Time`, `...-Callid`, `Record-id`,
`Conference-Id`, `...Duration`...): never a party. A user's id (`UserId`, field 121, an
agent) is no call id, and stays searched."""
_NOT_A_PARTY = frozenset(number - 1 for number in NOT_A_PARTY)

# 0-based positions, computed once (an IntEnum lookup per field per row costs time at 10M rows).
_RECORD_ID = Field.RECORD_ID - 1
_TYPE = Field.TYPE - 1
_DIRECTION = Field.DIRECTION - 1
_CALLING = Field.CALLING_NUMBER - 1
_CALLING_PRESENTATION = Field.CALLING_PRESENTATION - 1
_CALLED = Field.CALLED_NUMBER - 1
_START = Field.START_TIME - 1
_ZONE = Field.USER_TIME_ZONE - 1
_ANSWERED = Field.ANSWER_INDICATOR - 1
_ANSWER = Field.ANSWER_TIME - 1
_RELEASE = Field.RELEASE_TIME - 1
_CAUSE = Field.TERMINATION_CAUSE - 1
_USER_ID = Field.USER_ID - 1
_OTHER_NAME = Field.OTHER_PARTY_NAME - 1
_OTHER_NAME_PRESENTATION = Field.OTHER_PARTY_NAME_PRESENTATION - 1
_CALL_CENTER = Field.CALL_CENTER_USER_ID - 1
_LOCAL_CALL_ID = Field.LOCAL_CALL_ID - 1
_RELATED_CALL_ID = Field.RELATED_CALL_ID - 1
_LONGEST_ID = 200

CALL_TYPE = "normal"
DIRECTIONS = {"originating": Direction.OUTBOUND, "terminating": Direction.INBOUND}
PRESENTATIONS = {
    "public": Presentation.ALLOWED,
    "private": Presentation.RESTRICTED,
    "unavailable": Presentation.UNAVAILABLE,
}
_ANSWERED_WORDS = frozenset({"yes", "yes-postredirection"})
_UNANSWERED_WORDS = frozenset({"no", "no-postredirection"})
_BUSY_CAUSES = frozenset({17})
_CONGESTION_CAUSES = frozenset({34, 42})
_FAILED_CAUSES = frozenset(
    {1, 2, 3, 4, 5, 6, 20, 21, 22, 25, 26, 27, 28, 29, 38, 41, 44, 47, 50, 55, 57, 58, 63}
    | set(range(65, 70))
    | set(range(79, 128))
)
_ZONE_PATTERN = re.compile(r"[01]?([+-])(\d\d)(\d\d)(\d\d)?", re.ASCII)
_START_NAME = "startTime (field 10)"
_ANSWER_NAME = "answerTime (field 13)"
_RELEASE_NAME = "releaseTime (field 14)"
_TIME_NAMES = (_START_NAME, _ANSWER_NAME, _RELEASE_NAME)


class BroadworksCsvParser:
    """Reads BroadWorks accounting CDR files in CSV (one record a row, fields by number)."""

    name = "broadworks-csv"

    def __init__(self) -> None:
        self.skipped_non_call = 0
        self._offsets: dict[str, str | None] = {}

    def sniff(self, head: list[str]) -> float:
        """Share of the first rows that are at least 15 columns wide with a BroadWorks startTime
        and an Originating/Terminating direction (a leading header row is not counted)."""
        rows = head_rows(head)
        if rows and _is_header(rows[0]):
            rows = rows[1:]
        if not rows:
            return 0.0
        fitting = sum(
            1
            for row in rows
            if len(row) >= MIN_COLUMNS
            and _is_stamp(row[_START])
            and row[_DIRECTION].casefold() in DIRECTIONS
        )
        return 0.95 * fitting / len(rows)

    def parse(
        self, stream: TextIO, *, source: str, tz: ZoneInfo, now: datetime | None = None
    ) -> Iterator[ParsedItem]:
        self.skipped_non_call = 0
        limits = RecordLimits.at(now)
        rows = CsvRows(stream, source=source)
        first = True
        for row in rows:
            if isinstance(row, BadRecord):
                yield row
                continue
            if first:
                first = False
                if _is_header(row):
                    yield rows.skipped("header")
                    continue
            if len(row) < MIN_COLUMNS:
                yield rows.bad(columns_problem(len(row), MIN_COLUMNS, at_least=True))
                continue
            kind = row[_TYPE].strip().casefold()
            if kind != CALL_TYPE:
                if not kind:
                    yield rows.bad(BadField("type (field 3)", "empty"))
                else:
                    self.skipped_non_call += 1
                    yield rows.skipped("not a call record")
                continue
            try:
                yield self._call(row, tz, limits, rows.location())
            except BadField as bad:
                yield rows.bad(bad)

    def is_header(self, line: str) -> bool:
        """A first row whose startTime does not begin with a digit, which `parse` skips."""
        rows = head_rows([line])
        return bool(rows) and _is_header(rows[0])

    def agent_fields(self, raw: str) -> list[str]:
        """userId (field 121), the BroadWorks user the record belongs to."""
        return [_at(split_raw(raw), _USER_ID)]

    def party_fields(self, raw: str) -> list[str] | None:
        """A row of at least 15 columns: all but the fields that hold times, durations and
        call ids (`NOT_A_PARTY`)."""
        row = one_row(raw)
        if row is None or len(row) < MIN_COLUMNS:
            return None
        return fields_but(row, _NOT_A_PARTY)

    def _call(
        self, row: list[str], tz: ZoneInfo, limits: RecordLimits, location: SourceLocation
    ) -> RawCall:
        record_id = row[_RECORD_ID]
        if not record_id:
            raise BadField("recordId (field 1)", "empty")
        offset = self._offset(row[_ZONE])
        start = _stamp(row[_START], offset, tz, _START_NAME, limits)
        release = None
        if row[_RELEASE]:
            release = _stamp(row[_RELEASE], offset, tz, _RELEASE_NAME, limits)
        answered = row[_ANSWERED].strip().casefold()
        answer = None
        if answered in _ANSWERED_WORDS:
            if not row[_ANSWER]:
                raise BadField(_ANSWER_NAME, "empty on an answered call")
            answer = _stamp(row[_ANSWER], offset, tz, _ANSWER_NAME, limits)
            disposition = Disposition.ANSWERED
        elif answered in _UNANSWERED_WORDS:
            disposition = _unanswered(row[_CAUSE])
        else:
            raise BadField("answerIndicator (field 12)", "not Yes, Yes-PostRedirection or No")
        limits.order(start, answer, release, _TIME_NAMES)
        wait = talk = None
        if answer is not None:
            wait = elapsed(start, answer)
            if release is not None:
                talk = elapsed(answer, release)
        elif release is not None:
            wait = elapsed(start, release)
        direction = DIRECTIONS.get(row[_DIRECTION].strip().casefold(), Direction.UNKNOWN)
        agent, queue = _at(row, _USER_ID), _at(row, _CALL_CENTER)
        other_name = _other_party_name(row)
        caller_name = other_name if direction is Direction.INBOUND else None
        callee_name = other_name if direction is Direction.OUTBOUND else None
        return RawCall(
            source_id=record_id,
            start=start,
            answer=answer,
            end=release,
            direction=direction,
            disposition=disposition,
            caller=_caller(row[_CALLING], row[_CALLING_PRESENTATION], caller_name),
            callee=RawParty(
                number=row[_CALLED] or None,
                presentation=Presentation.ALLOWED if row[_CALLED] else Presentation.UNAVAILABLE,
                name=callee_name,
            ),
            agent_id=printable(agent, "userId (field 121)") if agent else None,
            queue=printable(queue, "callCenterUserId (field 273)") if queue else None,
            wait_s=wait,
            talk_s=talk,
            location=location,
            format=BroadworksCsvParser.name,
            links=_links(row),
        )

    def _offset(self, text: str) -> str | None:
        """userTimeZone as an ISO 8601 offset (`+01:00`), None when unusable; remembered per
        distinct value (a file has few)."""
        try:
            return self._offsets[text]
        except KeyError:
            pass
        offset = None
        match = _ZONE_PATTERN.fullmatch(text.strip())
        if match is not None:
            sign, hours, minutes, seconds = match.groups()
            if int(hours) < 24 and int(minutes) < 60 and int(seconds or 0) < 60:
                offset = f"{sign}{hours}:{minutes}" + (f":{seconds}" if seconds else "")
        if len(self._offsets) < 1000:  # a bound, should a file put garbage in every row
            self._offsets[text] = offset
        return offset


def _links(row: list[str]) -> tuple[str, ...]:
    """The call ids that tie this record to the others of its call: its own localCallId and
    the relatedCallId of the call it was delivered from (a call centre's, for an agent's
    record); ids that are not printable or are over-long are not used."""
    ids = {_at(row, _LOCAL_CALL_ID).strip(), _at(row, _RELATED_CALL_ID).strip()}
    return tuple(sorted(i for i in ids if i and len(i) <= _LONGEST_ID and i.isprintable()))


def _unanswered(cause: str) -> Disposition:
    code = int(cause) if ascii_digits(cause) and len(cause) <= 3 else 0
    if code in _BUSY_CAUSES:
        return Disposition.BUSY
    if code in _CONGESTION_CAUSES:
        return Disposition.CONGESTION
    if code in _FAILED_CAUSES:
        return Disposition.FAILED
    return Disposition.NO_ANSWER


def _caller(number: str, indicator: str, name: str | None) -> RawParty:
    if not number:
        return RawParty(presentation=Presentation.UNAVAILABLE)
    if not indicator:
        return RawParty(number=number, name=name)
    presentation = PRESENTATIONS.get(indicator.strip().casefold(), Presentation.RESTRICTED)
    if presentation is not Presentation.ALLOWED:
        return RawParty(presentation=presentation)
    return RawParty(number=number, name=name)


def _other_party_name(row: list[str]) -> str | None:
    name = _at(row, _OTHER_NAME)
    if not name:
        return None
    indicator = _at(row, _OTHER_NAME_PRESENTATION).strip().casefold()
    return name if indicator in ("", "public") else None


def _at(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _is_stamp(text: str) -> bool:
    if len(text) == 14:
        return ascii_digits(text)
    return (
        len(text) > 15 and text[14] == "." and ascii_digits(text[:14]) and ascii_digits(text[15:])
    )


def _stamp(
    text: str, offset: str | None, tz: ZoneInfo, what: str, limits: RecordLimits
) -> datetime:
    """`YYYYMMDDhhmmss[.fff]` (1 to 6 fraction digits) at `offset`, or in `tz` without one.

    Checked here, then read by `fromisoformat` as ISO 8601 basic format: several times faster
    than building the datetime from slices, which matters at 10M rows."""
    if not _is_stamp(text) or len(text) > 21:
        raise BadField(what, "not a BroadWorks timestamp")
    try:
        if offset is not None:
            moment = datetime.fromisoformat(f"{text[:8]}T{text[8:]}{offset}")
        else:
            moment = datetime.fromisoformat(f"{text[:8]}T{text[8:]}").replace(tzinfo=tz)
    except ValueError:
        raise BadField(what, "not a BroadWorks timestamp") from None
    return limits.time(moment, what)


def _is_header(row: list[str]) -> bool:
    """A first row whose startTime is a title: it begins with a letter."""
    start = row[_START].lstrip()[:1] if len(row) > _START else ""
    return start.isascii() and start.isalpha()
