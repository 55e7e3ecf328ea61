"""Asterisk CDR legs into calls: who called, who answered, for how long, and which rows
belong together (a window over linkedid groups that keeps memory bounded).

A call's legs lie within `domain.calls.record_limits.LONGEST` (72 hours) of each other, from the
earliest start to the latest end or end of talk: a row that would stretch its group past that
(a linkedid reused, or a clock jumped) closes the group and starts a new call with the same
`source_id`, so no call's wait or talk time can pass the limit however its rows were grouped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from dataward.domain.calls.parties import (
    agent_id_from_interface,
    caller_party,
    looks_like_extension,
)
from dataward.domain.calls.record_limits import LONGEST
from dataward.domain.calls.telephony import (
    CallLeg,
    Direction,
    Disposition,
    Presentation,
    RawCall,
    RawParty,
)

__all__ = ["CallWindow", "Leg", "call_of", "caller_of", "channel_agent"]


class Leg(NamedTuple):
    leg: CallLeg
    group: str | None  # linkedid, else uniqueid; None: a call of its own
    sequence: int
    origin: bool  # the row of the channel that started the call
    local_dst: bool  # answered through a Local channel, a dialplan hop
    channel: str
    queue: str | None
    uniqueid: str = ""  # the channel's, as the PBX wrote it (queue_log names a call by it)


def caller_of(src: str, clid: str) -> RawParty:
    """The calling party from src and a clid written as `"Name" <number>`."""
    name: str | None = None
    number = clid
    if clid.endswith(">") and (lt := clid.rfind("<")) >= 0:
        number, name = clid[lt + 1 : -1], clid[:lt].strip()
        if len(name) > 1 and name[0] == '"' and name[-1] == '"':
            name = name[1:-1]
    elif len(clid) > 1 and clid[0] == '"' and clid[-1] == '"':
        number, name = "", clid[1:-1]
    number = src or number
    return caller_party(number, None if name in ("", number) else name)


def channel_agent(channel: str) -> str | None:
    """The extension behind a channel name (`SIP/301-00000007;1` -> `301`), if it is one."""
    if not channel:
        return None
    peer = channel.split(";", 1)[0]
    dash = peer.rfind("-")
    if dash > 0 and len(peer) - dash == 9:  # Asterisk's %08x channel suffix
        peer = peer[:dash]
    return _peer_agent(peer)


_peer_agent = lru_cache(maxsize=4096)(agent_id_from_interface)  # peers repeat, channels do not


def _phone_number(number: str | None) -> bool:
    """A number outside the PBX: 7 or more digits, with or without a leading `+`."""
    if not number:
        return False
    digits = number[1:] if number[0] == "+" else number
    return digits.isdigit() and len(digits) > 6


def _direction(caller: RawParty, callee: RawParty) -> Direction:
    to_extension = callee.number is not None and looks_like_extension(callee.number)
    if caller.number is None:
        withheld = caller.presentation is Presentation.RESTRICTED
        return Direction.INBOUND if withheld and to_extension else Direction.UNKNOWN
    if _phone_number(caller.number):
        return Direction.INBOUND if to_extension else Direction.UNKNOWN
    if looks_like_extension(caller.number):
        if to_extension:
            return Direction.INTERNAL
        if _phone_number(callee.number):
            return Direction.OUTBOUND
    return Direction.UNKNOWN


def _talk_seconds(answered: Iterable[CallLeg]) -> float:
    """The length of the union of the answered legs' `[answer, answer + billsec]` intervals."""
    spans = sorted(
        (leg.answer, leg.answer + timedelta(seconds=leg.talk_s))
        for leg in answered
        if leg.answer is not None and leg.talk_s
    )
    if not spans:
        return 0.0
    total = timedelta()
    begin, finish = spans[0]
    for later_begin, later_finish in spans[1:]:
        if later_begin > finish:
            total += finish - begin
            begin, finish = later_begin, later_finish
        elif later_finish > finish:
            finish = later_finish
    return (total + (finish - begin)).total_seconds()


_QUEUE_CALLEE = RawParty(None, Presentation.UNAVAILABLE)


def call_of(legs: list[Leg], source_format: str) -> RawCall:
    if len(legs) == 1:  # the common case, without the sorting and the interval union
        ordered = legs
        first = legs[0]
        lead = first.leg
        answered = legs if lead.disposition is Disposition.ANSWERED else []
        start, answer, end, queue = lead.start, lead.answer, lead.end, first.queue
        talk = (lead.talk_s or 0.0) if answered and answer is not None else 0.0
    else:
        ordered = sorted(legs, key=lambda r: (r.leg.start, r.sequence))
        first = next((r for r in ordered if r.origin), ordered[0])
        lead = first.leg
        answered = [r for r in ordered if r.leg.disposition is Disposition.ANSWERED]
        answers = [r.leg.answer for r in ordered if r.leg.answer is not None]
        ends = [r.leg.end for r in ordered if r.leg.end is not None]
        start = ordered[0].leg.start
        answer, end = min(answers, default=None), max(ends, default=None)
        queue = next((r.queue for r in ordered if r.queue), None)
        talk = _talk_seconds(r.leg for r in answered)
    direction = _direction(lead.caller, lead.callee)
    agent: str | None = None
    best = (False, -1.0)
    for r in answered:
        rank = (not r.local_dst, r.leg.talk_s or 0.0)
        if r.leg.agent_id is not None and rank > best:
            agent, best = r.leg.agent_id, rank
    if agent is None and direction is Direction.OUTBOUND:
        agent = channel_agent(first.channel)
    # Wait as docs/legal-rules.md C5 reads it from a CDR: answer - start, or until the caller hung
    # up when nobody answered. (In a queue that answers with music on hold, the queue's
    # answer, not the agent's: a limit of the CDR, which queue_log does not have.)
    if answered and answer is not None:
        wait: float | None = max(0.0, (answer - start).total_seconds())
    elif end is not None:
        wait = max(0.0, (end - start).total_seconds())
    else:
        wait = None
    ids = {r.uniqueid for r in ordered if r.uniqueid}
    if first.group:
        ids.add(first.group)
    return RawCall(
        source_id=first.group or lead.leg_id,
        start=start,
        answer=answer,
        end=end,
        direction=direction,
        disposition=Disposition.ANSWERED if answered else lead.disposition,
        caller=lead.caller,
        # A call put into a queue dialled the queue's number, not a person's.
        callee=lead.callee if queue is None else _QUEUE_CALLEE,
        agent_id=agent,
        queue=queue,
        wait_s=wait,
        talk_s=talk,
        legs=tuple(r.leg for r in ordered),
        location=legs[0].leg.location,
        format=source_format,
        links=tuple(sorted(ids)),
    )


def _reach(leg: CallLeg) -> datetime:
    """The latest moment a leg speaks for: its end, or the end of its talk if that is later."""
    last = leg.end or leg.answer or leg.start
    if leg.answer is not None and leg.talk_s:
        talked = leg.answer + timedelta(seconds=leg.talk_s)
        last = talked if talked > last else last
    return last


class _Group:
    __slots__ = ("due", "first", "last", "legs")

    def __init__(self, legs: list[Leg], due: datetime) -> None:
        self.legs, self.due = legs, due
        self.first, self.last = legs[0].leg.start, _reach(legs[0].leg)

    def takes(self, row: Leg, longest: timedelta) -> bool:
        """Whether the row fits in this call's span; if so it is counted in."""
        first = min(self.first, row.leg.start)
        last = max(self.last, _reach(row.leg))
        if last - first > longest:
            return False
        self.first, self.last = first, last
        return True


class CallWindow:
    """Groups legs into calls with bounded memory (see the module's decisions)."""

    def __init__(
        self, *, grace: timedelta, gap: timedelta, max_open: int, longest: timedelta = LONGEST
    ) -> None:
        self._grace, self._gap, self._max_open = grace, gap, max_open
        self._longest = longest
        self._waiting: OrderedDict[str, _Group] = OrderedDict()  # by last activity
        self._closing: OrderedDict[str, _Group] = OrderedDict()  # by due time
        self._clock: datetime | None = None

    def add(self, row: Leg, key: str) -> list[list[Leg]]:
        """Keep this leg with its call; return the calls it closes, oldest first."""
        seen = row.leg.end or row.leg.start
        clock = self._clock = seen if self._clock is None or seen > self._clock else self._clock
        closed: list[list[Leg]] = []
        closing, waiting = self._closing, self._waiting
        group = closing.get(key)
        if group is not None and not group.takes(row, self._longest):
            closed.append(closing.pop(key).legs)
            group = None
        if group is not None:
            group.legs.append(row)
        else:
            group = waiting.pop(key, None)
            if group is not None and not group.takes(row, self._longest):
                closed.append(group.legs)
                group = None
            if group is None:
                group = _Group([row], clock)
            else:
                group.legs.append(row)
            if row.origin:
                group.due = clock + self._grace
                closing[key] = group
            else:
                group.due = clock + self._gap
                waiting[key] = group
        for groups in (self._closing, self._waiting):
            while groups and next(iter(groups.values())).due < clock:
                closed.append(groups.popitem(last=False)[1].legs)
        while len(self._closing) + len(self._waiting) > self._max_open:
            closed.append((self._closing or self._waiting).popitem(last=False)[1].legs)
        return closed

    def drain(self) -> Iterator[list[Leg]]:
        for groups in (self._closing, self._waiting):
            while groups:
                yield groups.popitem(last=False)[1].legs
