"""Who a breach's scope concerns, counted by the database (`domain.breaches.affected`).

Each store is read by the index that leads with its scope: a tenant's calls by the calls' key
(tenant, start; on PostgreSQL only the months of the window are read), its quarantined lines and
the requests by their tenant index, the subjects by theirs. People are counted where they are:
the subject references of every store counted are grouped by subject in one query, and only
the figures come back, never an id. The ids of the people to tell are streamed: through a
server-side cursor on PostgreSQL, a page at a time from SQLite's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Connection,
    Select,
    Table,
    and_,
    case,
    false,
    func,
    literal_column,
    select,
    true,
    union_all,
)

from dataward.adapters.sql.calls.tables import call_quarantine, calls
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.rights.requests import rights_requests
from dataward.domain.breaches.affected import AffectedCount, AffectedScope, AffectedStore
from dataward.domain.subjects import SubjectStatus

PAGE = 5_000
"""Ids fetched from the database at a time while streaming them."""

_PARTIES = ("caller_ref", "callee_ref", "agent_ref")


class SqlAffectedData:
    """`AffectedDataRepository` on SQLAlchemy Core, on the unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def count(self, scope: AffectedScope) -> AffectedCount:
        stores = scope.stores
        by_store: dict[str, int] = {}
        people_by_store: dict[str, int] = {}
        unidentified = 0
        for store in sorted(stores):
            records, anonymous = self._records(scope, store)
            by_store[store.value] = records
            unidentified += anonymous
        people, calls_people, requests_people = self._people(scope, stores)
        if AffectedStore.SUBJECTS in stores:
            people_by_store[AffectedStore.SUBJECTS.value] = by_store[AffectedStore.SUBJECTS]
        if AffectedStore.CALLS in stores:
            people_by_store[AffectedStore.CALLS.value] = calls_people
        if AffectedStore.QUARANTINE in stores:
            people_by_store[AffectedStore.QUARANTINE.value] = 0
        if AffectedStore.REQUESTS in stores:
            people_by_store[AffectedStore.REQUESTS.value] = requests_people
        return AffectedCount(
            people=people,
            records=sum(by_store.values()),
            by_store=by_store,
            people_by_store=people_by_store,
            unidentified=unidentified,
        )

    def subject_ids(self, scope: AffectedScope) -> Iterator[UUID]:
        named = _named(scope, scope.stores)
        if named is None:
            return
        query = select(subjects.c.id).where(
            subjects.c.id.in_(named), subjects.c.status != SubjectStatus.ERASED.value
        )  # a filter on the subjects there: each once, and only those not erased
        self._hashing()
        result = self._connection.execute(query, execution_options={"yield_per": PAGE})
        try:
            for (subject_id,) in result:
                yield UUID(subject_id)
        finally:
            result.close()

    def _records(self, scope: AffectedScope, store: AffectedStore) -> tuple[int, int]:
        """The store's records in the scope, and how many of them refer to no subject."""
        table: Table
        nobody: ColumnElement[bool]
        if store is AffectedStore.SUBJECTS:
            table, within, nobody = subjects, _subjects_in(scope), false()
        elif store is AffectedStore.CALLS:
            table, within = calls, _calls_in(scope)
            nobody = and_(*(calls.c[party].is_(None) for party in _PARTIES))
        elif store is AffectedStore.QUARANTINE:
            table, within, nobody = call_quarantine, _lines_in(scope), true()
        else:
            table, within = rights_requests, _requests_in(scope)
            nobody = rights_requests.c.subject_id.is_(None)
        query = select(func.count(), func.count(case((nobody, 1)))).select_from(table)
        records, anonymous = self._connection.execute(query.where(within)).one()
        return int(records), int(anonymous)

    def _hashing(self) -> None:
        """On PostgreSQL, room for the references to be grouped by hash in memory (a tenant's
        million callers take about 150 MB), and a plan for the whole result, as a cursor read
        to its end is, not for its first rows; for the rest of the transaction."""
        if self._connection.dialect.name == "postgresql":
            self._connection.exec_driver_sql("SET LOCAL work_mem = '256MB'")
            self._connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")

    def _people(
        self, scope: AffectedScope, stores: frozenset[AffectedStore]
    ) -> tuple[int, int, int]:
        """Distinct subjects in all the stores, in the calls, in the requests: one query, which
        groups the references of every store by subject and counts the groups."""
        found = _references(scope, stores)
        if not found:
            return 0, 0, 0
        self._hashing()
        rows = union_all(
            *(query.add_columns(literal_column(f"'{tag}'").label("store")) for tag, query in found)
        ).subquery("refs")
        flags = [func.max(case((rows.c.store == tag, 1), else_=0)).label(tag) for tag in ("c", "r")]
        per_subject = select(rows.c.id, *flags).group_by(rows.c.id).subquery("per_subject")
        query = select(
            func.count(),
            func.coalesce(func.sum(per_subject.c.c), 0),
            func.coalesce(func.sum(per_subject.c.r), 0),
        )
        total, in_calls, in_requests = self._connection.execute(
            query.select_from(per_subject)
        ).one()
        return int(total), int(in_calls), int(in_requests)


def _tenant_is(column: ColumnElement[str | None], scope: AffectedScope) -> ColumnElement[bool]:
    return column.is_(None) if scope.tenant_id is None else column == scope.tenant_id


def _from(column: ColumnElement[Any], scope: AffectedScope, first: Any) -> ColumnElement[bool]:
    """The window's lower bound on `column`; none when the scope is all that was held."""
    return true() if scope.held else column >= first


def _subjects_in(scope: AffectedScope) -> ColumnElement[bool]:
    return and_(
        _tenant_is(subjects.c.tenant_id, scope),
        _from(subjects.c.created_at, scope, scope.start),
        subjects.c.created_at < scope.end,
    )


def _calls_in(scope: AffectedScope) -> ColumnElement[bool]:
    return and_(
        calls.c.tenant_id == scope.tenant_id,
        _from(calls.c.started_at, scope, scope.start),
        calls.c.started_at < scope.end,
    )


def _lines_in(scope: AffectedScope) -> ColumnElement[bool]:
    q = call_quarantine.c
    return and_(
        q.tenant_id == scope.tenant_id,
        _from(q.created_at, scope, scope.start),
        q.created_at < scope.end,
        q.resolved_at.is_(None),
        q.header.is_(False),
    )


def _requests_in(scope: AffectedScope) -> ColumnElement[bool]:
    first, last = scope.request_days()
    return and_(
        _tenant_is(rights_requests.c.tenant_id, scope),
        _from(rights_requests.c.received, scope, first),
        rights_requests.c.received <= last,
    )


def _references(
    scope: AffectedScope, stores: frozenset[AffectedStore]
) -> list[tuple[str, Select[tuple[str]]]]:
    """Each store's subject references in the scope, tagged with the store's letter."""
    found: list[tuple[str, Select[tuple[str]]]] = []
    if AffectedStore.SUBJECTS in stores:
        found.append(("s", select(subjects.c.id.label("id")).where(_subjects_in(scope))))
    if AffectedStore.CALLS in stores and scope.tenant_id is not None:
        for party in _PARTIES:
            column = calls.c[party]
            found.append(
                ("c", select(column.label("id")).where(_calls_in(scope), column.is_not(None)))
            )
    if AffectedStore.REQUESTS in stores:
        column = rights_requests.c.subject_id
        found.append(
            ("r", select(column.label("id")).where(_requests_in(scope), column.is_not(None)))
        )
    return found


def _named(
    scope: AffectedScope, stores: frozenset[AffectedStore]
) -> CompoundSelect[tuple[str]] | None:
    """Every subject reference the stores hold in the scope (a subject may come more than
    once); None when no store counted holds any."""
    found = [query for _tag, query in _references(scope, stores)]
    return union_all(*found) if found else None
