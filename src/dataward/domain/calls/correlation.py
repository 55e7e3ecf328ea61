"""One call from all its sources: how records of one call are recognised and joined. Pure.

A PBX describes one call in several files: Asterisk writes its legs to the CDR and its queue
events to queue_log (queue_log's callid is the uniqueid of the channel that entered the queue,
one of the CDR legs' uniqueids, usually the linkedid); BroadWorks writes a call centre's record
and each agent's record (the agent's names the call centre's as its related call). A record
carries the PBX's ids (`RawCall.links`); records of one tenant sharing one, of the same PBX
family (`link_family`), whose times lie within `LONGEST` of each other, are one call, stored
as one row, whichever arrives first, in one file or across files and ingests.

The row keeps the identity and start of the record that arrived first (its key in the store
never moves); every later record is joined into it (`join`), and the join does not depend on
the order of arrival:

- **ACD facts** (queue, outcome, queue entry, answer, wait, ring, talk, agent) come from the
  source with the most authority: an ACD event log (queue_log: `ACD_LOG`) over a call detail
  record (`DETAIL`: a CDR, a BroadWorks record), since the log sees the queue itself (a CDR
  calls a caller who left by timeout "NO ANSWER", which reads as abandoned). Between records of
  equal authority (a call centre's record and its agent's) the one that says most wins
  (answered, with an agent, then the longest talk), the queue entry is the earliest, and an
  answered call's wait runs from that entry to the answer.
- **Details** (direction, callee, legs, the format named) come from the call detail record; the
  end is the latest; the caller is the detail record's when both name one.
- **Presentation**: a party any source marks as withheld is withheld (its reference dropped).
- Two visits of one call to two queues (an overflow) are two rows: an ACD log's record joins
  another ACD log's only if it is the same visit (same queue and entry), i.e. the same record
  read again; only a call's first visit carries its callid as a link.

Re-reading a record changes nothing (`join(join(a, b), b) == join(a, b)`), so re-ingest adds
nothing and a late record updates its call once. The anonymous rollups hold each row's
`contribution`: when a join changes it, the old one is taken back and the new one added.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Final, NamedTuple

from dataward.domain.calls.record_limits import LONGEST
from dataward.domain.calls.records import StoredCall
from dataward.domain.calls.telephony import Direction, Disposition

__all__ = [
    "ACD_LOG",
    "DETAIL",
    "Contribution",
    "contribution",
    "join",
    "joinable",
    "link_family",
    "same_call",
    "source_of",
]

DETAIL: Final = 1
"""A call detail record (Asterisk CDR, BroadWorks, FreeSWITCH, a generic CSV)."""
ACD_LOG: Final = 2
"""An ACD event log (Asterisk queue_log): the authority on a queue call's ACD facts."""

_ACD_LOG_FORMATS: Final = frozenset({"asterisk-queue-log"})
_FAMILIES: Final = {
    "asterisk-cdr-csv": "asterisk",
    "asterisk-cdr-custom": "asterisk",
    "asterisk-queue-log": "asterisk",
    "broadworks-csv": "broadworks",
}
_OUTCOME_ORDER: Final = {
    Disposition.ANSWERED: 7,
    Disposition.ABANDONED: 6,
    Disposition.OVERFLOW: 5,
    Disposition.NO_ANSWER: 4,
    Disposition.BUSY: 3,
    Disposition.CONGESTION: 2,
    Disposition.FAILED: 1,
    Disposition.UNKNOWN: 0,
}


def source_of(format_name: str) -> int:
    """The source bit of a record in this format (`ACD_LOG` or `DETAIL`)."""
    return ACD_LOG if format_name in _ACD_LOG_FORMATS else DETAIL


def link_family(format_name: str) -> str | None:
    """The PBX family whose ids a record of this format shares (None: it links nothing)."""
    return _FAMILIES.get(format_name)


class Contribution(NamedTuple):
    """What a queue call adds to the rollups."""

    queue: str
    at: datetime
    disposition: Disposition
    wait_s: float | None
    talk_s: float | None
    ring_s: float | None


def contribution(call: StoredCall) -> Contribution | None:
    """A row's part in the rollups: none for a call that was in no queue."""
    if call.queue is None:
        return None
    at = call.queued_at or call.started_at
    return Contribution(call.queue, at, call.disposition, call.wait_s, call.talk_s, call.ring_s)


def _rank(call: StoredCall) -> int:
    return ACD_LOG if call.sources & ACD_LOG else DETAIL


def _entry(call: StoredCall) -> datetime:
    return call.queued_at or call.started_at


def joinable(stored: StoredCall, incoming: StoredCall) -> bool:
    """Whether `incoming` (a record sharing a PBX id with `stored`) is part of the same call:
    within `LONGEST` of it (a PBX reuses ids only long after), and, between two ACD log
    records, the same visit."""
    if abs(_entry(incoming) - _entry(stored)) > LONGEST:
        return False
    if _rank(stored) == ACD_LOG and _rank(incoming) == ACD_LOG:
        return stored.queue == incoming.queue and _entry(stored) == _entry(incoming)
    return True


def _says_more(call: StoredCall) -> tuple[object, ...]:
    """A total order between records of equal authority: the one that says most is greatest."""
    return (
        call.disposition is Disposition.ANSWERED,
        call.agent_ref is not None,
        _OUTCOME_ORDER[call.disposition],
        call.talk_s or 0.0,
        call.ring_s or 0.0,
        call.wait_s or 0.0,
        call.queue or "",
        call.agent_ref or "",
        call.answered_at.timestamp() if call.answered_at else 0.0,
    )


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


def _acd(stored: StoredCall, incoming: StoredCall) -> dict[str, Any]:
    """The ACD facts of the joined call."""
    ranks = (_rank(stored), _rank(incoming))
    if ranks[0] != ranks[1]:
        best = stored if ranks[0] > ranks[1] else incoming
        queued_at = best.queued_at
        wait = best.wait_s
    else:
        best = max(stored, incoming, key=_says_more)
        queued_at = _earliest(stored.queued_at, incoming.queued_at)
        waits = [w for w in (stored.wait_s, incoming.wait_s) if w is not None]
        wait = max(waits) if waits else None
        if best.answered_at is not None and queued_at is not None:
            wait = max(0.0, (best.answered_at - queued_at).total_seconds())
    queues = [q for q in (stored.queue, incoming.queue) if q is not None]
    return {
        "disposition": best.disposition,
        "queue": best.queue if best.queue is not None or not queues else min(queues),
        "queued_at": queued_at,
        "answered_at": best.answered_at,
        "wait_s": wait,
        "ring_s": best.ring_s,
        "talk_s": best.talk_s,
        "agent_ref": best.agent_ref,
    }


def _detail_first(stored: StoredCall, incoming: StoredCall) -> tuple[StoredCall, StoredCall]:
    """(the record whose details win, the other): the call detail record's, else either, in
    an order that does not depend on arrival."""
    stored_detail, incoming_detail = stored.sources & DETAIL, incoming.sources & DETAIL
    if stored_detail and not incoming_detail:
        return stored, incoming
    if incoming_detail and not stored_detail:
        return incoming, stored
    first, second = sorted((stored, incoming), key=_detail_order)
    return first, second


def _detail_order(call: StoredCall) -> tuple[object, ...]:
    return (
        call.direction is Direction.UNKNOWN,
        -call.legs,
        call.caller_ref or "~",
        call.callee_ref or "~",
        call.format,
        call.direction.value,
    )


def _party(first: str | None, second: str | None, withheld: bool) -> str | None:
    if withheld:
        return None
    return first if first is not None else second


def join(stored: StoredCall, incoming: StoredCall) -> StoredCall:
    """The call `stored` with the record `incoming` joined into it (see the module's rules).

    The row keeps `stored`'s identity and start; it is marked as last written by `incoming`'s
    ingest."""
    detail, other = _detail_first(stored, incoming)
    direction = detail.direction
    if direction is Direction.UNKNOWN:
        direction = other.direction
    caller_withheld = stored.caller_withheld or incoming.caller_withheld
    callee_withheld = stored.callee_withheld or incoming.callee_withheld
    return replace(
        stored,
        ended_at=_latest(stored.ended_at, incoming.ended_at),
        direction=direction,
        caller_ref=_party(detail.caller_ref, other.caller_ref, caller_withheld),
        callee_ref=_party(detail.callee_ref, other.callee_ref, callee_withheld),
        caller_withheld=caller_withheld,
        callee_withheld=callee_withheld,
        legs=max(stored.legs, incoming.legs),
        format=detail.format,
        sources=stored.sources | incoming.sources,
        ingest_id=incoming.ingest_id,
        **_acd(stored, incoming),
    )


def same_call(a: StoredCall, b: StoredCall) -> bool:
    """Whether two rows say the same, whichever ingest last wrote them."""
    return replace(a, ingest_id=0) == replace(b, ingest_id=0)
