"""The complaints register on SQLAlchemy Core, and the ICO's involvement in a complaint.

The register reads only what it lists of each complaint: its dates and state, whether the
public form recorded its receipt, when it closed (from its timeline), whether an outcome is
sealed on it (a yes or no, never the sealed value) and the ICO's involvement. The ICO's
involvement (`complaint_ico`) is one row per complaint, keyed by the request and holding no
identifier; it is hung on the request and deleted with it under the rights-records rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Column,
    Connection,
    Date,
    ForeignKey,
    Select,
    String,
    Table,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from dataward.adapters.sql.rights.requests import request_events, rights_requests
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.domain.requests.complaints import ComplaintFacts, IcoCase, IcoOutcome
from dataward.domain.requests.model import TERMINAL
from dataward.domain.requests.terms import RequestEvent, RequestState, RequestType
from dataward.services.rights.complaint_ports import ComplaintFilter

complaint_ico = Table(
    "complaint_ico",
    metadata,
    Column("request_id", String(36), ForeignKey(rights_requests.c.id), primary_key=True),
    Column("reference", String(40), nullable=False, comment="The ICO's case reference"),
    Column("notified", Date, nullable=False, comment="The day the ICO told us of the case"),
    Column("outcome", String(32), nullable=True, comment="How the ICO closed it (IcoOutcome)"),
    Column("closed", Date, nullable=True, comment="The day the ICO closed it"),
    Column("recorded_at", UTCDateTime(), nullable=False),
    comment="The ICO's involvement in a complaint taken to it; no identifier.",
)

_FINAL = sorted(state.value for state in TERMINAL)


class SqlComplaintRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def listed(self, where: ComplaintFilter) -> list[ComplaintFacts]:
        r = rights_requests
        query = _register(where.form_actor)
        if where.tenant_id is not None:
            query = query.where(r.c.tenant_id == where.tenant_id)
        if where.open_only:
            query = query.where(r.c.state.not_in(_FINAL))
        if where.since is not None:
            query = query.where(r.c.received >= where.since)
        if where.until is not None:
            query = query.where(r.c.received <= where.until)
        if where.after is not None:
            day, last = where.after.received, str(where.after.id)
            query = query.where(or_(r.c.received < day, and_(r.c.received == day, r.c.id < last)))
        query = query.order_by(r.c.received.desc(), r.c.id.desc())
        if where.limit is not None:
            query = query.limit(where.limit)
        return [_facts(row._mapping) for row in self._connection.execute(query)]

    def one(self, complaint_id: UUID, form_actor: str) -> ComplaintFacts | None:
        query = _register(form_actor).where(rights_requests.c.id == str(complaint_id))
        row = self._connection.execute(query).first()
        return None if row is None else _facts(row._mapping)

    def set_ico(self, complaint_id: UUID, case: IcoCase, at: datetime) -> None:
        values = {
            "reference": case.reference,
            "notified": case.notified,
            "outcome": case.outcome.value if case.outcome else None,
            "closed": case.closed,
            "recorded_at": at,
        }
        key = str(complaint_id)
        done = self._connection.execute(
            update(complaint_ico).where(complaint_ico.c.request_id == key).values(**values)
        )
        if done.rowcount == 0:  # a second writer's insert meanwhile is a conflict, to retry
            self._connection.execute(insert(complaint_ico).values(request_id=key, **values))


def _register(form_actor: str) -> Select[Any]:
    """The columns the register reads of every complaint, with its ICO involvement."""
    r, e, ico = rights_requests, request_events, complaint_ico
    by_form = exists().where(
        e.c.request_id == r.c.id,
        e.c.event == RequestEvent.RECEIVE.value,
        e.c.actor == form_actor,
    )
    closed_at = (
        select(func.max(e.c.at))
        .where(e.c.request_id == r.c.id, e.c.to_state.in_(_FINAL))
        .scalar_subquery()
    )
    return (
        select(
            r.c.id,
            r.c.received,
            r.c.channel,
            by_form.label("by_form"),
            r.c.state,
            r.c.acknowledged,
            r.c.acknowledge_within,
            r.c.investigate_within,
            closed_at.label("closed_at"),
            r.c.complaint_outcome.is_not(None).label("outcome_recorded"),
            r.c.tenant_id,
            r.c.subject_id,
            ico.c.reference,
            ico.c.notified,
            ico.c.outcome,
            ico.c.closed,
        )
        .select_from(r.outerjoin(ico, ico.c.request_id == r.c.id))
        .where(r.c.type == RequestType.COMPLAINT.value)
    )


def _facts(row: Any) -> ComplaintFacts:
    ico = None
    if row["reference"] is not None:
        outcome = IcoOutcome(row["outcome"]) if row["outcome"] else None
        ico = IcoCase(row["reference"], row["notified"], outcome, row["closed"])
    return ComplaintFacts(
        id=UUID(row["id"]),
        received=row["received"],
        channel=row["channel"],
        by_form=bool(row["by_form"]),
        state=RequestState(row["state"]),
        acknowledged=row["acknowledged"],
        acknowledge_within=row["acknowledge_within"],
        investigate_within=row["investigate_within"],
        closed_at=row["closed_at"],
        outcome_recorded=bool(row["outcome_recorded"]),
        tenant_id=row["tenant_id"],
        subject_id=UUID(row["subject_id"]) if row["subject_id"] else None,
        ico=ico,
    )
