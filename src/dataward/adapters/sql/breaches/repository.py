"""The breach register in SQL: each breach one row, its record a JSON document read and
written whole under an optimistic version; its decision trail appended beside it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, RowMapping, insert, select, update

from dataward.adapters.sql.breaches.tables import breach_events, breaches
from dataward.domain.breaches.affected import AffectedCount, AffectedScope
from dataward.domain.breaches.assessment import (
    Decision,
    Factors,
    Likelihood,
    Nature,
    Outcome,
    Severity,
)
from dataward.domain.breaches.model import (
    Assessment,
    Breach,
    BreachChanged,
    BreachUnreadable,
    ControllerNotice,
    CountedScope,
    Facts,
    FactsVersion,
    Phase,
    Report,
    TrailEntry,
)


class SqlBreachRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, breach: Breach) -> None:
        self._connection.execute(insert(breaches).values(**_row(breach)))

    def save(self, breach: Breach) -> Breach:
        """Write `breach` over the version it was read at; `BreachChanged` if that moved."""
        saved = Breach(**{**_fields(breach), "version": breach.version + 1})
        done = self._connection.execute(
            update(breaches)
            .where(breaches.c.id == str(breach.id), breaches.c.version == breach.version)
            .values(**_row(saved))
        )
        if done.rowcount != 1:
            raise BreachChanged("the breach was changed meanwhile: read it again")
        return saved

    def get(self, breach_id: UUID) -> Breach | None:
        row = self._connection.execute(
            select(breaches).where(breaches.c.id == str(breach_id))
        ).first()
        return None if row is None else _breach(row._mapping)

    def listed(self, *, include_closed: bool) -> list[Breach]:
        """Every breach (or the open ones), the most recently found first."""
        query = select(breaches).order_by(breaches.c.aware_at.desc(), breaches.c.id)
        if not include_closed:
            query = query.where(breaches.c.closed_at.is_(None))
        return [_breach(row._mapping) for row in self._connection.execute(query)]

    def trail(self, breach_id: UUID) -> list[TrailEntry]:
        rows = self._connection.execute(
            select(breach_events)
            .where(breach_events.c.breach_id == str(breach_id))
            .order_by(breach_events.c.id)
        )
        return [TrailEntry(r.at, r.actor, r.event, json.loads(r.details)) for r in rows]

    def note(self, breach_id: UUID, entry: TrailEntry) -> None:
        self._connection.execute(
            insert(breach_events).values(
                breach_id=str(breach_id),
                at=entry.at,
                actor=entry.actor,
                event=entry.event,
                details=json.dumps(dict(entry.details), sort_keys=True),
            )
        )


def _fields(breach: Breach) -> dict[str, Any]:
    return {name: getattr(breach, name) for name in Breach.__dataclass_fields__}


def _row(breach: Breach) -> dict[str, Any]:
    return {
        "id": str(breach.id),
        "aware_at": breach.aware_at,
        "ico_due": breach.ico_due,
        "recorded_at": breach.recorded_at,
        "recorded_by": breach.recorded_by,
        "natures": " ".join(sorted(n.value for n in breach.natures)),
        "outcome": None if breach.outcome is None else breach.outcome.value,
        "reported_at": breach.reported_at,
        "closed_at": breach.closed_at,
        "document": json.dumps(_document(breach), sort_keys=True),
        "version": breach.version,
    }


def _facts(facts: Facts) -> dict[str, Any]:
    return {
        "description": facts.description,
        "consequences": facts.consequences,
        "measures": facts.measures,
        "delay_reason": facts.delay_reason,
    }


def _document(breach: Breach) -> dict[str, Any]:
    return {
        "facts": _facts(breach.facts),
        "own_data": breach.own_data,
        "earlier_facts": [
            {"facts": _facts(v.facts), "until": _at(v.until), "by": v.by}
            for v in breach.earlier_facts
        ],
        "earlier_assessments": [_assessment(a) for a in breach.earlier_assessments],
        "assessment": None if breach.assessment is None else _assessment(breach.assessment),
        "scopes": [_scope(s) for s in breach.scopes],
        "reports": [
            {
                "phase": r.phase.value,
                "at": _at(r.at),
                "reference": r.reference,
                "late": r.late,
                "recorded_at": _at(r.recorded_at),
            }
            for r in breach.reports
        ],
        "controllers": [
            {
                "tenant": c.tenant_id,
                "due_at": _at(c.due_at),
                "queued_at": _at(c.queued_at),
                "sent_at": _at(c.sent_at),
                "another_way": c.another_way,
            }
            for c in breach.controllers
        ],
        "people": {
            "queued": breach.people_queued,
            "queued_at": _at(breach.people_queued_at),
            "sent": breach.people_sent,
        },
    }


def _assessment(a: Assessment) -> dict[str, Any]:
    f, d = a.factors, a.decision
    return {
        "likelihood": f.likelihood.name.lower(),
        "severity": f.severity.name.lower(),
        "categories": sorted(f.categories),
        "people": f.people,
        "records": f.records,
        "unintelligible": f.unintelligible,
        "reasoning": f.reasoning,
        "decision": {
            "outcome": d.outcome.value,
            "likelihood": d.likelihood.name.lower(),
            "severity": d.severity.name.lower(),
            "risk": d.risk,
            "reasons": list(d.reasons),
        },
        "at": _at(a.at),
        "by": a.by,
    }


def _scope(counted: CountedScope) -> dict[str, Any]:
    s, c = counted.scope, counted.count
    return {
        "tenant": s.tenant_id,
        "start": _at(s.start),
        "end": _at(s.end),
        "categories": sorted(s.categories),
        "held": s.held,
        "people": c.people,
        "records": c.records,
        "by_store": dict(c.by_store),
        "people_by_store": dict(c.people_by_store),
        "unidentified": c.unidentified,
        "at": _at(counted.at),
    }


def _at(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _breach(row: RowMapping) -> Breach:
    """The breach of `row`; `BreachUnreadable` (naming its id) if its document is not one
    this code wrote, so one damaged row is said, not a traceback in every list."""
    try:
        return _read(row)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BreachUnreadable(str(row["id"])) from None


def _read(row: RowMapping) -> Breach:
    doc = json.loads(row["document"])
    facts, people = doc["facts"], doc["people"]
    return Breach(
        id=UUID(row["id"]),
        aware_at=row["aware_at"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
        natures=frozenset(Nature(n) for n in row["natures"].split()),
        facts=Facts(**facts),
        own_data=bool(doc.get("own_data", True)),
        controllers=tuple(
            ControllerNotice(
                c["tenant"],
                _moment(c["due_at"]),
                _when(c["queued_at"]),
                _when(c["sent_at"]),
                bool(c.get("another_way", False)),
            )
            for c in doc["controllers"]
        ),
        assessment=None if doc["assessment"] is None else _read_assessment(doc["assessment"]),
        earlier_assessments=tuple(_read_assessment(a) for a in doc.get("earlier_assessments", [])),
        earlier_facts=tuple(
            FactsVersion(Facts(**v["facts"]), _moment(v["until"]), v["by"])
            for v in doc.get("earlier_facts", [])
        ),
        scopes=tuple(_read_scope(s) for s in doc["scopes"]),
        reports=tuple(
            Report(
                Phase(r["phase"]),
                _moment(r["at"]),
                r["reference"],
                r["late"],
                _when(r.get("recorded_at")),
            )
            for r in doc["reports"]
        ),
        people_queued=people["queued"],
        people_queued_at=_when(people["queued_at"]),
        people_sent=people["sent"],
        closed_at=row["closed_at"],
        version=row["version"],
    )


def _read_assessment(a: Mapping[str, Any]) -> Assessment:
    d = a["decision"]
    factors = Factors(
        likelihood=Likelihood[a["likelihood"].upper()],
        severity=Severity[a["severity"].upper()],
        categories=frozenset(a["categories"]),
        people=a["people"],
        unintelligible=a["unintelligible"],
        reasoning=a["reasoning"],
        records=a.get("records"),
    )
    decision = Decision(
        outcome=Outcome(d["outcome"]),
        likelihood=Likelihood[d["likelihood"].upper()],
        severity=Severity[d["severity"].upper()],
        risk=d["risk"],
        reasons=tuple(d["reasons"]),
    )
    return Assessment(factors, decision, _moment(a["at"]), a["by"])


def _read_scope(s: Mapping[str, Any]) -> CountedScope:
    scope = AffectedScope(
        tenant_id=s["tenant"],
        start=_moment(s["start"]),
        end=_moment(s["end"]),
        categories=frozenset(s["categories"]),
        held=bool(s.get("held", False)),
    )
    count = AffectedCount(
        people=s["people"],
        records=s["records"],
        by_store=s["by_store"],
        people_by_store=s["people_by_store"],
        unidentified=s["unidentified"],
    )
    return CountedScope(scope, count, _moment(s["at"]))
