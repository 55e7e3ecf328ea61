"""Telephony activity as the parsers read it, before it is pseudonymised.

Every source format (Asterisk cdr_csv and cdr_custom, Asterisk queue_log, FreeSWITCH cdr_csv,
BroadWorks accounting CSV, a generic CSV with a column mapping) is read into these types. They
hold raw party numbers and names, so they live only in memory during ingest: the call store
keeps subject references instead, and nothing here is ever logged or written as it is.
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from enum import StrEnum


class Presentation(StrEnum):
    """Whether the party's number may be shown (caller-ID presentation)."""

    ALLOWED = "allowed"
    RESTRICTED = "restricted"  # withheld by the caller: stored as withheld, never as a number
    UNAVAILABLE = "unavailable"  # the network did not supply one


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"
    UNKNOWN = "unknown"


class Disposition(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    CONGESTION = "congestion"
    ABANDONED = "abandoned"  # left a queue before an agent answered
    OVERFLOW = "overflow"  # left a queue by timeout, empty queue, or a key press
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a record came from, for error messages and the quarantine: never its content."""

    source: str
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True, slots=True)
class RawParty:
    """One end of a call as the source wrote it. `number` is raw (not yet E.164)."""

    number: str | None = None
    presentation: Presentation = Presentation.ALLOWED
    name: str | None = None

    def __repr__(self) -> str:  # never print a number or name by accident
        shown = "<number>" if self.number else "None"
        return f"RawParty(number={shown}, presentation={self.presentation.value})"

    @property
    def withheld(self) -> bool:
        return self.presentation is not Presentation.ALLOWED or not self.number


@dataclass(frozen=True, slots=True)
class CallLeg:
    """One leg (one CDR row) of a multi-leg call."""

    leg_id: str
    start: datetime
    answer: datetime | None
    end: datetime | None
    caller: RawParty
    callee: RawParty
    disposition: Disposition
    duration_s: float | None = None
    talk_s: float | None = None
    agent_id: str | None = None
    location: SourceLocation | None = None


@dataclass(frozen=True, slots=True)
class RawCall:
    """A call as one source saw it; `source_id` is its identity within the tenant.

    Times are aware (UTC or the tenant's zone, converted by the parser). `wait_s` is time in a
    queue before answer or abandonment; `ring_s` time ringing an agent; `talk_s` time connected.
    """

    source_id: str
    start: datetime
    answer: datetime | None
    end: datetime | None
    direction: Direction
    disposition: Disposition
    caller: RawParty
    callee: RawParty
    agent_id: str | None = None
    queue: str | None = None
    wait_s: float | None = None
    ring_s: float | None = None
    talk_s: float | None = None
    legs: tuple[CallLeg, ...] = ()
    location: SourceLocation | None = None
    format: str = ""
    links: tuple[str, ...] = ()
    """The PBX's own ids of the call this record is part of (Asterisk: the CDR's linkedid and
    each leg's uniqueid, a queue_log callid; BroadWorks: the record's local call id and the id
    of the call it is related to): records of one call from several sources share one, and
    are stored as that one call (`domain.calls.correlation`)."""


class QueueEventKind(StrEnum):
    """Asterisk queue_log events (and their equivalents from other ACDs)."""

    ENTERQUEUE = "ENTERQUEUE"
    CONNECT = "CONNECT"
    COMPLETECALLER = "COMPLETECALLER"
    COMPLETEAGENT = "COMPLETEAGENT"
    ABANDON = "ABANDON"
    EXITWITHTIMEOUT = "EXITWITHTIMEOUT"
    EXITEMPTY = "EXITEMPTY"
    EXITWITHKEY = "EXITWITHKEY"
    RINGNOANSWER = "RINGNOANSWER"
    RINGCANCELED = "RINGCANCELED"
    TRANSFER = "TRANSFER"
    BLINDTRANSFER = "BLINDTRANSFER"
    ATTENDEDTRANSFER = "ATTENDEDTRANSFER"
    AGENTLOGIN = "AGENTLOGIN"
    AGENTLOGOFF = "AGENTLOGOFF"
    AGENTCALLBACKLOGIN = "AGENTCALLBACKLOGIN"
    AGENTCALLBACKLOGOFF = "AGENTCALLBACKLOGOFF"
    ADDMEMBER = "ADDMEMBER"
    REMOVEMEMBER = "REMOVEMEMBER"
    PAUSE = "PAUSE"
    UNPAUSE = "UNPAUSE"
    PAUSEALL = "PAUSEALL"
    UNPAUSEALL = "UNPAUSEALL"
    QUEUESTART = "QUEUESTART"
    CONFIGRELOAD = "CONFIGRELOAD"
    AGENTDUMP = "AGENTDUMP"
    SYSCOMPAT = "SYSCOMPAT"
    DID = "DID"  # FreePBX: the number dialled to reach the queue, one line per call
    INFO = "INFO"


@dataclass(frozen=True, slots=True)
class QueueEvent:
    """One queue_log line: `data` are the event's fields as written (see docs/legal-rules.md C2)."""

    at: datetime
    call_id: str | None  # None for NONE / REALTIME / CLI (not about one call)
    queue: str | None
    agent: str | None
    kind: QueueEventKind
    data: tuple[str, ...] = ()
    location: SourceLocation | None = None


class BadField(Exception):
    """A value a parser cannot read: `field` names where it is (a column, a field number, or
    `columns` / `fields` / `record` for the record as a whole), `problem` says what is wrong,
    in words that never repeat the value."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    @property
    def reason(self) -> str:
        return f"{self.field}: {self.problem}"


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A line that could not be read: where, and why in words without its content.

    `reason` is `field: problem`, `field` naming the field at fault (see `BadField`). `raw` is
    the line itself, kept only for the quarantine (which stores it encrypted) so it can be
    corrected and replayed; it is never put into a message or a log.
    """

    location: SourceLocation
    reason: str
    raw: str = dataclass_field(repr=False, default="")
    field: str = ""

    @classmethod
    def of(cls, location: SourceLocation, bad: BadField, raw: str = "") -> BadRecord:
        return cls(location, bad.reason, raw, bad.field)

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """A record read and deliberately left out: a header row, a record that is not a call.

    Yielded so that every record of a file is accounted for (a call or part of one, an
    event, a bad record, or this); an ingest stores nothing of it.
    """

    location: SourceLocation
    why: str


ParsedItem = RawCall | QueueEvent | BadRecord | SkippedLine
