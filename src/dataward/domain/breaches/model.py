"""A breach as the register keeps it (UK GDPR Art. 33(5)): the facts, the assessment, who is
affected, each phase of reporting to the ICO, and the notices to people and to controllers.
Pure.

The record holds no identifier: the people affected are counted (`CountedScope`), never
listed; the notices to them are outbox messages, which name their subject only. The free
texts (what happened, its likely consequences, the measures) are the DCO's account of an
incident, for the ICO; they are checked printable and bounded, and are not meant to name
anyone (the command's help says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Final
from uuid import UUID

from dataward.domain.bounds import check_printable
from dataward.domain.breaches.affected import AffectedCount, AffectedScope
from dataward.domain.breaches.assessment import Decision, Factors, Nature, Outcome
from dataward.domain.breaches.deadline import ico_deadline
from dataward.domain.errors import DatawardError, InvalidValue

MAX_FACTS: Final = 4000
MAX_REFERENCE: Final = 40
MAX_TENANTS: Final = 1000


class BreachRefused(DatawardError):
    code = "breach_refused"


class BreachUnreadable(DatawardError):
    """A breach's stored record is not one this code wrote (damaged or altered): said with
    its id, for the DCO to restore it from a backup."""

    code = "breach_unreadable"

    def __init__(self, breach_id: str) -> None:
        self.breach_id = breach_id
        super().__init__(f"the record of breach {breach_id} cannot be read: restore it")


class BreachChanged(DatawardError):
    """Someone else changed the breach since it was read: read it again."""

    code = "conflict"


class Phase(StrEnum):
    """A report to the ICO may come in phases as facts come to light (Art. 33(4))."""

    INITIAL = "initial"
    FURTHER = "further"
    FINAL = "final"


class BreachEvent(StrEnum):
    RECORDED = "recorded"
    UPDATED = "updated"
    ASSESSED = "assessed"
    COUNTED = "counted"
    REPORTED = "reported"
    PEOPLE_NOTIFIED = "people_notified"
    CONTROLLERS_NOTIFIED = "controllers_notified"
    CONTROLLER_TOLD = "controller_told"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the DCO writes: what happened, its likely consequences, the measures taken or
    proposed, and why a report was late. Any may come later (Art. 33(4))."""

    description: str = field(repr=False)
    consequences: str | None = field(default=None, repr=False)
    measures: str | None = field(default=None, repr=False)
    delay_reason: str | None = field(default=None, repr=False)

    def checked(self) -> Facts:
        """Itself, trimmed (an empty text is none); `InvalidValue` naming a bad part."""
        parts: dict[str, str | None] = {}
        for name in ("description", "consequences", "measures", "delay_reason"):
            text = getattr(self, name)
            text = text.strip() if text is not None else None
            if text is not None and len(text) > MAX_FACTS:
                raise InvalidValue(name, f"at most {MAX_FACTS} characters")
            check_printable(name, text)
            parts[name] = text or None
        if parts["description"] is None:
            raise InvalidValue("description", "say what happened")
        return Facts(
            description=str(parts["description"]),
            consequences=parts["consequences"],
            measures=parts["measures"],
            delay_reason=parts["delay_reason"],
        )


@dataclass(frozen=True, slots=True)
class Assessment:
    factors: Factors
    decision: Decision
    at: datetime
    by: str


@dataclass(frozen=True, slots=True)
class CountedScope:
    """Who and how many were found affected in one tenant (or our own data) and window."""

    scope: AffectedScope
    count: AffectedCount
    at: datetime


@dataclass(frozen=True, slots=True)
class Report:
    """One phase of the report to the ICO: when the ICO was told (`at`), and when that was
    recorded here (`recorded_at`), so a time given after the event shows as such. Only the
    initial report can be late: later phases follow as facts come (Art. 33(4))."""

    phase: Phase
    at: datetime
    reference: str | None
    late: bool
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FactsVersion:
    """The facts as they stood until `until`, replaced by `by`: the record keeps each."""

    facts: Facts
    until: datetime
    by: str


@dataclass(frozen=True, slots=True)
class ControllerNotice:
    """A tenant whose data the breach reached: it is told within its contract's hours."""

    tenant_id: str
    due_at: datetime
    queued_at: datetime | None = None
    sent_at: datetime | None = None
    another_way: bool = False
    """Told by other means (a call, the customer's portal), recorded by the DCO."""


@dataclass(frozen=True, slots=True)
class Breach:
    id: UUID
    aware_at: datetime
    recorded_at: datetime
    recorded_by: str
    natures: frozenset[Nature]
    facts: Facts
    own_data: bool = True
    """Whether it reached data we control (ours), not only tenants' data, of which we are the
    processor: only then do the ICO's 72 hours and the people's notices fall to us."""
    controllers: tuple[ControllerNotice, ...] = ()
    assessment: Assessment | None = None
    earlier_assessments: tuple[Assessment, ...] = ()
    earlier_facts: tuple[FactsVersion, ...] = ()
    scopes: tuple[CountedScope, ...] = ()
    reports: tuple[Report, ...] = ()
    people_queued: int | None = None
    people_queued_at: datetime | None = None
    people_sent: int = 0
    closed_at: datetime | None = None
    version: int = 1

    @property
    def ico_due(self) -> datetime:
        return ico_deadline(self.aware_at)

    @property
    def outcome(self) -> Outcome | None:
        return None if self.assessment is None else self.assessment.decision.outcome

    @property
    def reported_at(self) -> datetime | None:
        return self.reports[0].at if self.reports else None

    @property
    def must_report(self) -> bool:
        """Our own data reached, and not judged unlikely to result in a risk: the 72 hours
        run. A breach of tenants' data only is theirs to report; ours is to tell them."""
        return self.own_data and self.outcome is not Outcome.NOT_REPORTABLE

    @property
    def clock_stopped(self) -> datetime | None:
        """When the 72 hours stopped mattering: the first report, or the judgement that it
        is unlikely to result in a risk."""
        if self.reports:
            return self.reports[0].at
        if self.assessment is not None and self.outcome is Outcome.NOT_REPORTABLE:
            return self.assessment.at
        return None

    def counted_people(self) -> int | None:
        return sum(s.count.people for s in self.scopes) if self.scopes else None

    def counted_records(self) -> int | None:
        return sum(s.count.records for s in self.scopes) if self.scopes else None

    def people(self) -> int | None:
        """Approximately how many people: the larger of the counts found and the DCO's
        estimate (which covers what no store counts), whichever is known."""
        estimate = None if self.assessment is None else self.assessment.factors.people
        return _larger(self.counted_people(), estimate)

    def records(self) -> int | None:
        estimate = None if self.assessment is None else self.assessment.factors.records
        return _larger(self.counted_records(), estimate)

    def categories(self) -> frozenset[str]:
        found: set[str] = set()
        if self.assessment is not None:
            found |= self.assessment.factors.categories
        for counted in self.scopes:
            found |= counted.scope.categories
        return frozenset(found)

    def tenants(self) -> tuple[str, ...]:
        return tuple(c.tenant_id for c in self.controllers)

    def with_controller(self, notice: ControllerNotice) -> Breach:
        kept = tuple(c for c in self.controllers if c.tenant_id != notice.tenant_id)
        ordered = tuple(sorted((*kept, notice), key=lambda c: c.tenant_id))
        return replace(self, controllers=ordered)


@dataclass(frozen=True, slots=True)
class TrailEntry:
    """One step of a breach's decision trail: counts and closed words, no identifier."""

    at: datetime
    actor: str
    event: str
    details: Mapping[str, Any]


def _larger(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
