"""Asterisk CDRs (docs/legal-rules.md C1): `cdr_csv` Master.csv and the `cdr_custom` default
mapping.

One row reader, driven by a column-name mapping (`CdrColumns`), serves both formats. A refused
row is a `BadRecord` naming the field, never its content. Decisions (each has a test):

- **Grouping** (cdr_csv): rows sharing a `linkedid` (else a `uniqueid`) are one call. Asterisk
  writes a row when its channel hangs up, so a call's rows are near each other. On a clock that
  is the latest end time read, a group closes `grace` (2 min) after its originating row
  (uniqueid = linkedid) arrives, or `gap` (2 h) after its last row while that row is missing;
  past `max_open_groups` (20 000) the oldest closes early; all close at the end. A row arriving
  after its group closed starts a second call with the same `source_id`. cdr_custom has no
  linkedid: each row is a call.
- **First leg**: the originating channel's earliest row (else the earliest row). It gives the
  caller (src, else the clid number; the clid name unless it repeats the number), the callee
  (dst) and, when no leg answered, the disposition.
- **Talk time**: the union of the answered legs' `[answer, answer + billsec]`. The two halves of a
  Local channel bridge one conversation (a sum counts it twice); a transfer is consecutive (a max
  drops half of it).
- **Agent**: a leg's dstchannel peer when it looks like an extension (`SIP/301-00000007` -> `301`,
  never 7+ digits); the call's is the answered leg's that talked longest, device channels before
  Local ones; an outbound call nobody answered takes the first leg's own channel peer.
- **Direction** needs evidence: external caller (7+ digits, or withheld) to an extension is
  inbound; extension to external number outbound; extension to extension internal; else unknown.
- **Ids**: `leg_id` is `uniqueid#sequence` where a sequence is written; rows with no id get a
  hash of channel, start and dstchannel (channel names can carry dialled numbers).
- **Queue**: the first argument of a `Queue` lastapp (refused unless printable). `UNKNOWN`,
  which Asterisk writes for an unset disposition, is read as such; any other unlisted
  disposition is refused.
- **Limits** (`domain.calls.record_limits`): dates are `YYYY-MM-DD HH:MM:SS` in ASCII digits, from
  1990 to a day after the ingest, an answer neither before the start nor after the end, an end
  no more than 72 hours after the start; duration and billsec are whole seconds up to 72 hours,
  and talk (answer + billsec) ends within 72 hours of the start; sequence is a whole number.
  Anything else refuses the row, naming the column.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TextIO
from zoneinfo import ZoneInfo

from dataward.adapters.ingest.asterisk_cdr_calls import (
    CallWindow,
    Leg,
    call_of,
    caller_of,
    channel_agent,
)
from dataward.adapters.ingest.csv_rows import fields_but, one_row
from dataward.domain.calls.record_limits import RecordLimits, ascii_digits, whole_number
from dataward.domain.calls.telephony import (
    BadField,
    BadRecord,
    CallLeg,
    Disposition,
    ParsedItem,
    Presentation,
    RawParty,
    SourceLocation,
)

__all__ = [
    "CDR_CSV_BASE",
    "CDR_CUSTOM_DEFAULT",
    "CDR_CUSTOM_WITH_PRESENTATION",
    "AsteriskCdrCsvParser",
    "AsteriskCdrCustomParser",
    "CdrColumns",
    "cdr_csv_columns",
]

CDR_CSV_BASE = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
)
CDR_CUSTOM_DEFAULT = (
    "clid",
    "src",
    "dst",
    "dcontext",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "accountcode",
    "uniqueid",
    "userfield",
    "sequence",
)
CDR_CUSTOM_WITH_PRESENTATION = (*CDR_CUSTOM_DEFAULT, "callerpres")
"""The sample mapping with the caller's presentation added last: a restricted one is stored
as withheld (`${CALLERPRES}` in cdr_custom.conf, after `${CDR(sequence)}`)."""
_CUSTOM_LAYOUTS = (CDR_CUSTOM_DEFAULT, CDR_CUSTOM_WITH_PRESENTATION)
_DISPOSITIONS = {
    "ANSWERED": Disposition.ANSWERED,
    "NO ANSWER": Disposition.NO_ANSWER,
    "BUSY": Disposition.BUSY,
    "FAILED": Disposition.FAILED,
    "CONGESTION": Disposition.CONGESTION,
    "UNKNOWN": Disposition.UNKNOWN,  # what Asterisk itself writes for an unset disposition
}
_NOBODY = RawParty(None, Presentation.UNAVAILABLE)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", re.ASCII)
_TIME_NAMES = ("start", "answer", "end")
_SNIFF_CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class CdrColumns:
    """Where each field a leg needs sits in a row (0-based); optional ids may be absent."""

    width: int
    src: int
    dst: int
    clid: int
    channel: int
    dstchannel: int
    lastapp: int
    lastdata: int
    start: int
    answer: int
    end: int
    duration: int
    billsec: int
    disposition: int
    uniqueid: int | None = None
    linkedid: int | None = None
    sequence: int | None = None
    callerpres: int | None = None

    @classmethod
    def from_names(cls, names: Sequence[str]) -> CdrColumns:
        """The layout of a row whose columns carry these Asterisk CDR variable names."""
        at = {name: index for index, name in enumerate(names)}
        ids = ("uniqueid", "linkedid", "sequence", "callerpres")
        required = [f for f in cls.__slots__ if f not in ids and f != "width"]
        if missing := [name for name in required if name not in at]:
            raise ValueError(f"a CDR mapping needs the columns {', '.join(missing)}")
        return cls(
            width=len(names),
            **{name: at[name] for name in required},
            uniqueid=at.get("uniqueid"),
            linkedid=at.get("linkedid"),
            sequence=at.get("sequence"),
            callerpres=at.get("callerpres"),
        )


def cdr_csv_columns(*, uniqueid: bool, userfield: bool, newcdrcolumns: bool) -> CdrColumns:
    """The cdr_csv layout for a cdr.conf: the base, then each enabled group in Asterisk's order."""
    names = list(CDR_CSV_BASE)
    names += ["uniqueid"] * uniqueid + ["userfield"] * userfield
    names += ["peeraccount", "linkedid", "sequence"] * newcdrcolumns
    return CdrColumns.from_names(names)


class _RowReader:
    """Reads rows of one stream into legs, caching the dates and callees rows repeat."""

    def __init__(self, tz: tzinfo, limits: RecordLimits) -> None:
        self._tz = tz
        self._limits = limits
        self._dates: dict[str, datetime] = {}
        self._callees: dict[str, RawParty] = {"": _NOBODY}

    def _date(self, text: str, label: str) -> datetime:
        """A date in range; only those are remembered, so a bad one is refused every time."""
        when = self._dates.get(text)
        if when is None:
            if not _DATE.fullmatch(text):
                raise BadField(label, "not a date")
            try:
                wall = datetime.fromisoformat(text)
            except ValueError:
                raise BadField(label, "not a date") from None
            when = self._limits.local(wall, self._tz, label)
            if len(self._dates) > 4096:
                self._dates.clear()
            self._dates[text] = when
        return when

    def _callee(self, dst: str) -> RawParty:
        party = self._callees.get(dst)
        if party is None:
            if len(self._callees) > 4096:
                self._callees = {"": _NOBODY}
            party = self._callees[dst] = RawParty(dst)
        return party

    def leg(self, row: list[str], c: CdrColumns, where: SourceLocation) -> Leg | BadField:
        """The leg this row describes, or why it is refused (in words without its content)."""
        if not row[c.start]:
            return BadField("start", "missing")
        limits = self._limits
        try:
            start = self._date(row[c.start], "start")
            answer = self._date(row[c.answer], "answer") if row[c.answer] else None
            end = self._date(row[c.end], "end") if row[c.end] else None
            limits.order(start, answer, end, _TIME_NAMES)
            duration = limits.seconds(row[c.duration], "duration")
            billsec = limits.seconds(row[c.billsec], "billsec")
            limits.talk(start, answer, billsec, "billsec")
            sequence = 0 if c.sequence is None else whole_number(row[c.sequence] or "0", "sequence")
            disposition = _disposition(row[c.disposition])
            queue = _queue(row[c.lastapp], row[c.lastdata])
            caller = caller_of(row[c.src], row[c.clid])
            if c.callerpres is not None:
                caller = _presented(caller, row[c.callerpres])
        except BadField as refused:
            return refused
        uniqueid = row[c.uniqueid] if c.uniqueid is not None else ""
        linkedid = row[c.linkedid] if c.linkedid is not None else ""
        dstchannel = row[c.dstchannel]
        leg = CallLeg(
            leg_id=_leg_id(row, c, uniqueid or linkedid, sequence),
            start=start,
            answer=answer,
            end=end,
            caller=caller,
            callee=self._callee(row[c.dst]),
            disposition=disposition,
            duration_s=float(duration),
            talk_s=float(billsec),
            agent_id=channel_agent(dstchannel),
            location=where,
        )
        return Leg(
            leg=leg,
            group=linkedid or uniqueid or None,
            sequence=sequence,
            origin=not linkedid or uniqueid == linkedid,
            local_dst=dstchannel.startswith("Local/"),
            channel=row[c.channel],
            queue=queue,
            uniqueid=uniqueid,
        )


def _queue(lastapp: str, lastdata: str) -> str | None:
    if lastapp != "Queue":
        return None
    queue = lastdata.split(",", 1)[0]
    if not queue.isprintable():
        raise BadField("lastdata", "queue name not printable")
    return queue or None


_RESTRICTED = RawParty(None, Presentation.RESTRICTED)


def _presented(caller: RawParty, callerpres: str) -> RawParty:
    """The caller as its presentation (`${CALLERPRES}`, `${CALLERID(pres)}`) allows: an
    `allowed...` one (or none written) as it is; `unavailable` without a number; `prohib...`,
    and anything else (fail safe), withheld: neither number nor name is kept."""
    pres = callerpres.strip().casefold()
    if not pres or pres.startswith("allowed"):
        return caller
    if pres == "unavailable":
        return _NOBODY
    return _RESTRICTED


def _disposition(text: str) -> Disposition:
    disposition = _DISPOSITIONS.get(text)
    if disposition is None:
        raise BadField("disposition", "unknown")
    return disposition


def _leg_id(row: list[str], c: CdrColumns, known: str, sequence: int) -> str:
    if known:
        return f"{known}#{sequence}" if c.sequence is not None else known
    seen = f"{row[c.channel]}|{row[c.start]}|{row[c.dstchannel]}".encode()
    return "cdr-" + hashlib.blake2b(seen, digest_size=10).hexdigest()


def _read(
    stream: Iterable[str],
    source: str,
    tz: tzinfo,
    layout: Callable[[list[str]], CdrColumns | BadField],
    limits: RecordLimits,
) -> Iterator[Leg | BadRecord]:
    """Rows as legs or refusals, lazily, each located at its first physical line."""
    pending: list[str] = []

    def lines() -> Iterator[str]:
        for line in stream:
            pending.append(line)
            yield line

    reader = _RowReader(tz, limits)
    rows = csv.reader(lines(), strict=True)
    line = 1
    while True:
        where = SourceLocation(source, line)
        try:
            row = next(rows, None)
        except csv.Error:
            yield BadRecord.of(where, BadField("record", "not valid CSV"), raw="".join(pending))
        else:
            if row is None:
                return
            if row:  # a blank line is no record
                columns = layout(row)
                leg = (
                    reader.leg(row, columns, where) if isinstance(columns, CdrColumns) else columns
                )
                if isinstance(leg, BadField):
                    yield BadRecord.of(where, leg, raw="".join(pending))
                else:
                    yield leg
        line = rows.line_num + 1
        pending.clear()


def _party_fields(
    raw: str, layout: Callable[[list[str]], CdrColumns | BadField]
) -> list[str] | None:
    """A row of a width the layout knows: all its columns but the times, durations and ids."""
    row = one_row(raw, strict=True)
    columns = None if row is None else layout(row)
    if row is None or not isinstance(columns, CdrColumns):
        return None
    c = columns
    ids = (c.uniqueid, c.linkedid, c.sequence)
    left_out = {c.start, c.answer, c.end, c.duration, c.billsec, *(i for i in ids if i is not None)}
    return fields_but(row, left_out)


def _sniff(parser: AsteriskCdrCsvParser | AsteriskCdrCustomParser, head: list[str]) -> float:
    items = list(_read(head, "head", UTC, parser._layout, RecordLimits()))
    good = sum(not isinstance(item, BadRecord) for item in items)
    return _SNIFF_CONFIDENCE * good / len(items) if items else 0.0


class AsteriskCdrCsvParser:
    """cdr_csv Master.csv: 16 base columns plus the enabled optional groups (16 to 21)."""

    name = "asterisk-cdr-csv"

    def __init__(
        self,
        *,
        usegmtime: bool = False,
        loguniqueid: bool | None = None,
        grace: timedelta = timedelta(minutes=2),
        gap: timedelta = timedelta(hours=2),
        max_open_groups: int = 20_000,
    ) -> None:
        """`loguniqueid` settles 17 and 20 columns (uniqueid or userfield); None decides per
        row by whether column 17 looks like a uniqueid (`[system-]epoch.counter`)."""
        self.usegmtime, self.loguniqueid = usegmtime, loguniqueid
        self.grace, self.gap, self.max_open_groups = grace, gap, max_open_groups
        self._widths: dict[tuple[int, bool], CdrColumns] = {}  # (width, has uniqueid)
        for uid in (False, True):
            for userfield in (False, True):
                for new in (False, True):
                    c = cdr_csv_columns(uniqueid=uid, userfield=userfield, newcdrcolumns=new)
                    self._widths[c.width, uid] = c

    def _layout(self, row: list[str]) -> CdrColumns | BadField:
        width = len(row)
        with_uid = self.loguniqueid
        if with_uid is None:
            with_uid = width > 16 and _looks_like_uniqueid(row[16])
        columns = self._widths.get((width, with_uid)) or self._widths.get((width, not with_uid))
        return columns or BadField("columns", f"expected 16 to 21, found {width}")

    def sniff(self, head: list[str]) -> float:
        return _sniff(self, head)

    def parse(
        self, stream: TextIO, *, source: str, tz: ZoneInfo, now: datetime | None = None
    ) -> Iterator[ParsedItem]:
        window = CallWindow(grace=self.grace, gap=self.gap, max_open=self.max_open_groups)
        zone = UTC if self.usegmtime else tz
        for item in _read(stream, source, zone, self._layout, RecordLimits.at(now)):
            if isinstance(item, BadRecord):
                yield item
            elif item.group is None:
                yield call_of([item], self.name)
            else:
                for legs in window.add(item, item.group):
                    yield call_of(legs, self.name)
        for legs in window.drain():
            yield call_of(legs, self.name)

    def is_header(self, line: str) -> bool:  # noqa: ARG002 - the Parser protocol
        """Asterisk writes CDRs without a header: the first line is a call record."""
        return False

    def agent_fields(self, raw: str) -> list[str]:  # noqa: ARG002 - the Parser protocol
        """None by column: agents are channel peers (`SIP/301-00000007`), found wherever an
        interface is written in the line."""
        return []

    def party_fields(self, raw: str) -> list[str] | None:
        """A row of a width the layout reads: all but its dates, durations and ids."""
        return _party_fields(raw, self._layout)


def _looks_like_uniqueid(text: str) -> bool:
    head, dot, tail = text.rpartition(".")
    return bool(dot) and ascii_digits(tail) and ascii_digits(head.rpartition("-")[2])


class AsteriskCdrCustomParser:
    """cdr_custom, by default its sample mapping of 19 columns, or that mapping with
    `${CALLERPRES}` as a 20th (`CDR_CUSTOM_WITH_PRESENTATION`); each row is one call."""

    name = "asterisk-cdr-custom"

    def __init__(self, *, columns: Sequence[str] | None = None) -> None:
        layouts = [columns] if columns is not None else _CUSTOM_LAYOUTS
        self._layouts = {len(names): CdrColumns.from_names(names) for names in layouts}
        self.columns = self._layouts[len(layouts[0])]

    def _layout(self, row: list[str]) -> CdrColumns | BadField:
        columns = self._layouts.get(len(row))
        if columns is not None:
            return columns
        widths = " or ".join(str(width) for width in sorted(self._layouts))
        return BadField("columns", f"expected {widths}, found {len(row)}")

    def sniff(self, head: list[str]) -> float:
        return _sniff(self, head)

    def parse(
        self, stream: TextIO, *, source: str, tz: ZoneInfo, now: datetime | None = None
    ) -> Iterator[ParsedItem]:
        for item in _read(stream, source, tz, self._layout, RecordLimits.at(now)):
            yield item if isinstance(item, BadRecord) else call_of([item], self.name)

    def is_header(self, line: str) -> bool:  # noqa: ARG002 - the Parser protocol
        """Asterisk writes CDRs without a header: the first line is a call record."""
        return False

    def agent_fields(self, raw: str) -> list[str]:  # noqa: ARG002 - the Parser protocol
        """None by column: agents are channel peers (`SIP/301-00000007`), found wherever an
        interface is written in the line."""
        return []

    def party_fields(self, raw: str) -> list[str] | None:
        """A row of a width the layout reads: all but its dates, durations and ids."""
        return _party_fields(raw, self._layout)
