"""The consent ledger, restrictions and objections, on SQLAlchemy Core.

`consent_events` is append-only: the repository inserts and reads, never updates; erasure
deletes a subject's rows (its unlink step below), and the retention sweep withdrawn ledgers
past their rule. An id is never given again once its event is deleted (SQLite: AUTOINCREMENT,
migration 0027; PostgreSQL's sequence never goes back), so a sweep's digest of ids and the
sequence number a consent was given never name two events. A restriction changes once, when it
is lifted, and an objection once, when it is decided; both updates are conditional on the row
still being open, so two concurrent lifts or decisions cannot both succeed.

No foreign key to `subjects` yet: the subject id is a pseudonymous reference (String(36)).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Column, Connection, Integer, String, Table, Text, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.sql.elements import ColumnElement

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.leases import holds_changing, subject_there
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import rows_of_subject
from dataward.domain.bounds import EVIDENCE_CHARS, NOTICE_VERSION_CHARS
from dataward.domain.processing.consent import ConsentEvent, ConsentMethod, ConsentState
from dataward.domain.processing.restrictions import (
    Objection,
    ObjectionKind,
    ObjectionOutcome,
    Restriction,
    RestrictionGround,
)

T = TypeVar("T")

consent_events = Table(
    "consent_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("purpose", String(64), nullable=False),
    Column("channel", String(64), nullable=True),
    Column("state", String(16), nullable=False),
    Column("method", String(16), nullable=False),
    Column("notice_version", String(NOTICE_VERSION_CHARS), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("evidence_ref", String(EVIDENCE_CHARS), nullable=True),
    comment="Consent ledger, append-only: each consent given or withdrawn, with its evidence.",
    sqlite_autoincrement=True,  # an id never named again once its event is deleted
)

restrictions = Table(
    "restrictions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column(
        "scope",
        Text,
        nullable=True,
        comment="Comma-separated category keys; NULL restricts every category",
    ),
    Column("ground", String(40), nullable=False),
    Column("starts_at", UTCDateTime(), nullable=False),
    Column("ends_at", UTCDateTime(), nullable=True),
    Column("lifted_at", UTCDateTime(), nullable=True),
    Column("subject_told_at", UTCDateTime(), nullable=True),
    Column("request_ref", String(64), nullable=True),
    comment="Restrictions of processing (Art. 18): storage only while active.",
)

objections = Table(
    "objections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("purpose", String(64), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("outcome", String(24), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("decided_at", UTCDateTime(), nullable=True),
    Column("reasoning", Text, nullable=True),
    Column("request_ref", String(64), nullable=True),
    comment="Objections (Art. 21): upheld, or overridden by compelling grounds with reasoning.",
)


def _of_subjects(
    connection: Connection,
    table: Table,
    order: tuple[ColumnElement[Any], ...],
    read: Callable[[Any], T],
    subject_ids: Sequence[str],
) -> dict[str, list[T]]:
    """The rows of `table` about each of the subjects that has any, by subject id, each
    subject's in `order`: one query per few hundred subjects."""
    found: dict[str, list[T]] = {}
    for chunk in in_chunks(sorted(set(subject_ids))):
        rows = connection.execute(
            select(table).where(table.c.subject_id.in_(chunk)).order_by(*order)
        )
        for row in rows:
            found.setdefault(row.subject_id, []).append(read(row._mapping))
    return found


class SqlConsentRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, event: ConsentEvent) -> int:
        """Append one event; returns its sequence number in the ledger. Its subject's row is
        held first (`subject_kept`), so a retention batch erasing the subject reads the event
        or erased it before; then the event is refused, never left naming no one."""
        subject_there(self._connection, event.subject_id)
        result = self._connection.execute(
            insert(consent_events).values(**_event_row(event)).returning(consent_events.c.id)
        )
        sequence: int = result.scalar_one()
        return sequence

    def events_for(self, subject_id: UUID | str) -> list[ConsentEvent]:
        return self.events_for_many([str(subject_id)]).get(str(subject_id), [])

    def events_for_many(self, subject_ids: Sequence[str]) -> dict[str, list[ConsentEvent]]:
        order = (consent_events.c.at, consent_events.c.id)
        return _of_subjects(self._connection, consent_events, order, _event, subject_ids)


class SqlRestrictionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, restriction: Restriction) -> None:
        holds_changing(self._connection)  # after any retention batch that read the holds
        subject_there(self._connection, restriction.subject_id)
        self._connection.execute(insert(restrictions).values(**_restriction_row(restriction)))

    def get(self, restriction_id: UUID | str) -> Restriction | None:
        row = self._connection.execute(
            select(restrictions).where(restrictions.c.id == str(restriction_id))
        ).first()
        return restriction_of(row._mapping) if row else None

    def for_subject(self, subject_id: UUID | str) -> list[Restriction]:
        return self.for_subjects([str(subject_id)]).get(str(subject_id), [])

    def for_subjects(self, subject_ids: Sequence[str]) -> dict[str, list[Restriction]]:
        order = (restrictions.c.starts_at, restrictions.c.id)
        return _of_subjects(self._connection, restrictions, order, restriction_of, subject_ids)

    def record_lift(self, lifted: Restriction) -> bool:
        """Store the lift; False when the row was lifted meanwhile (or is not there)."""
        result = self._connection.execute(
            sql_update(restrictions)
            .where(restrictions.c.id == str(lifted.id), restrictions.c.lifted_at.is_(None))
            .values(lifted_at=lifted.lifted_at, subject_told_at=lifted.subject_told_at)
        )
        return result.rowcount == 1


class SqlObjectionRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, objection: Objection) -> None:
        subject_there(self._connection, objection.subject_id)
        self._connection.execute(insert(objections).values(**_objection_row(objection)))

    def get(self, objection_id: UUID | str) -> Objection | None:
        row = self._connection.execute(
            select(objections).where(objections.c.id == str(objection_id))
        ).first()
        return objection_of(row._mapping) if row else None

    def for_subject(self, subject_id: UUID | str) -> list[Objection]:
        return self.for_subjects([str(subject_id)]).get(str(subject_id), [])

    def for_subjects(self, subject_ids: Sequence[str]) -> dict[str, list[Objection]]:
        order = (objections.c.received_at, objections.c.id)
        return _of_subjects(self._connection, objections, order, objection_of, subject_ids)

    def record_decision(self, decided: Objection) -> bool:
        """Store the decision; False when the objection was decided meanwhile (or is not there)."""
        result = self._connection.execute(
            sql_update(objections)
            .where(
                objections.c.id == str(decided.id),
                objections.c.outcome == ObjectionOutcome.PENDING.value,
            )
            .values(
                outcome=decided.outcome.value,
                reasoning=decided.reasoning,
                decided_at=decided.decided_at,
            )
        )
        return result.rowcount == 1


UNLINKS = tuple(rows_of_subject(table) for table in (consent_events, restrictions, objections))


def _event_row(event: ConsentEvent) -> dict[str, Any]:
    return {
        "subject_id": str(event.subject_id),
        "purpose": event.purpose,
        "channel": event.channel,
        "state": event.state.value,
        "method": event.method.value,
        "notice_version": event.notice_version,
        "at": event.at,
        "evidence_ref": event.evidence_ref,
    }


def _event(row: Any) -> ConsentEvent:
    return ConsentEvent(
        subject_id=UUID(row["subject_id"]),
        purpose=row["purpose"],
        channel=row["channel"],
        state=ConsentState(row["state"]),
        method=ConsentMethod(row["method"]),
        notice_version=row["notice_version"],
        at=row["at"],
        evidence_ref=row["evidence_ref"],
        sequence=row["id"],
    )


def _restriction_row(restriction: Restriction) -> dict[str, Any]:
    scope = None if restriction.scope is None else ",".join(sorted(restriction.scope))
    return {
        "id": str(restriction.id),
        "subject_id": str(restriction.subject_id),
        "scope": scope,
        "ground": restriction.ground.value,
        "starts_at": restriction.starts_at,
        "ends_at": restriction.ends_at,
        "lifted_at": restriction.lifted_at,
        "subject_told_at": restriction.subject_told_at,
        "request_ref": restriction.request_ref,
    }


def restriction_of(row: Any) -> Restriction:
    scope = row["scope"]
    return Restriction(
        id=UUID(row["id"]),
        subject_id=UUID(row["subject_id"]),
        scope=None if scope is None else frozenset(scope.split(",")),
        ground=RestrictionGround(row["ground"]),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        lifted_at=row["lifted_at"],
        subject_told_at=row["subject_told_at"],
        request_ref=row["request_ref"],
    )


def _objection_row(objection: Objection) -> dict[str, Any]:
    return {
        "id": str(objection.id),
        "subject_id": str(objection.subject_id),
        "purpose": objection.purpose,
        "kind": objection.kind.value,
        "outcome": objection.outcome.value,
        "received_at": objection.received_at,
        "decided_at": objection.decided_at,
        "reasoning": objection.reasoning,
        "request_ref": objection.request_ref,
    }


def objection_of(row: Any) -> Objection:
    return Objection(
        id=UUID(row["id"]),
        subject_id=UUID(row["subject_id"]),
        purpose=row["purpose"],
        kind=ObjectionKind(row["kind"]),
        outcome=ObjectionOutcome(row["outcome"]),
        received_at=row["received_at"],
        decided_at=row["decided_at"],
        reasoning=row["reasoning"],
        request_ref=row["request_ref"],
    )
