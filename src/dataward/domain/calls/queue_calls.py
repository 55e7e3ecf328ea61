"""Queue calls assembled from Asterisk queue_log events (docs/legal-rules.md C2 and C5). Pure.

A call is followed by its callid from ENTERQUEUE to the event that ends it:

- CONNECT answers it: wait = holdtime (data1), ring += ringtime (data3, seconds), agent = the
  agent field reduced to an extension (`SIP/8007` -> `8007`, `Local/2004@from-internal/n` ->
  `2004`); then COMPLETECALLER / COMPLETEAGENT (talk = calltime, data2) or a TRANSFER variant
  (talk = its calltime field) ends it as answered.
- ABANDON (wait = data3) ends it as abandoned; EXITWITHTIMEOUT / EXITEMPTY (wait = data3) and
  EXITWITHKEY (wait = data4) end it as overflow.
- RINGNOANSWER adds its ringtime (milliseconds) to the call's ring time.

Decisions:
- Entering a queue is evidence of an inbound call: every assembled call is `INBOUND`.
- Memory is bounded: open calls sit in insertion order; a call entered more than `horizon`
  before the event being read (the log's own clock), or the oldest one when more than
  `max_open` are open, is flushed without its end. So is every call still open when the events
  run out, and a call entered again under the same callid. Such a call is `ANSWERED` (no end, no
  talk time) if it was connected, `UNKNOWN` otherwise; it is never a `BadRecord`, because its
  lines were read correctly.
- An event for a callid that is not open is not a call. A non-terminal one (RINGNOANSWER of a
  call entered in an earlier log) stays a plain `QueueEvent`; a terminal one yields a
  `BadRecord` so the call missing from the call metrics is visible (its line was still read).
- An ending that cannot be this call's is a `BadRecord` of its line, and the call stays open
  (flushed later without its end): one timed before the ENTERQUEUE or before the CONNECT
  (an answer after the end), or one without a CONNECT whose calltime is longer than the call
  had been in the queue (an answer before the start). So is a CONNECT timed before the
  ENTERQUEUE, and the call stays unanswered. So is a RINGNOANSWER or CONNECT that
  would take the call's ring time past `record_limits.LONGEST`, and it is not counted.
- A call re-entering a queue under the same callid (overflow from one queue into another) gives
  one call per queue visit, all with `source_id` = the callid. Only the first visit carries
  the callid as its link to the call's other records (the CDR's legs,
  `domain.calls.correlation`); a callid is remembered as entered for the last `2 * max_open`
  calls.
- queue_log names no callee (the number dialled): the callee is `UNAVAILABLE`.

The party rules here (`caller_party`, `looks_like_extension`, `agent_id_from_interface`) are
shared with the Asterisk CDR parser.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from dataward.domain.calls.parties import agent_id_from_interface, caller_party
from dataward.domain.calls.record_limits import LONGEST
from dataward.domain.calls.telephony import (
    BadField,
    BadRecord,
    Direction,
    Disposition,
    Presentation,
    QueueEvent,
    QueueEventKind,
    RawCall,
    RawParty,
    SourceLocation,
)

__all__ = [
    "NUMERIC_FIELDS",
    "QueueCallAssembler",
    "assemble_queue_calls",
]

K = QueueEventKind


NUMERIC_FIELDS: Mapping[QueueEventKind, tuple[tuple[int, str], ...]] = {
    K.CONNECT: ((0, "holdtime"), (2, "ringtime")),
    K.COMPLETECALLER: ((0, "holdtime"), (1, "calltime")),
    K.COMPLETEAGENT: ((0, "holdtime"), (1, "calltime")),
    K.ABANDON: ((2, "waittime"),),
    K.EXITWITHTIMEOUT: ((2, "waittime"),),
    K.EXITEMPTY: ((2, "waittime"),),
    K.EXITWITHKEY: ((3, "waittime"),),
    K.RINGNOANSWER: ((0, "ringtime"),),
    K.TRANSFER: ((2, "holdtime"), (3, "calltime")),
    K.BLINDTRANSFER: ((2, "holdtime"), (3, "calltime")),
    # counted from the end: the LINK method writes two channel names where others write one
    K.ATTENDEDTRANSFER: ((-3, "holdtime"), (-2, "calltime")),
}
"""The data fields (0-based) the assembler reads as whole seconds (milliseconds for ringtime
of RINGNOANSWER), so a parser can refuse a line whose field is not a number."""

_WAIT_FIELD = {K.ABANDON: 2, K.EXITWITHTIMEOUT: 2, K.EXITEMPTY: 2, K.EXITWITHKEY: 3}
_HOLD_FIELD = {
    K.COMPLETECALLER: 0,
    K.COMPLETEAGENT: 0,
    K.TRANSFER: 2,
    K.BLINDTRANSFER: 2,
    K.ATTENDEDTRANSFER: -3,
}
_TALK_FIELD = {kind: index + 1 for kind, index in _HOLD_FIELD.items()}  # calltime follows


@dataclass(slots=True)
class _OpenCall:
    call_id: str
    queue: str | None
    start: datetime
    caller: RawParty
    location: SourceLocation | None
    start_epoch: float  # the instants the checks compare (exact across a clock change)
    answer: datetime | None = None
    answer_epoch: float | None = None
    wait_s: float | None = None
    ring_s: float | None = None
    agent_id: str | None = None
    first: bool = True  # the call's first visit to a queue in this log


_NO_CALLEE = RawParty(None, Presentation.UNAVAILABLE)
_LONGEST_S = LONGEST.total_seconds()
_UNKNOWN_PLACE = SourceLocation("queue_log", 0)


def _seconds(data: tuple[str, ...], index: int) -> float | None:
    """A field the parser checked as whole seconds in ASCII digits; None where it is not one."""
    if not -len(data) <= index < len(data):
        return None
    text = data[index]
    return float(text) if text.isascii() and text.isdigit() else None


class QueueCallAssembler:
    """Incremental form of `assemble_queue_calls`: feed events one by one, then `finish`."""

    def __init__(
        self,
        *,
        tz: tzinfo,
        horizon: timedelta = timedelta(hours=24),
        max_open: int = 100_000,
        source_format: str = "asterisk-queue-log",
    ) -> None:
        self._tz = tz
        self._horizon = horizon
        self._max_open = max_open
        self._format = source_format
        self._open: OrderedDict[str, _OpenCall] = OrderedDict()
        self._entered: OrderedDict[str, None] = OrderedDict()  # callids seen, newest last

    def feed(self, event: QueueEvent) -> list[RawCall | BadRecord]:
        """The calls (and orphan endings) this event completes, oldest first."""
        done: list[RawCall | BadRecord] = []
        self._expire(event.at, done)
        call_id = event.call_id
        if call_id is None:
            return done
        kind = event.kind
        if kind is K.ENTERQUEUE:
            self._enter(call_id, event, done)
            return done
        call = self._open.get(call_id)
        ending = kind in _TALK_FIELD or kind in _WAIT_FIELD
        refused: BadField | None = None
        if call is None:
            if ending:
                problem = f"{kind.value} of a call not entered in this log"
                refused = BadField("callid", problem)
        elif kind is K.RINGNOANSWER:
            refused = _add_ringing(call, _seconds(event.data, 0), scale=1000)
        elif kind is K.CONNECT:
            at = event.at.timestamp()
            refused = _before_entering(call, event, at) or _add_ringing(
                call, _seconds(event.data, 2)
            )
            if refused is None:
                self._connect(call, event)
                call.answer_epoch = at
        elif ending:
            refused = _impossible_end(call, event, event.at.timestamp())
            if refused is None:
                del self._open[call_id]
                done.append(self._ended(call, event))
        if refused is not None:
            done.append(BadRecord.of(event.location or _UNKNOWN_PLACE, refused))
        return done

    def finish(self) -> Iterator[RawCall]:
        """Flush the calls still open when the events run out (see the module's decisions)."""
        while self._open:
            yield self._unfinished(self._open.popitem(last=False)[1])

    def _expire(self, now: datetime, done: list[RawCall | BadRecord]) -> None:
        oldest = now - self._horizon
        while self._open:
            first = next(iter(self._open.values()))
            if first.start >= oldest:
                return
            del self._open[first.call_id]
            done.append(self._unfinished(first))

    def _enter(self, call_id: str, event: QueueEvent, done: list[RawCall | BadRecord]) -> None:
        previous = self._open.pop(call_id, None)
        if previous is not None:
            done.append(self._unfinished(previous))
        first = previous is None and call_id not in self._entered
        self._entered[call_id] = None
        self._entered.move_to_end(call_id)
        if len(self._entered) > 2 * self._max_open:
            self._entered.popitem(last=False)
        data = event.data
        number = data[1] if len(data) > 1 else ""
        name = (data[3] or None) if len(data) > 3 else None
        self._open[call_id] = _OpenCall(
            call_id=call_id,
            queue=event.queue,
            start=event.at.astimezone(self._tz),
            caller=caller_party(number, name, empty=Presentation.RESTRICTED),
            location=event.location,
            start_epoch=event.at.timestamp(),
            first=first,
        )
        if len(self._open) > self._max_open:
            done.append(self._unfinished(self._open.popitem(last=False)[1]))

    def _connect(self, call: _OpenCall, event: QueueEvent) -> None:
        call.answer = event.at.astimezone(self._tz)
        call.wait_s = _seconds(event.data, 0)
        if event.agent is not None:
            call.agent_id = agent_id_from_interface(event.agent)

    def _ended(self, call: _OpenCall, event: QueueEvent) -> RawCall:
        kind = event.kind
        end = event.at.astimezone(self._tz)
        if kind in _WAIT_FIELD:
            outcome = Disposition.ABANDONED if kind is K.ABANDON else Disposition.OVERFLOW
            wait = _seconds(event.data, _WAIT_FIELD[kind])
            return self._call(call, outcome, end=end, wait_s=wait, talk_s=None)
        talk = _seconds(event.data, _TALK_FIELD[kind])
        if call.answer is None:  # ended as answered without a CONNECT line
            call.answer = end - timedelta(seconds=talk or 0.0)
            call.wait_s = _seconds(event.data, _HOLD_FIELD[kind])
        if call.agent_id is None and event.agent is not None:
            call.agent_id = agent_id_from_interface(event.agent)
        return self._call(call, Disposition.ANSWERED, end=end, wait_s=call.wait_s, talk_s=talk)

    def _unfinished(self, call: _OpenCall) -> RawCall:
        outcome = Disposition.UNKNOWN if call.answer is None else Disposition.ANSWERED
        return self._call(call, outcome, end=None, wait_s=call.wait_s, talk_s=None)

    def _call(
        self,
        call: _OpenCall,
        disposition: Disposition,
        *,
        end: datetime | None,
        wait_s: float | None,
        talk_s: float | None,
    ) -> RawCall:
        return RawCall(
            source_id=call.call_id,
            start=call.start,
            answer=call.answer,
            end=end,
            direction=Direction.INBOUND,
            disposition=disposition,
            caller=call.caller,
            callee=_NO_CALLEE,
            agent_id=call.agent_id,
            queue=call.queue,
            wait_s=wait_s,
            ring_s=call.ring_s,
            talk_s=talk_s,
            location=call.location,
            format=self._format,
            links=(call.call_id,) if call.first else (),
        )


def _add_ringing(call: _OpenCall, ring: float | None, *, scale: int = 1) -> BadField | None:
    """Add ring time to the call's, unless that would pass the longest a call may take."""
    if ring is None:
        return None
    total = (call.ring_s or 0.0) + ring / scale
    if total > _LONGEST_S:
        return BadField("ringtime", "the call's ring time would pass 72 hours")
    call.ring_s = total
    return None


def _before_entering(call: _OpenCall, event: QueueEvent, at: float) -> BadField | None:
    """An event of the call (at epoch `at`) timed before it entered the queue."""
    if at < call.start_epoch:
        return BadField("time", f"{event.kind.value} before the call's ENTERQUEUE")
    return None


def _impossible_end(call: _OpenCall, event: QueueEvent, end: float) -> BadField | None:
    """Why `event` (at epoch `end`) cannot end `call` (see the module's decisions)."""
    if (early := _before_entering(call, event, end)) is not None:
        return early
    if call.answer_epoch is not None:
        if end < call.answer_epoch:
            return BadField("time", f"{event.kind.value} before the call's CONNECT")
    elif event.kind in _TALK_FIELD:
        talk = _seconds(event.data, _TALK_FIELD[event.kind])
        if talk is not None and end - talk < call.start_epoch:
            return BadField("calltime", "longer than the call had been in the queue")
    return None


def assemble_queue_calls(
    events: Iterable[QueueEvent],
    *,
    tz: tzinfo,
    horizon: timedelta = timedelta(hours=24),
    max_open: int = 100_000,
) -> Iterator[RawCall | BadRecord]:
    """The calls these queue events describe, each yielded as soon as it ends."""
    assembler = QueueCallAssembler(tz=tz, horizon=horizon, max_open=max_open)
    for event in events:
        yield from assembler.feed(event)
    yield from assembler.finish()
