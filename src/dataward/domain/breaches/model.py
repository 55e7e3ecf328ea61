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
    """One phase of the report to the ICO."""

    phase: Phase
    at: datetime
    reference: str | None
    late: bool


@dataclass(frozen=True, slots=True)
class ControllerNotice:
    """A tenant whose data the breach reached: it is told within its contract's hours."""

    tenant_id: str
    due_at: datetime
    queued_at: datetime | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Breach:
    id: UUID
    aware_at: datetime
    recorded_at: datetime
    recorded_by: str
    natures: frozenset[Nature]
    facts: Facts
    controllers: tuple[ControllerNotice, ...] = ()
    assessment: Assessment | None = None
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
        """Not yet judged unlikely to result in a risk: the 72 hours run."""
        return self.outcome is not Outcome.NOT_REPORTABLE

    def people(self) -> int | None:
        """Approximately how many people: the counts found, else the DCO's estimate."""
        if self.scopes:
            return sum(s.count.people for s in self.scopes)
        return None if self.assessment is None else self.assessment.factors.people

    def records(self) -> int | None:
        return sum(s.count.records for s in self.scopes) if self.scopes else None

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
