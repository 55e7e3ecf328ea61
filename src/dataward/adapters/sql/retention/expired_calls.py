"""A tenant's calls past retention: counted, and deleted in batches with their links.

A call is past retention when it ended (or, with no end, started) before the scope's bound and
names no held subject. Rows go oldest first, a batch per transaction, so on SQLite the writer
lock is held for one batch at a time. On PostgreSQL a month partition (`calls_YYYY_MM`) whose
every call is past the bound (its month ended at least `LONGEST` before it: no call lasts
longer) and which holds no other tenant's call and no held call is dropped whole: its ids are
read first for the sweep's digest, then the table goes, which costs the same whatever its size.
A month shared with another tenant loses only this tenant's rows, batch by batch: partitioning
by tenant as well would make a table per tenant and month, and a provider with thousands of
tenants would plan every query over tens of thousands of tables (`docs/architecture.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
    text,
)

from dataward.adapters.sql.calls.store import partition_name
from dataward.adapters.sql.calls.tables import call_links, calls
from dataward.domain.calls.record_limits import LONGEST
from dataward.services.retention.ports import Due, Removed, Scope

PARTIES = ("caller_ref", "callee_ref", "agent_ref")


def past(scope: Scope) -> ColumnElement[bool]:
    """The tenant's calls past retention, held ones included."""
    return and_(
        calls.c.tenant_id == scope.tenant_id,
        calls.c.started_at < scope.before,
        or_(calls.c.ended_at.is_(None), calls.c.ended_at < scope.before),
    )


def not_held(scope: Scope) -> list[ColumnElement[bool]]:
    """Naming no held subject in any party column."""
    if not scope.held:
        return []
    held = sorted(scope.held)
    return [or_(calls.c[name].is_(None), calls.c[name].not_in(held)) for name in PARTIES]


def due(scope: Scope) -> ColumnElement[bool]:
    return and_(past(scope), *not_held(scope))


def count_due(connection: Connection, scope: Scope) -> Due:
    row = connection.execute(
        select(func.count(), func.min(calls.c.started_at)).where(due(scope))
    ).one()
    return Due(int(row[0]), _day(row[1]))


def count_held(connection: Connection, scope: Scope) -> dict[str, int]:
    """Calls past retention that each held subject keeps (a call naming two held subjects is
    counted for each)."""
    kept: dict[str, int] = {}
    if not scope.held:
        return kept
    held = sorted(scope.held)
    for name in PARTIES:
        column = calls.c[name]
        rows = connection.execute(
            select(column, func.count()).where(past(scope), column.in_(held)).group_by(column)
        )
        for subject_id, count in rows:
            kept[subject_id] = kept.get(subject_id, 0) + int(count)
    return kept


def delete_batch(connection: Connection, scope: Scope, limit: int) -> Removed:
    if connection.dialect.name == "postgresql":
        dropped = _drop_a_month(connection, scope)
        if dropped is not None:
            return dropped
    # The batch is a range of the primary key: the due calls up to the start of the limit-th
    # (a few more where starts tie), deleted by one statement that walks the key's index.
    last = connection.execute(
        select(calls.c.started_at)
        .where(due(scope))
        .order_by(calls.c.started_at)
        .offset(limit - 1)
        .limit(1)
    ).scalar()
    batch = due(scope) if last is None else and_(due(scope), calls.c.started_at <= last)
    rows = connection.execute(
        delete(calls).where(batch).returning(calls.c.started_at, calls.c.source_key)
    ).all()
    if not rows:
        return Removed([], None)
    starts = [start for start, _key in rows]
    low, high = min(starts), max(starts)
    # The links of the calls gone: those in the batch's range whose call is no longer there
    # (a held call's, in the same range, stays).
    call = calls.alias("call")
    connection.execute(
        delete(call_links).where(
            call_links.c.tenant_id == scope.tenant_id,
            call_links.c.started_at >= low,
            call_links.c.started_at <= high,
            ~exists().where(
                call.c.tenant_id == call_links.c.tenant_id,
                call.c.started_at == call_links.c.started_at,
                call.c.source_key == call_links.c.source_key,
            ),
        )
    )
    return Removed([bytes(key) for _start, key in rows], _day(low))


def _drop_a_month(connection: Connection, scope: Scope) -> Removed | None:
    """The oldest month partition holding only this tenant's calls, all past retention and none
    held, dropped whole; None if there is none."""
    for name, low, high in _months_wholly_past(connection, scope.before - LONGEST):
        tenants = connection.execute(
            text(f"SELECT min(tenant_id), max(tenant_id) FROM {name}")  # noqa: S608 - our own name
        ).one()
        if tenants[0] != scope.tenant_id or tenants[1] != scope.tenant_id:
            continue  # empty, or another tenant's calls are in it
        if (
            scope.held
            and connection.execute(
                select(func.count()).where(
                    calls.c.started_at >= low,
                    calls.c.started_at < high,
                    or_(*(calls.c[c].in_(sorted(scope.held)) for c in PARTIES)),
                )
            ).scalar_one()
        ):
            continue
        keys = connection.execute(
            text(f"SELECT source_key, started_at FROM {name}")  # noqa: S608 - our own name
        ).all()
        connection.execute(text(f"DROP TABLE {name}"))
        connection.execute(
            delete(call_links).where(
                call_links.c.tenant_id == scope.tenant_id,
                call_links.c.started_at >= low,
                call_links.c.started_at < high,
            )
        )
        return Removed([bytes(k) for k, _ in keys], _day(min((s for _, s in keys), default=None)))
    return None


def _months_wholly_past(
    connection: Connection, bound: datetime
) -> Iterator[tuple[str, datetime, datetime]]:
    """Each month partition that exists and ends at or before `bound`, oldest first."""
    names = {
        row[0]
        for row in connection.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'calls' "
                "AND p.relnamespace = to_regnamespace(current_schema())::oid"
            )
        )
    }
    months = []
    for name in names:
        parts = name.split("_")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            year, month = int(parts[1]), int(parts[2])
            if 1 <= month <= 12 and partition_name(year, month) == name:
                months.append((year, month))
    for year, month in sorted(months):
        low = datetime(year, month, 1, tzinfo=UTC)
        high = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
        if high > bound:
            return
        yield partition_name(year, month), low, high


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's min() of a stored time, as text
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()
    raise TypeError("not a time")
