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

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    LargeBinary,
    String,
    and_,
    any_,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import OperationalError

from dataward.adapters.sql.calls.store import partition_name
from dataward.adapters.sql.calls.tables import call_links, calls
from dataward.domain.retention.sweeps import set_digest
from dataward.services.retention.ports import Due, Removed, Scope

PARTIES = ("caller_ref", "callee_ref", "agent_ref")


def past(scope: Scope) -> ColumnElement[bool]:
    """The tenant's calls past retention, held ones included."""
    return and_(
        calls.c.tenant_id == scope.tenant_id,
        calls.c.started_at < scope.before,
        or_(calls.c.ended_at.is_(None), calls.c.ended_at < scope.before),
    )


def member(column: Any, values: Sequence[str], postgres: bool) -> ColumnElement[bool]:
    """`column` is one of `values`: on PostgreSQL one array parameter (`= ANY`), whatever the
    number of values; on SQLite a list of parameters (its limit is far above any hold count)."""
    if postgres:
        return column == any_(literal(list(values), ARRAY(String)))  # type: ignore[no-any-return]
    return column.in_(list(values))  # type: ignore[no-any-return]


def not_held(scope: Scope, postgres: bool) -> list[ColumnElement[bool]]:
    """Naming no held subject in any party column."""
    if not scope.held:
        return []
    held = sorted(scope.held)
    return [
        or_(calls.c[name].is_(None), ~member(calls.c[name], held, postgres)) for name in PARTIES
    ]


def due(scope: Scope, postgres: bool) -> ColumnElement[bool]:
    return and_(past(scope), *not_held(scope, postgres))


def _pg(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def count_due(connection: Connection, scope: Scope) -> Due:
    row = connection.execute(
        select(func.count(), func.min(calls.c.started_at)).where(due(scope, _pg(connection)))
    ).one()
    return Due(int(row[0]), _day(row[1]))


def count_held(connection: Connection, scope: Scope) -> tuple[int, dict[str, int]]:
    """The calls past retention a hold keeps (each once), and how many each held subject
    keeps."""
    kept: dict[str, int] = {}
    if not scope.held:
        return 0, kept
    held, postgres = sorted(scope.held), _pg(connection)
    for name in PARTIES:
        column = calls.c[name]
        rows = connection.execute(
            select(column, func.count())
            .where(past(scope), member(column, held, postgres))
            .group_by(column)
        )
        for subject_id, count in rows:
            kept[subject_id] = kept.get(subject_id, 0) + int(count)
    naming = or_(*(member(calls.c[name], held, postgres) for name in PARTIES))
    total = connection.execute(select(func.count()).where(past(scope), naming)).scalar_one()
    return int(total), kept


def delete_batch(connection: Connection, scope: Scope, limit: int) -> Removed:
    postgres = _pg(connection)
    if postgres:
        emptied = _empty_a_month(connection, scope)
        if emptied is not None:
            return emptied
    # The batch is a range of the primary key: the due calls up to the start of the limit-th
    # (a few more where starts tie), deleted by one statement that walks the key's index.
    last = connection.execute(
        select(calls.c.started_at)
        .where(due(scope, postgres))
        .order_by(calls.c.started_at)
        .offset(limit - 1)
        .limit(1)
    ).scalar()
    batch = due(scope, postgres)
    if last is not None:
        batch = and_(batch, calls.c.started_at <= last)
    # Each start comes back as the database has it (SQLite's text sorts as its time does): only
    # the earliest and the latest are made times, not every row's.
    start = type_coerce(calls.c.started_at, String)
    rows = connection.execute(delete(calls).where(batch).returning(start, calls.c.source_key)).all()
    if not rows:
        return Removed(0, 0, None)
    starts = [start for start, _key in rows]
    low, high = _time(min(starts)), _time(max(starts))
    keys = [bytes(key) for _start, key in rows]
    _delete_links(connection, scope.tenant_id, (low, high), keys)
    return Removed.of(keys, _day(low))


def _delete_links(
    connection: Connection, tenant_id: str, span: tuple[datetime, datetime], keys: list[bytes]
) -> None:
    """The links of the calls just deleted, within the batch's range of starts (a held call's
    links, in the same range, stay). PostgreSQL is asked for them by the deleted calls' keys:
    asked for the links whose call is gone, it planned an anti-join over every month of the
    tenant's calls, each batch. SQLite answers that question a link at a time through the
    calls' key, faster than it matches the range against lists of keys."""
    low, high = span
    in_range = and_(
        call_links.c.tenant_id == tenant_id,
        call_links.c.started_at >= low,
        call_links.c.started_at <= high,
    )
    if _pg(connection):
        deleted = call_links.c.source_key == any_(literal(keys, ARRAY(LargeBinary)))
        connection.execute(delete(call_links).where(in_range, deleted))
        return
    call = calls.alias("call")
    gone = ~exists().where(
        call.c.tenant_id == call_links.c.tenant_id,
        call.c.started_at == call_links.c.started_at,
        call.c.source_key == call_links.c.source_key,
    )
    connection.execute(delete(call_links).where(in_range, gone))


def _empty_a_month(connection: Connection, scope: Scope) -> Removed | None:
    """The oldest month partition holding only this tenant's calls, every one ended before the
    bound and none naming a held subject, emptied whole; None if there is none.

    Looked at first without a lock, then locked (ACCESS EXCLUSIVE on that month alone, waiting
    at most `_LOCK_WAIT`: an ingest writing into it, or a report reading it, goes first) and
    looked at again, since a row another transaction had not yet committed is invisible to the
    first look. Emptied with TRUNCATE, not dropped: the table stays, so an ingest that found
    the month there writes on into it."""
    for name, low, high in _months_wholly_past(connection, scope.before):
        if not _only_expired(connection, name, scope):
            continue
        try:
            with connection.begin_nested():  # a lock not had in time leaves the month to rows
                connection.execute(text("SELECT set_config('lock_timeout', :w, true)"), _WAIT)
                connection.execute(text(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE"))
                connection.execute(text("SELECT set_config('lock_timeout', '0', true)"))
        except OperationalError:
            continue
        if not _only_expired(connection, name, scope):
            continue
        digest, count, oldest = 0, 0, None
        keys = connection.execute(
            text(f"SELECT source_key, started_at FROM {name}"),  # noqa: S608 - our own name
            execution_options={"yield_per": 20_000},
        )
        for part in keys.partitions():
            ids = [bytes(key) for key, _start in part]
            digest, count = (digest + set_digest(ids)) % (1 << 256), count + len(ids)
            first = min(start for _key, start in part)
            oldest = first if oldest is None else min(oldest, first)
        connection.execute(text(f"TRUNCATE {name}"))
        connection.execute(
            delete(call_links).where(
                call_links.c.tenant_id == scope.tenant_id,
                call_links.c.started_at >= low,
                call_links.c.started_at < high,
            )
        )
        return Removed(count, digest, _day(oldest))
    return None


_LOCK_WAIT = "2s"
_WAIT = {"w": _LOCK_WAIT}


def _only_expired(connection: Connection, name: str, scope: Scope) -> bool:
    """Whether the month holds calls of this tenant only, every one ended before the bound and
    none naming a held subject."""
    tenants = connection.execute(
        text(f"SELECT min(tenant_id), max(tenant_id) FROM {name}")  # noqa: S608 - our own name
    ).one()
    if tenants[0] != scope.tenant_id or tenants[1] != scope.tenant_id:
        return False  # empty, or another tenant's calls are in it
    kept = text(
        f"SELECT 1 FROM {name} WHERE ended_at >= :b LIMIT 1"  # noqa: S608 - our own name
    )
    if connection.execute(kept, {"b": scope.before}).first() is not None:
        return False  # a call joined from several records can end days after it started
    if scope.held:
        part = text(
            f"SELECT 1 FROM {name} WHERE caller_ref = ANY(:h) OR callee_ref = ANY(:h) "  # noqa: S608
            "OR agent_ref = ANY(:h) LIMIT 1"
        )
        if connection.execute(part, {"h": sorted(scope.held)}).first() is not None:
            return False
    return True


def _months_wholly_past(
    connection: Connection, bound: datetime
) -> Iterator[tuple[str, datetime, datetime]]:
    """Each month partition that exists and whose calls all started before `bound`, oldest
    first."""
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


def _time(value: Any) -> datetime:
    """A start as `returning` gave it: SQLite's stored text, or PostgreSQL's time."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    raise TypeError("not a time")


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's min() of a stored time, as text
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()
    raise TypeError("not a time")
