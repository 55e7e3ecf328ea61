"""The anonymous rollups on SQLAlchemy Core: tallies per tenant, queue, grain and bucket,
read for update and written back merged (`services.calls.rollups` decides what goes in them)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, text, tuple_, update

from dataward.adapters.sql.calls.tables import call_rollups
from dataward.domain.calls.acd import TALLY_HISTOGRAMS, TALLY_NUMBERS, Tally, WaitHistogram

_KEY_BATCH = 500
_FOR_UPDATE_PG = text(
    "SELECT cell.* FROM unnest(CAST(:queues AS text[]), CAST(:grains AS text[]), "
    "CAST(:buckets AS text[])) AS wanted(queue, grain, bucket) "
    "CROSS JOIN LATERAL (SELECT * FROM call_rollups AS stored "
    "WHERE stored.tenant_id = :tenant AND stored.queue = wanted.queue "
    "AND stored.grain = wanted.grain AND stored.bucket = wanted.bucket FOR UPDATE) AS cell"
)

RollupCell = tuple[str, str, str]
"""(queue, grain, bucket)."""


class SqlRollupRepository:
    """Anonymous tallies of queue calls per grain: read for update, written back merged."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def for_update(self, tenant_id: str, cells: Iterable[RollupCell]) -> dict[RollupCell, Tally]:
        """The stored tallies of `cells`, each found by its primary key and, on PostgreSQL,
        locked until the transaction ends.

        On PostgreSQL the keys go in as three arrays and each is looked up by a LATERAL
        sub-query: a sub-query that locks its rows is never flattened into a join, so every key
        is one probe of the primary key whatever the statistics say. (A list of row values
        with `IN` let the planner scan the tenant's every cell per batch, testing each against
        the whole list, on the fresh tables of a first ingest.)"""
        wanted = sorted(set(cells))
        found: dict[RollupCell, Tally] = {}
        postgres = self._connection.dialect.name == "postgresql"
        key = tuple_(call_rollups.c.queue, call_rollups.c.grain, call_rollups.c.bucket)
        for start in range(0, len(wanted), _KEY_BATCH):
            part = wanted[start : start + _KEY_BATCH]
            if postgres:
                rows = self._connection.execute(
                    _FOR_UPDATE_PG,
                    {
                        "tenant": tenant_id,
                        "queues": [q for q, _g, _b in part],
                        "grains": [g for _q, g, _b in part],
                        "buckets": [b for _q, _g, b in part],
                    },
                )
            else:
                rows = self._connection.execute(
                    select(call_rollups).where(call_rollups.c.tenant_id == tenant_id, key.in_(part))
                )
            for row in rows:
                found[(row.queue, row.grain, row.bucket)] = _tally(row._mapping)
        return found

    def save(
        self, tenant_id: str, cells: dict[RollupCell, Tally], existing: set[RollupCell]
    ) -> None:
        new = [
            {"tenant_id": tenant_id, "queue": q, "grain": g, "bucket": b, **_tally_row(t)}
            for (q, g, b), t in cells.items()
            if (q, g, b) not in existing and t.offered
        ]
        if new:
            self._connection.execute(insert(call_rollups), new)
        emptied = [cell for cell, t in cells.items() if cell in existing and not t.offered]
        for start in range(0, len(emptied), _KEY_BATCH):  # every call taken back: no cell
            key = tuple_(call_rollups.c.queue, call_rollups.c.grain, call_rollups.c.bucket)
            self._connection.execute(
                delete(call_rollups).where(
                    call_rollups.c.tenant_id == tenant_id,
                    key.in_(emptied[start : start + _KEY_BATCH]),
                )
            )
        changed = [
            {"k_tenant": tenant_id, "k_queue": q, "k_grain": g, "k_bucket": b, **_tally_row(t)}
            for (q, g, b), t in cells.items()
            if (q, g, b) in existing and t.offered
        ]
        if changed:
            self._connection.execute(
                update(call_rollups).where(
                    call_rollups.c.tenant_id == bindparam("k_tenant"),
                    call_rollups.c.queue == bindparam("k_queue"),
                    call_rollups.c.grain == bindparam("k_grain"),
                    call_rollups.c.bucket == bindparam("k_bucket"),
                ),
                changed,
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


def _tally_row(tally: Tally) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(tally, name) for name in TALLY_NUMBERS}
    row.update({name: getattr(tally, name).encode() for name in TALLY_HISTOGRAMS})
    return row


def _tally(row: Any) -> Tally:
    tally = Tally(**{name: row[name] for name in TALLY_NUMBERS})
    for name in TALLY_HISTOGRAMS:
        setattr(tally, name, WaitHistogram.decode(bytes(row[name])))
    return tally
