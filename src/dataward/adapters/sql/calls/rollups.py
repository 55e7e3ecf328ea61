"""The anonymous rollups on SQLAlchemy Core: tallies per tenant, queue, grain and bucket,
read for update and written back merged (`services.calls.rollups` decides what goes in them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, delete, select, text, tuple_

from dataward.adapters.sql.calls.tables import call_rollups
from dataward.adapters.sql.copy import copy_rows
from dataward.domain.calls.acd import TALLY_HISTOGRAMS, TALLY_NUMBERS, Tally, WaitHistogram

_KEY_BATCH = 500
_FOR_UPDATE_PG = text(
    "SELECT cell.* FROM unnest(CAST(:queues AS text[]), CAST(:grains AS text[]), "
    "CAST(:buckets AS text[])) AS wanted(queue, grain, bucket) "
    "CROSS JOIN LATERAL (SELECT * FROM call_rollups AS stored "
    "WHERE stored.tenant_id = :tenant AND stored.queue = wanted.queue "
    "AND stored.grain = wanted.grain AND stored.bucket = wanted.bucket FOR UPDATE) AS cell"
)

_VALUES = (*TALLY_NUMBERS, *TALLY_HISTOGRAMS)
"""The tally's columns, in the order `_tally_values` gives them."""
assert (  # noqa: S101 - `_tally_values` spells them out, for speed
    *("offered", "answered", "abandoned", "overflow", "wait_sum", "wait_count"),
    *("answered_wait_sum", "talk_sum", "talk_count", "ring_sum"),
    *("answered_waits", "abandoned_waits", "all_waits"),
) == _VALUES
_KEYS = ("tenant_id", "queue", "grain", "bucket")
_INSERT = (
    f"INSERT INTO call_rollups ({', '.join((*_KEYS, *_VALUES))}) "  # noqa: S608 - own names
    f"VALUES ({', '.join('?' * (len(_KEYS) + len(_VALUES)))})"
)
_UPDATE = (
    f"UPDATE call_rollups SET {', '.join(f'{name} = ?' for name in _VALUES)} "  # noqa: S608
    f"WHERE {' AND '.join(f'{name} = ?' for name in _KEYS)}"
)
_UPDATE_PG = _UPDATE.replace("?", "%s")
_CELL_SQLITE = (
    f"SELECT {', '.join(_VALUES)} FROM call_rollups "  # noqa: S608 - the table's own names
    f"WHERE {' AND '.join(f'{name} = ?' for name in _KEYS)}"
)

RollupCell = tuple[str, str, str]
"""(queue, grain, bucket)."""


class SqlRollupRepository:
    """Anonymous tallies of queue calls per grain: read for update, written back merged."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def for_update(self, tenant_id: str, cells: Iterable[RollupCell]) -> dict[RollupCell, Tally]:
        """The stored tallies of `cells`, each found by its primary key and, on PostgreSQL,
        locked until the transaction ends (SQLite's write lock covers the whole store).

        On PostgreSQL the keys go in as three arrays and each is looked up by a LATERAL
        sub-query: a sub-query that locks its rows is never flattened into a join, so every key
        is one probe of the primary key whatever the statistics say. (A list of row values
        with `IN` let the planner scan the tenant's every cell per batch, testing each against
        the whole list, on the fresh tables of a first ingest.) SQLite did the same with a list
        of row values, so there each key is its own probe of the primary key, in C."""
        wanted = sorted(set(cells))
        if self._connection.dialect.name != "postgresql":
            return self._probed(tenant_id, wanted)
        found: dict[RollupCell, Tally] = {}
        for start in range(0, len(wanted), _KEY_BATCH):
            part = wanted[start : start + _KEY_BATCH]
            rows = self._connection.execute(
                _FOR_UPDATE_PG,
                {
                    "tenant": tenant_id,
                    "queues": [q for q, _g, _b in part],
                    "grains": [g for _q, g, _b in part],
                    "buckets": [b for _q, _g, b in part],
                },
            )
            for row in rows:
                found[(row.queue, row.grain, row.bucket)] = _tally(row._mapping)
        return found

    def _probed(self, tenant_id: str, wanted: list[RollupCell]) -> dict[RollupCell, Tally]:
        found: dict[RollupCell, Tally] = {}
        cursor = self._connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            for queue, grain, bucket in wanted:
                row = cursor.execute(_CELL_SQLITE, (tenant_id, queue, grain, bucket)).fetchone()
                if row is not None:
                    found[(queue, grain, bucket)] = _tally(dict(zip(_VALUES, row, strict=True)))
        finally:
            cursor.close()
        return found

    def save(
        self, tenant_id: str, cells: dict[RollupCell, Tally], existing: set[RollupCell]
    ) -> None:
        """Write `cells` merged: new ones inserted (COPY on PostgreSQL), stored ones updated,
        and stored ones left with no call deleted. Rows go to the driver as tuples: compiling
        a statement's parameters per cell cost more than the writes."""
        new = [
            (tenant_id, q, g, b, *_tally_values(t))
            for (q, g, b), t in cells.items()
            if (q, g, b) not in existing and t.offered
        ]
        changed = [
            (*_tally_values(t), tenant_id, q, g, b)
            for (q, g, b), t in cells.items()
            if (q, g, b) in existing and t.offered
        ]
        emptied = [cell for cell, t in cells.items() if cell in existing and not t.offered]
        postgres = self._connection.dialect.name == "postgresql"
        driver = self._connection.connection.driver_connection
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            if new and postgres:
                copy_rows(cursor, call_rollups, (*_KEYS, *_VALUES), new)
            elif new:
                cursor.executemany(_INSERT, new)
            if changed:
                cursor.executemany(_UPDATE_PG if postgres else _UPDATE, changed)
        finally:
            cursor.close()
        for start in range(0, len(emptied), _KEY_BATCH):  # every call taken back: no cell
            key = tuple_(call_rollups.c.queue, call_rollups.c.grain, call_rollups.c.bucket)
            self._connection.execute(
                delete(call_rollups).where(
                    call_rollups.c.tenant_id == tenant_id,
                    key.in_(emptied[start : start + _KEY_BATCH]),
                )
            )

    def read(
        self, tenant_id: str, grain: str, first: str | None = None, last: str | None = None
    ) -> Iterator[tuple[str, str, Tally]]:
        """(queue, bucket, tally) of one grain, buckets from `first` to `last` inclusive."""
        query = select(call_rollups).where(
            call_rollups.c.tenant_id == tenant_id, call_rollups.c.grain == grain
        )
        if first is not None:
            query = query.where(call_rollups.c.bucket >= first)
        if last is not None:
            query = query.where(call_rollups.c.bucket <= last)
        for row in self._connection.execute(query.order_by(call_rollups.c.bucket)):
            yield row.queue, row.bucket, _tally(row._mapping)


def _tally_values(tally: Tally) -> tuple[Any, ...]:
    """A tally's columns, in `_VALUES` order."""
    return (
        tally.offered,
        tally.answered,
        tally.abandoned,
        tally.overflow,
        tally.wait_sum,
        tally.wait_count,
        tally.answered_wait_sum,
        tally.talk_sum,
        tally.talk_count,
        tally.ring_sum,
        tally.answered_waits.encode(),
        tally.abandoned_waits.encode(),
        tally.all_waits.encode(),
    )


def _tally(row: Any) -> Tally:
    tally = Tally(**{name: row[name] for name in TALLY_NUMBERS})
    for name in TALLY_HISTOGRAMS:
        setattr(tally, name, WaitHistogram.decode(bytes(row[name])))
    return tally
