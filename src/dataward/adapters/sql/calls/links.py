"""The call links on SQLAlchemy Core: a PBX's ids of a call (keyed digests) to its row, and
the rows of calls joined from several records (`domain.calls.correlation`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, text, update

from dataward.adapters.sql.calls.tables import call_links, calls
from dataward.adapters.sql.copy import copy_rows
from dataward.domain.calls.records import StoredCall

_KEY_BATCH = 500
_KEY_SIZE = 16
"""A link key's size: a 16-byte keyed digest (`services.calls.correlate`)."""
_KEY_COLUMNS = ("tenant_id", "started_at", "source_key")
_SAME_CALL = and_(*(calls.c[name] == call_links.c[name] for name in _KEY_COLUMNS))
_FOUND = f"SELECT link.link_key, {', '.join(f'found.{c.name}' for c in calls.columns)} FROM "  # noqa: S608 - the table's own names
_CALL_OF_LINK = (
    "CROSS JOIN LATERAL (SELECT * FROM calls WHERE calls.tenant_id = link.tenant_id "
    "AND calls.started_at = link.started_at AND calls.source_key = link.source_key LIMIT 1) "
    "AS found"
)
_LINKED_PG = text(
    _FOUND + "generate_series(0, CAST(:count AS integer) - 1) AS wanted(i) "  # noqa: S608
    "CROSS JOIN LATERAL (SELECT * FROM call_links WHERE call_links.tenant_id = :tenant "
    "AND call_links.link_key = substring(CAST(:keys AS bytea) FROM wanted.i * :size + 1 "
    "FOR :size) LIMIT 1) AS link " + _CALL_OF_LINK
).columns(call_links.c.link_key, *calls.columns)
_INSERT_SQLITE = (
    "INSERT OR IGNORE INTO call_links (tenant_id, link_key, started_at, source_key) "
    "VALUES (?, ?, ?, ?)"
)
_LINK_COLUMNS = ("tenant_id", "link_key", "started_at", "source_key")
_INSERT_PG = (
    "INSERT INTO call_links (tenant_id, link_key, started_at, source_key) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


def linked_calls(
    connection: Connection, tenant_id: str, link_keys: Sequence[bytes]
) -> dict[bytes, dict[str, Any]]:
    """link key -> the row (as a mapping of its columns) of the call it belongs to.

    On PostgreSQL each key is its own probe of the links' primary key and then of the call's
    (LATERAL sub-queries with a LIMIT are never flattened into joins), so the plan does not
    hang on statistics: an ingest writes its links and calls in one transaction, before any
    ANALYZE has seen them, and a planner left to guess scanned every link of the tenant per
    batch, testing each against the whole list."""
    found: dict[bytes, dict[str, Any]] = {}
    wanted = sorted(set(link_keys))
    postgres = connection.dialect.name == "postgresql"
    for start in range(0, len(wanted), _KEY_BATCH):
        part = wanted[start : start + _KEY_BATCH]
        if postgres and all(len(key) == _KEY_SIZE for key in part):
            # the keys as one byte string, cut up by the server: an array parameter cost the
            # client more to send, element by element, than the look-ups cost the server
            rows = connection.execute(
                _LINKED_PG,
                {
                    "tenant": tenant_id,
                    "keys": b"".join(part),
                    "count": len(part),
                    "size": _KEY_SIZE,
                },
            )
        elif postgres:
            raise ValueError("a call link key is not a link digest")
        else:
            rows = connection.execute(
                select(call_links.c.link_key, calls)
                .select_from(call_links.join(calls, _SAME_CALL))
                .where(call_links.c.tenant_id == tenant_id, call_links.c.link_key.in_(part))
            )
        for row in rows:
            values = dict(row._mapping)
            found[bytes(values.pop("link_key"))] = values
    return found


def add_links(
    connection: Connection,
    rows: Sequence[tuple[str, bytes, datetime, bytes]],
    sqlite_time: Any,
    *,
    new: bool = False,
) -> None:
    """(tenant, link key, call start, call source key) for each link; a link already held
    (another call's, or this one's) is left as it is. `new`: the caller looked every key up in
    this transaction and found none, so on PostgreSQL they are copied in; one stored meanwhile
    by a concurrent ingest fails the copy with a conflict, and the ingest is tried again."""
    if not rows:
        return
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if connection.dialect.name == "postgresql" and new:
            copy_rows(cursor, call_links, _LINK_COLUMNS, rows)
        elif connection.dialect.name == "postgresql":
            cursor.executemany(_INSERT_PG, list(rows))
        else:
            cursor.executemany(_INSERT_SQLITE, [(t, k, sqlite_time(at), s) for t, k, at, s in rows])
    finally:
        cursor.close()


def update_calls(connection: Connection, rows: Sequence[StoredCall]) -> None:
    """Write each call's facts over its row, found by its key (tenant, start, source key)."""
    if not rows:
        return
    settable = [c.name for c in calls.columns if c.name not in _KEY_COLUMNS]
    statement = (
        update(calls)
        .where(
            calls.c.tenant_id == bindparam("k_tenant_id"),
            calls.c.started_at == bindparam("k_started_at"),
            calls.c.source_key == bindparam("k_source_key"),
        )
        .values({name: bindparam(f"v_{name}") for name in settable})
    )
    params = []
    for row in rows:
        values: dict[str, Any] = {f"k_{name}": getattr(row, name) for name in _KEY_COLUMNS}
        for name in settable:
            value = getattr(row, name)
            values[f"v_{name}"] = getattr(value, "value", value)
        params.append(values)
    connection.execute(statement, params)
