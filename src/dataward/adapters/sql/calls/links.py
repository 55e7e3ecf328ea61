"""The call links on SQLAlchemy Core: a PBX's ids of a call (keyed digests) to its row, and
the rows of calls joined from several records (`domain.calls.correlation`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, update

from dataward.adapters.sql.calls.tables import call_links, calls
from dataward.domain.calls.records import StoredCall

_KEY_BATCH = 500
_KEY_COLUMNS = ("tenant_id", "started_at", "source_key")
_INSERT_SQLITE = (
    "INSERT OR IGNORE INTO call_links (tenant_id, link_key, started_at, source_key) "
    "VALUES (?, ?, ?, ?)"
)
_INSERT_PG = (
    "INSERT INTO call_links (tenant_id, link_key, started_at, source_key) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


def linked_calls(
    connection: Connection, tenant_id: str, link_keys: Sequence[bytes]
) -> dict[bytes, dict[str, Any]]:
    """link key -> the row (as a mapping of its columns) of the call it belongs to."""
    found: dict[bytes, dict[str, Any]] = {}
    wanted = sorted(set(link_keys))
    joined = call_links.join(
        calls,
        and_(
            calls.c.tenant_id == call_links.c.tenant_id,
            calls.c.started_at == call_links.c.started_at,
            calls.c.source_key == call_links.c.source_key,
        ),
    )
    for start in range(0, len(wanted), _KEY_BATCH):
        query = (
            select(call_links.c.link_key, calls)
            .select_from(joined)
            .where(
                call_links.c.tenant_id == tenant_id,
                call_links.c.link_key.in_(wanted[start : start + _KEY_BATCH]),
            )
        )
        for row in connection.execute(query):
            values = dict(row._mapping)
            found[bytes(values.pop("link_key"))] = values
    return found


def add_links(
    connection: Connection,
    rows: Sequence[tuple[str, bytes, datetime, bytes]],
    sqlite_time: Any,
) -> None:
    """(tenant, link key, call start, call source key) for each link; a link already held
    (another call's, or this one's) is left as it is."""
    if not rows:
        return
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if connection.dialect.name == "postgresql":
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
