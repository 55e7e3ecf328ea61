"""Asterisk queue_log (docs/legal-rules.md C2): `epoch|callid|queue|agent|EVENT|data1|...`.

Every line with a known event becomes a `QueueEvent` (epoch converted to an aware time in the
given zone; callid NONE / REALTIME / CLI, queue NONE and agent NONE become None). The same
events are fed to `domain.calls.queue_calls`, so the stream also carries a `RawCall` for each queue
call, yielded right after the event that completes it (and the calls still open at the end).
A line is refused as a `BadRecord` for: fewer than 5 fields; a time that is not an epoch in
ASCII digits, or is before 1990 or more than a day after the ingest; an event name this parser
does not know; a field the call assembly reads (holdtime, calltime, ringtime, waittime) that is
not whole seconds in ASCII digits (a negative one included) or is over 72 hours
(`domain.calls.record_limits`); a queue name that is not printable. An event for a call whose
ENTERQUEUE is not in the stream, or that ends a call before it entered or was answered, is
reported as the assembler decides (see `domain.calls.queue_calls`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from dataward.domain.calls.queue_calls import NUMERIC_FIELDS, QueueCallAssembler
from dataward.domain.calls.record_limits import RecordLimits, ascii_digits
from dataward.domain.calls.telephony import (
    BadField,
    BadRecord,
    ParsedItem,
    QueueEvent,
    QueueEventKind,
    SourceLocation,
)

__all__ = ["AsteriskQueueLogParser"]

_KINDS = {kind.value: kind for kind in QueueEventKind}
_NOT_A_CALL = frozenset({"", "NONE", "REALTIME", "CLI"})
_MIN_FIELDS = 5
_SNIFF_CONFIDENCE = 0.95
_MILLISECONDS = frozenset({QueueEventKind.RINGNOANSWER})  # its ringtime is in ms
_NOT_A_PARTY: dict[QueueEventKind, tuple[int, ...]] = {
    kind: tuple(index for index, _label in fields) for kind, fields in NUMERIC_FIELDS.items()
}
_NOT_A_PARTY[QueueEventKind.CONNECT] += (1,)  # the bridged channel's uniqueid
"""Each known event's data fields (0-based, negative from the end) that hold durations or ids,
never a party."""


class AsteriskQueueLogParser:
    """Streams queue_log lines as `QueueEvent`s interleaved with the calls they complete."""

    name = "asterisk-queue-log"

    def __init__(
        self,
        *,
        horizon: timedelta = timedelta(hours=24),
        max_open_calls: int = 100_000,
        assemble_calls: bool = True,
    ) -> None:
        self.horizon = horizon
        self.max_open_calls = max_open_calls
        self.assemble_calls = assemble_calls

    def sniff(self, head: list[str]) -> float:
        lines = [line.rstrip("\r\n") for line in head if line.strip()]
        if not lines:
            return 0.0
        good = 0
        for line in lines:
            fields = line.split("|")
            if len(fields) >= _MIN_FIELDS and ascii_digits(fields[0]) and fields[4] in _KINDS:
                good += 1
        return _SNIFF_CONFIDENCE * good / len(lines)

    def parse(
        self, stream: TextIO, *, source: str, tz: ZoneInfo, now: datetime | None = None
    ) -> Iterator[ParsedItem]:
        assembler = QueueCallAssembler(
            tz=tz, horizon=self.horizon, max_open=self.max_open_calls, source_format=self.name
        )
        limits = RecordLimits.at(now)
        last_time: str | None = None  # the last time read, and its datetime
        last_at = datetime.fromtimestamp(0, tz)
        for number, line in enumerate(stream, 1):
            text = line.rstrip("\r\n")
            if not text:
                continue
            fields = text.split("|")
            where = SourceLocation(source, number)
            refused = _refusal(fields, limits, check_time=fields[0] != last_time)
            if refused is not None:
                yield BadRecord.of(where, refused, raw=line)
                continue
            if fields[0] != last_time:  # neighbouring lines share their second
                last_time, last_at = fields[0], datetime.fromtimestamp(int(fields[0]), tz)
            call_id, queue, agent = fields[1], fields[2], fields[3]
            event = QueueEvent(
                at=last_at,
                call_id=None if call_id in _NOT_A_CALL else call_id,
                queue=None if queue in _NOT_A_CALL else queue,
                agent=None if agent in _NOT_A_CALL else agent,
                kind=_KINDS[fields[4]],
                data=tuple(fields[5:]),
                location=where,
            )
            yield event
            if self.assemble_calls:
                for item in assembler.feed(event):
                    if isinstance(item, BadRecord) and item.location == where:
                        item = replace(item, raw=line)  # noqa: PLW2901 (the orphan's own line)
                    yield item
        if self.assemble_calls:
            yield from assembler.finish()

    def is_header(self, line: str) -> bool:  # noqa: ARG002 - the Parser protocol
        """A queue_log has no header: its first line is an event."""
        return False

    def agent_fields(self, raw: str) -> list[str]:
        """The agent field (the fourth), an interface such as `SIP/200`."""
        return raw.rstrip("\r\n").split("|")[3:4]

    def party_fields(self, raw: str) -> list[str] | None:
        """A line of at least five fields: all but its time, its call id, and, for an event
        this parser knows, the data fields that event fills with durations or ids (CONNECT's
        bridged channel's uniqueid). An unknown event's data fields are all kept."""
        fields = raw.rstrip("\r\n").split("|")
        if len(fields) < _MIN_FIELDS:
            return None
        data = len(fields) - _MIN_FIELDS
        left_out = {0, 1}
        kind = _KINDS.get(fields[4])
        if kind is not None:
            for index in _NOT_A_PARTY.get(kind, ()):
                if -data <= index < data:
                    left_out.add(_MIN_FIELDS + index if index >= 0 else len(fields) + index)
        return [field for at, field in enumerate(fields) if at not in left_out]


def _refusal(fields: list[str], limits: RecordLimits, *, check_time: bool) -> BadField | None:
    """Why these fields are not a queue_log line, in words without their content."""
    if len(fields) < _MIN_FIELDS:
        return BadField("fields", f"expected at least {_MIN_FIELDS}, found {len(fields)}")
    try:
        if check_time:
            limits.epoch(fields[0], "time")
        kind = _KINDS.get(fields[4])
        if kind is None:
            return BadField("event", "unknown")
        data_count = len(fields) - _MIN_FIELDS
        scale = 1000 if kind in _MILLISECONDS else 1
        for index, label in NUMERIC_FIELDS.get(kind, ()):
            if -data_count <= index < data_count:
                value = fields[_MIN_FIELDS + index if index >= 0 else index]
                if len(value) < 6 and value.isdigit() and value.isascii():
                    continue  # under 100 000: in range whatever the unit
                if value:
                    limits.seconds(value, label, scale=scale)
        if not fields[2].isprintable():
            return BadField("queue", "not printable text")
    except BadField as refused:
        return refused
    return None
