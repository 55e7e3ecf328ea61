"""FreeSWITCH `mod_cdr_csv` with the vanilla "example" template: one row per call (its A-leg).

Columns (docs/legal-rules.md C3): caller_id_name, caller_id_number, destination_number, context,
start_stamp, answer_stamp, end_stamp, duration, billsec, hangup_cause, uuid, bleg_uuid,
accountcode, read_codec, write_codec. `source_id` is the uuid.

Two spellings are read alike: FreeSWITCH's own (every field double-quoted, stamps
`YYYY-MM-DD HH:MM:SS`) and the same file re-saved by a spreadsheet (quotes dropped, stamps
`YYYY/M/D HH:MM[:SS]`). Stamps carry no zone and are read in the `tz` given (at a clock change
the repeated hour is taken as its first pass). A first row that repeats the column names is
skipped as a header (a `SkippedLine`).

Disposition. A call with an answer stamp or billsec > 0 was answered, whatever the hangup cause
(the cause says how it ended: RECOVERY_ON_TIMER_EXPIRE after 30 s of talk is an answered call).
Otherwise `HANGUP_DISPOSITIONS` below decides:

| disposition | hangup_cause |
|---|---|
| no_answer  | NO_ANSWER, NO_USER_RESPONSE, ORIGINATOR_CANCEL, ALLOTTED_TIMEOUT, PROGRESS_TIMEOUT,
|            | NORMAL_CLEARING and NORMAL_UNSPECIFIED (cleared unanswered), LOSE_RACE, PICKED_OFF |
| busy       | USER_BUSY |
| congestion | NORMAL_CIRCUIT_CONGESTION, SWITCH_CONGESTION |
| failed     | CALL_REJECTED, UNALLOCATED_NUMBER, NORMAL_TEMPORARY_FAILURE, the routing, network,
|            | protocol and gateway causes (see `_FAILED`) |
| unknown    | any other cause, or none |

Presentation of the caller: an empty or all-zero caller_id_number (`0`, `0000000000`: what
FreeSWITCH writes when nobody supplied one, as in the sample's `,0,` row) is `unavailable`;
otherwise the PBX-wide rule `domain.calls.queue_calls.caller_party` applies (`anonymous`,
`restricted`, `private`, `withheld` -> restricted; `unavailable`, `unknown` -> unavailable).
A withheld or unavailable caller keeps neither number nor name.

Direction: context `public` (where vanilla FreeSWITCH puts calls from outside) is inbound;
the template says nothing else about direction, so any other context is `unknown`.

Times: talk_s = billsec; wait_s = duration - billsec when answered (time before answer), or the
whole duration when not (time before the caller gave up), as for the other CDR formats. The
template has no queue, agent or ring data (mod_callcenter writes those to XML CDRs).

Refused (`domain.calls.record_limits`): a stamp or a number in anything but ASCII digits, a stamp
before 1990 or more than a day after the ingest, a duration or billsec that is negative or over
72 hours, an answer before the start or after the end, an end before the start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from dataward.adapters.ingest.csv_rows import (
    CsvRows,
    columns_problem,
    fields_but,
    head_rows,
    one_row,
)
from dataward.domain.calls.parties import caller_party
from dataward.domain.calls.record_limits import RecordLimits
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

COLUMNS = (
    "caller_id_name",
    "caller_id_number",
    "destination_number",
    "context",
    "start_stamp",
    "answer_stamp",
    "end_stamp",
    "duration",
    "billsec",
    "hangup_cause",
    "uuid",
    "bleg_uuid",
    "accountcode",
    "read_codec",
    "write_codec",
)
_WIDTH = len(COLUMNS)
_NAME, _NUMBER, _DESTINATION, _CONTEXT, _START, _ANSWER, _END, _DURATION, _BILLSEC = range(9)
_CAUSE, _UUID, _BLEG_UUID = 9, 10, 11
_NOT_A_PARTY = frozenset({_START, _ANSWER, _END, _DURATION, _BILLSEC, _UUID, _BLEG_UUID})

_NO_ANSWER = (
    "NO_ANSWER",
    "NO_USER_RESPONSE",
    "ORIGINATOR_CANCEL",
    "ALLOTTED_TIMEOUT",
    "PROGRESS_TIMEOUT",
    "NORMAL_CLEARING",
    "NORMAL_UNSPECIFIED",
    "LOSE_RACE",
    "PICKED_OFF",
)
_CONGESTION = ("NORMAL_CIRCUIT_CONGESTION", "SWITCH_CONGESTION")
_FAILED = (
    "CALL_REJECTED",
    "UNALLOCATED_NUMBER",
    "NORMAL_TEMPORARY_FAILURE",
    "NO_ROUTE_TRANSIT_NET",
    "NO_ROUTE_DESTINATION",
    "CHANNEL_UNACCEPTABLE",
    "NUMBER_CHANGED",
    "REDIRECTION_TO_NEW_DESTINATION",
    "EXCHANGE_ROUTING_ERROR",
    "DESTINATION_OUT_OF_ORDER",
    "INVALID_NUMBER_FORMAT",
    "FACILITY_REJECTED",
    "NETWORK_OUT_OF_ORDER",
    "REQUESTED_CHAN_UNAVAIL",
    "OUTGOING_CALL_BARRED",
    "INCOMING_CALL_BARRED",
    "BEARERCAPABILITY_NOTAUTH",
    "BEARERCAPABILITY_NOTAVAIL",
    "BEARERCAPABILITY_NOTIMPL",
    "SERVICE_UNAVAILABLE",
    "SERVICE_NOT_IMPLEMENTED",
    "CHAN_NOT_IMPLEMENTED",
    "FACILITY_NOT_IMPLEMENTED",
    "INCOMPATIBLE_DESTINATION",
    "MANDATORY_IE_MISSING",
    "INVALID_IE_CONTENTS",
    "WRONG_CALL_STATE",
    "RECOVERY_ON_TIMER_EXPIRE",
    "PROTOCOL_ERROR",
    "INTERWORKING",
    "SUBSCRIBER_ABSENT",
    "USER_NOT_REGISTERED",
    "GATEWAY_DOWN",
    "INVALID_GATEWAY",
    "INVALID_PROFILE",
    "MEDIA_TIMEOUT",
)
HANGUP_DISPOSITIONS: Mapping[str, Disposition] = {
    **dict.fromkeys(_NO_ANSWER, Disposition.NO_ANSWER),
    "USER_BUSY": Disposition.BUSY,
    **dict.fromkeys(_CONGESTION, Disposition.CONGESTION),
    **dict.fromkeys(_FAILED, Disposition.FAILED),
}
"""How an unanswered call ended, by hangup_cause; a cause not listed is `unknown`."""

INBOUND_CONTEXTS = frozenset({"public"})
_NAMES = ("start_stamp", "answer_stamp", "end_stamp")
_SPREADSHEET_STAMP = re.compile(
    r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2}) ([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?", re.ASCII
)
_UTC = ZoneInfo("UTC")


class FreeswitchCdrCsvParser:
    """Reads `Master.csv` written by mod_cdr_csv with the "example" template."""

    name = "freeswitch-cdr-csv"

    def sniff(self, head: list[str]) -> float:
        """Share of the first rows with 15 columns, a readable start stamp, an upper-case hangup
        cause and a uuid (a header row repeating the column names counts as a match)."""
        rows = head_rows(head)
        if not rows:
            return 0.0
        fitting = sum(1 for row in rows if _is_header(row) or _looks_like_a_call(row))
        return 0.95 * fitting / len(rows)

    def parse(
        self, stream: TextIO, *, source: str, tz: ZoneInfo, now: datetime | None = None
    ) -> Iterator[ParsedItem]:
        rows = CsvRows(stream, source=source)
        limits = RecordLimits.at(now)
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
            if len(row) != _WIDTH:
                yield rows.bad(columns_problem(len(row), _WIDTH))
                continue
            try:
                yield _call(row, tz, limits, rows.location())
            except BadField as bad:
                yield rows.bad(bad)

    def is_header(self, line: str) -> bool:
        """The row repeating the column names, which `parse` skips."""
        rows = head_rows([line])
        return bool(rows) and _is_header(rows[0])

    def agent_fields(self, raw: str) -> list[str]:  # noqa: ARG002 - the Parser protocol
        """The template has no agent column."""
        return []

    def party_fields(self, raw: str) -> list[str] | None:
        """A row of the template's 15 columns: all but its stamps, durations and uuids."""
        row = one_row(raw)
        if row is None or len(row) != _WIDTH:
            return None
        return fields_but(row, _NOT_A_PARTY)


def _call(row: list[str], tz: ZoneInfo, limits: RecordLimits, location: SourceLocation) -> RawCall:
    uuid = row[_UUID]
    if not uuid:
        raise BadField("uuid", "empty")
    start_text, answer_text, end_text = row[_START], row[_ANSWER], row[_END]
    start = _in_range(start_text, tz, limits, 0)
    answer = end = None  # the same text twice (answered at once, ended at once) parses once
    if answer_text:
        answer = start if answer_text == start_text else _in_range(answer_text, tz, limits, 1)
    if end_text:
        end = start if end_text == start_text else _in_range(end_text, tz, limits, 2)
    limits.order(start, answer, end, _NAMES)
    duration = limits.seconds(row[_DURATION], "duration")
    billsec = limits.seconds(row[_BILLSEC], "billsec")
    answered = answer is not None or billsec > 0
    if answered:
        disposition = Disposition.ANSWERED
        wait = max(duration - billsec, 0)
    else:
        disposition = HANGUP_DISPOSITIONS.get(row[_CAUSE], Disposition.UNKNOWN)
        wait = duration
    destination = row[_DESTINATION]
    return RawCall(
        source_id=uuid,
        start=start,
        answer=answer,
        end=end,
        direction=Direction.INBOUND if row[_CONTEXT] in INBOUND_CONTEXTS else Direction.UNKNOWN,
        disposition=disposition,
        caller=_caller(row[_NUMBER], row[_NAME]),
        callee=RawParty(
            number=destination or None,
            presentation=Presentation.ALLOWED if destination else Presentation.UNAVAILABLE,
        ),
        wait_s=float(wait),
        talk_s=float(billsec),
        location=location,
        format=FreeswitchCdrCsvParser.name,
    )


def _caller(number: str, name: str) -> RawParty:
    if not number.strip("0"):
        return RawParty(presentation=Presentation.UNAVAILABLE)
    return caller_party(number, name or None)


def _in_range(text: str, tz: ZoneInfo, limits: RecordLimits, which: int) -> datetime:
    column = _NAMES[which]
    try:
        wall = datetime.fromisoformat(text)  # ASCII digits only
    except ValueError:
        wall = _spreadsheet_stamp(text, column)
    if wall.tzinfo is not None:
        return limits.time(wall, column)
    return limits.local(wall, tz, column)


def _spreadsheet_stamp(text: str, column: str) -> datetime:
    """`2020/2/10 22:41` or `2020/2/10 22:41:05`, naive: the sample after a spreadsheet saved
    it."""
    match = _SPREADSHEET_STAMP.fullmatch(text)
    if match is None:
        raise BadField(column, "not a timestamp")
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 (zone added by the caller)
    except ValueError:
        raise BadField(column, "not a timestamp") from None


def _is_header(row: list[str]) -> bool:
    return len(row) == _WIDTH and row[_UUID].strip().casefold() == "uuid"


def _looks_like_a_call(row: list[str]) -> bool:
    if len(row) != _WIDTH:
        return False
    uuid, cause = row[_UUID], row[_CAUSE]
    if len(uuid) != 36 or uuid.count("-") != 4 or not cause.replace("_", "").isupper():
        return False
    try:
        _in_range(row[_START], _UTC, RecordLimits(), 0)
    except BadField:
        return False
    return True
