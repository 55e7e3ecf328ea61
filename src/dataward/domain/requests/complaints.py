"""The complaints register: each complaint as the register lists it, the figures over them,
and the ICO's involvement. Pure: no I/O.

A complaint is a rights request of type `complaint` (DUAA 2025 s.103): acknowledged within the
register's days (30 at most), its outcome due by a target of its own. The register lists, for
each, how it came (the public form or staff), whether it was acknowledged in time, its
outcome's target and when it was completed, whether an outcome is recorded (never the outcome
itself: that is sealed under the request's key and opened, audited, one complaint at a time),
and the ICO's involvement when the person took the complaint to the regulator.

The ICO's involvement is what the ICO told us: its case reference, the day it told us, and,
once it closed the case, its outcome, from a closed set (`IcoOutcome`), and the day it closed.
No identifier of the complainant is in any of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

from dataward.domain.calendar import HolidayCalendar
from dataward.domain.errors import InvalidValue
from dataward.domain.requests.deadlines import acknowledge_by, outcome_target
from dataward.domain.requests.model import TERMINAL, uk_date
from dataward.domain.requests.terms import RequestState


class IcoOutcome(StrEnum):
    """How the ICO closed a complaint taken to it (a closed set, as its case letters put it).

    - `no_further_action`: closed without asking anything of us (nothing to look into, or
      out of its remit);
    - `informal_resolution`: resolved between us and the person with the ICO's help;
    - `advice_given`: no finding, but advice or recommendations on our compliance;
    - `upheld`: it found we fell short and asked us to act (any formal action, a reprimand
      or a notice, is a matter of its own, not this record's);
    - `not_upheld`: it found we complied;
    - `withdrawn`: the person withdrew their complaint to the ICO.
    """

    NO_FURTHER_ACTION = "no_further_action"
    INFORMAL_RESOLUTION = "informal_resolution"
    ADVICE_GIVEN = "advice_given"
    UPHELD = "upheld"
    NOT_UPHELD = "not_upheld"
    WITHDRAWN = "withdrawn"


MAX_REFERENCE: Final = 40
REFERENCE: Final = re.compile(r"^[A-Za-z0-9/-]{1,40}$")
REFERENCES: Final = f"the ICO's case reference: letters, digits, / and -, 1 to {MAX_REFERENCE}"


def check_reference(text: str) -> str:
    """The ICO's case reference (like `IC-123456-A1B2`), or `InvalidValue` naming the field."""
    if len(text) > MAX_REFERENCE or not REFERENCE.fullmatch(text):
        raise InvalidValue("reference", REFERENCES)
    return text


@dataclass(frozen=True, slots=True)
class IcoCase:
    """The ICO's involvement in a complaint: its reference, the day it told us, and once it
    closed the case, its outcome and the day it closed."""

    reference: str
    notified: date
    outcome: IcoOutcome | None = None
    closed: date | None = None

    def checked(self, received: date, today: date) -> IcoCase:
        """Itself, each part checked against the complaint's day of receipt and `today` (a UK
        date); an outcome without its day closes the case today. `InvalidValue` naming the
        part that is wrong, never repeating it."""
        check_reference(self.reference)
        if not received <= self.notified <= today:
            raise InvalidValue("on", "between the day the complaint came and today")
        if self.outcome is None:
            if self.closed is not None:
                raise InvalidValue("closed", "only with the ICO's outcome")
            return self
        closed = today if self.closed is None else self.closed
        if not self.notified <= closed <= today:
            raise InvalidValue("closed", "between the day the ICO told us and today")
        return IcoCase(self.reference, self.notified, self.outcome, closed)


class Timeliness(StrEnum):
    """Where a complaint's acknowledgement, or its outcome, stands against its date."""

    ON_TIME = "on_time"  # done by its date
    LATE = "late"  # done after its date
    PENDING = "pending"  # not done yet, its date not passed
    OVERDUE = "overdue"  # not done, its date passed
    NEVER = "never"  # closed without it (withdrawn)


class ReceivedBy(StrEnum):
    """Who recorded a complaint: the person, through the public form, or our staff."""

    FORM = "form"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class ComplaintFacts:
    """What the register reads of one complaint, and nothing more."""

    id: UUID
    received: date
    channel: str
    by_form: bool
    state: RequestState
    acknowledged: date | None
    acknowledge_within: int
    investigate_within: int
    closed_at: datetime | None
    """When it last moved into a final state, if it did."""
    outcome_recorded: bool
    tenant_id: str | None = None
    subject_id: UUID | None = None
    ico: IcoCase | None = None


@dataclass(frozen=True, slots=True)
class ComplaintRow:
    """One complaint as the register lists it."""

    id: UUID
    received: date
    channel: str
    received_by: ReceivedBy
    state: RequestState
    acknowledge_by: date
    acknowledged: date | None
    acknowledgement: Timeliness
    outcome_target: date
    completed: date | None
    outcome: Timeliness
    days_late: int | None
    """Completed after its target: by how many days."""
    outcome_recorded: bool
    ico: IcoCase | None

    @property
    def closed(self) -> bool:
        return self.state in TERMINAL


def register_row(facts: ComplaintFacts, today: date, holidays: HolidayCalendar) -> ComplaintRow:
    """The register's row of a complaint on `today` (a UK date)."""
    closed = facts.state in TERMINAL
    due = acknowledge_by(facts.received, facts.acknowledge_within)
    target = outcome_target(facts.received, facts.investigate_within, holidays)
    done = facts.closed_at is not None and facts.state is RequestState.COMPLETED
    completed = uk_date(facts.closed_at) if done and facts.closed_at is not None else None
    late = (completed - target).days if completed is not None and completed > target else None
    return ComplaintRow(
        id=facts.id,
        received=facts.received,
        channel=facts.channel,
        received_by=ReceivedBy.FORM if facts.by_form else ReceivedBy.STAFF,
        state=facts.state,
        acknowledge_by=due,
        acknowledged=facts.acknowledged,
        acknowledgement=timeliness(facts.acknowledged, due, closed=closed, today=today),
        outcome_target=target,
        completed=completed,
        outcome=timeliness(completed, target, closed=closed, today=today),
        days_late=late,
        outcome_recorded=facts.outcome_recorded,
        ico=facts.ico,
    )


def timeliness(done: date | None, due: date, *, closed: bool, today: date) -> Timeliness:
    """Where something due by `due` stands: done on or before it, after it, or not done, with
    the complaint still open (before or past it) or closed without it."""
    if done is not None:
        return Timeliness.ON_TIME if done <= due else Timeliness.LATE
    if closed:
        return Timeliness.NEVER
    return Timeliness.OVERDUE if today > due else Timeliness.PENDING


ICO_OPEN: Final = "open"
"""The figures' name for ICO cases not closed yet."""


@dataclass(frozen=True, slots=True)
class RegisterFigures:
    """The register's totals: how many complaints, how many open, their acknowledgements and
    outcomes by timeliness, how many have an outcome recorded, and the ICO's involvement (how
    many were taken to it, by its outcome, `open` for those it has not closed)."""

    complaints: int
    open: int
    acknowledgement: Mapping[str, int]
    outcome: Mapping[str, int]
    outcomes_recorded: int
    taken_to_ico: int
    ico_outcomes: Mapping[str, int]


def figures(rows: Iterable[ComplaintRow]) -> RegisterFigures:
    """The figures of `rows`; every timeliness and ICO outcome named, at 0 when none has it."""
    listed = list(rows)
    ico = [row.ico for row in listed if row.ico is not None]
    ico_names = [ICO_OPEN, *(o.value for o in IcoOutcome)]
    return RegisterFigures(
        complaints=len(listed),
        open=sum(1 for row in listed if not row.closed),
        acknowledgement=_counted(Timeliness, (row.acknowledgement.value for row in listed)),
        outcome=_counted(Timeliness, (row.outcome.value for row in listed)),
        outcomes_recorded=sum(1 for row in listed if row.outcome_recorded),
        taken_to_ico=len(ico),
        ico_outcomes={
            name: sum(1 for c in ico if (c.outcome.value if c.outcome else ICO_OPEN) == name)
            for name in ico_names
        },
    )


def _counted(kind: type[Timeliness], values: Iterable[str]) -> dict[str, int]:
    seen = list(values)
    return {member.value: seen.count(member.value) for member in kind}


_UUID: Final = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_CURSOR: Final = re.compile(rf"^([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})\.({_UUID})$")
CURSOR_PATTERN: Final = _CURSOR.pattern
CURSOR_LENGTH: Final = 47


@dataclass(frozen=True, slots=True)
class ComplaintCursor:
    """Where a page of the register ended: the last complaint's day of receipt and id (the
    register goes newest first). Given back as text (`text`, `parse`); it names no one."""

    received: date
    id: UUID

    @classmethod
    def after(cls, row: ComplaintRow) -> ComplaintCursor:
        return cls(row.received, row.id)

    @property
    def text(self) -> str:
        return f"{self.received.isoformat()}.{self.id}"

    @classmethod
    def parse(cls, text: str) -> ComplaintCursor:
        """A cursor given back; anything else is refused naming the field, never echoed."""
        refused = InvalidValue("cursor", "the next_cursor of the previous page")
        match = _CURSOR.fullmatch(text) if len(text) <= CURSOR_LENGTH else None
        if match is None:
            raise refused
        try:
            return cls(date.fromisoformat(match.group(1)), UUID(match.group(2)))
        except ValueError:
            raise refused from None
