"""What the request figures (`domain.requests.stats`) read: one row per request received in the
period, with only the columns they need and its completing and extension events folded in.

One query: the requests of the period (and the tenants in reach) joined to their `extend`,
`complete` and `complete_partially` events only (through the events' request index), grouped
back to one row each. Nothing of the requester, no reason and no outcome is read. Rows are
handed on as they come.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from sqlalchemy import ColumnElement, Connection, and_, case, false, func, or_, select, true

from dataward.adapters.sql.rights.requests import request_events, rights_requests
from dataward.domain.requests.stats import RequestFacts, StatsPeriod
from dataward.domain.requests.terms import RequestEvent, RequestState, RequestType

E = RequestEvent
COMPLETING: Final = (E.COMPLETE.value, E.COMPLETE_PARTIALLY.value)


def request_facts(
    connection: Connection, period: StatsPeriod, tenants: Sequence[str | None] | None
) -> Iterator[RequestFacts]:
    """The facts of each request (complaints left out) received in `period`, of the tenants
    in reach (`tenants`: None for every request; else those tenants', None among them for our
    own)."""
    r, e = rights_requests.c, request_events.c
    completing = e.event.in_(COMPLETING)
    query = (
        select(
            r.type,
            r.received,
            r.state,
            func.max(case((completing, e.at))).label("completed_at"),
            func.max(case((completing, e.days_late))).label("days_late"),
            func.max(case((e.event == E.EXTEND.value, 1), else_=0)).label("extended"),
        )
        .select_from(
            rights_requests.outerjoin(
                request_events,
                and_(e.request_id == r.id, e.event.in_((*COMPLETING, E.EXTEND.value))),
            )
        )
        .where(
            r.received >= period.since,
            r.received <= period.until,
            r.type != RequestType.COMPLAINT.value,
            _in_reach(tenants),
        )
        .group_by(r.id, r.type, r.received, r.state)
    )
    for row in connection.execute(query):
        yield RequestFacts(
            type=RequestType(row.type),
            received=row.received,
            state=RequestState(row.state),
            completed_at=row.completed_at,
            days_late=row.days_late,
            extended=bool(row.extended),
        )


def _in_reach(tenants: Sequence[str | None] | None) -> ColumnElement[bool]:
    tenant = rights_requests.c.tenant_id
    if tenants is None:
        return true()
    named = [t for t in tenants if t is not None]
    conditions = [tenant.in_(named)] if named else []
    if None in tenants:
        conditions.append(tenant.is_(None))
    return or_(*conditions) if conditions else false()
