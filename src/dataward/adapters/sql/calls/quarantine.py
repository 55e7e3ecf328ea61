"""The quarantine on SQLAlchemy Core: bad lines, each sealed under a key of its own, the blind
indexes of whoever they could name, and the erasure step that empties them.

A line is resolved (replayed, discarded or erased) by one function, `empty_lines`: its
ciphertext emptied, its indexes deleted, and, once no line of its ingest is pending, the
ingest's header row with it. The line keeps its `key_id` until the service has destroyed the
key in the key store, after the transaction commits (`services.quarantine.keys`); a resolved
line that still names a key is a key left to destroy, which `dataward keys sweep` finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, insert, select, update

from dataward.adapters.sql.calls.tables import call_quarantine, ingests, quarantine_parties
from dataward.adapters.sql.registry.tables import identifiers, tombstones
from dataward.adapters.sql.unlink import RegisteredStep
from dataward.services.quarantine.ports import ERASED, NewQuarantineLine, QuarantinedLine

__all__ = ["SqlQuarantineRepository", "empty_lines"]

_CHUNK = 500
_q = call_quarantine
_p = quarantine_parties


def _line(row: Any) -> QuarantinedLine:
    values = dict(row._mapping)
    values["raw_ciphertext"] = bytes(values["raw_ciphertext"])
    values["header"] = bool(values["header"])
    return QuarantinedLine(**values)


def _chunks(items: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])


def empty_lines(connection: Connection, ids: Sequence[int], at: datetime, resolution: str) -> int:
    """Resolve the pending lines (or header rows) among `ids`: emptied, their indexes deleted;
    then the header row of each of their ingests that has no pending line left. The keys stay
    named until destroyed. How many lines (not headers) were resolved."""
    ids = list(dict.fromkeys(ids))
    resolved = 0
    touched: set[int] = set()
    for chunk in _chunks(ids):
        touched.update(
            connection.execute(
                select(_q.c.ingest_id).where(_q.c.id.in_(chunk)).distinct()
            ).scalars()
        )
        lines = connection.execute(
            update(_q)
            .where(_q.c.id.in_(chunk), _q.c.resolved_at.is_(None), _q.c.header.is_(False))
            .values(resolved_at=at, resolution=resolution, raw_ciphertext=b"")
        )
        resolved += int(lines.rowcount)
        connection.execute(
            update(_q)
            .where(_q.c.id.in_(chunk), _q.c.resolved_at.is_(None))
            .values(resolved_at=at, resolution=resolution, raw_ciphertext=b"")
        )  # header rows named by an erasure
        connection.execute(delete(_p).where(_p.c.quarantine_id.in_(chunk)))
    for ingest_id in sorted(touched):
        _close_header(connection, ingest_id, at, resolution)
    return resolved


def _close_header(connection: Connection, ingest_id: int, at: datetime, resolution: str) -> int:
    """The ingest's header row goes once none of its lines is pending."""
    pending = exists().where(
        _q.c.ingest_id == ingest_id, _q.c.header.is_(False), _q.c.resolved_at.is_(None)
    )
    headers = list(
        connection.execute(
            select(_q.c.id).where(
                _q.c.ingest_id == ingest_id,
                _q.c.header.is_(True),
                _q.c.resolved_at.is_(None),
                ~pending,
            )
        ).scalars()
    )
    if not headers:
        return 0
    connection.execute(
        update(_q)
        .where(_q.c.id.in_(headers))
        .values(resolved_at=at, resolution=resolution, raw_ciphertext=b"")
    )
    connection.execute(delete(_p).where(_p.c.quarantine_id.in_(headers)))
    return len(headers)


class SqlQuarantineRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, lines: Sequence[NewQuarantineLine]) -> list[int]:
        if not lines:
            return []
        rows = [
            {
                "ingest_id": line.ingest_id,
                "tenant_id": line.tenant_id,
                "line": line.line,
                "reason": line.reason[:300],
                "raw_ciphertext": b"" if line.erased else line.ciphertext,
                "created_at": line.created_at,
                "key_id": None if line.erased else line.key_id,
                "header": line.header,
                "parties_from": line.parties_from,
                "resolved_at": line.created_at if line.erased else None,
                "resolution": ERASED if line.erased else None,
            }
            for line in lines
        ]
        ids = list(
            self._connection.execute(
                insert(_q).returning(_q.c.id, sort_by_parameter_order=True), rows
            ).scalars()
        )
        self._index(
            (line_id, line.parties)
            for line_id, line in zip(ids, lines, strict=True)
            if not line.erased
        )
        return ids

    def _index(self, lines: Iterable[tuple[int, Iterable[bytes]]]) -> None:
        rows = [
            {"quarantine_id": line_id, "blind_index": index}
            for line_id, indexes in lines
            for index in set(indexes)
        ]
        for start in range(0, len(rows), 5000):
            self._connection.execute(insert(_p), rows[start : start + 5000])

    def lines(
        self,
        tenant_id: str,
        *,
        ingest_id: int | None = None,
        include_resolved: bool = False,
        naming: Sequence[bytes] = (),
    ) -> list[QuarantinedLine]:
        query = select(_q).where(_q.c.tenant_id == tenant_id, _q.c.header.is_(False))
        if ingest_id is not None:
            query = query.where(_q.c.ingest_id == ingest_id)
        if not include_resolved:
            query = query.where(_q.c.resolved_at.is_(None))
        if naming:
            named = select(_p.c.quarantine_id).where(_p.c.blind_index.in_(list(naming)))
            query = query.where(_q.c.id.in_(named))
        rows = self._connection.execute(query.order_by(_q.c.ingest_id, _q.c.line, _q.c.id))
        return [_line(row) for row in rows]

    def header(self, ingest_id: int) -> QuarantinedLine | None:
        row = self._connection.execute(
            select(_q).where(
                _q.c.ingest_id == ingest_id, _q.c.header.is_(True), _q.c.resolved_at.is_(None)
            )
        ).first()
        return None if row is None else _line(row)

    def has_any(self, ingest_id: int) -> bool:
        row = self._connection.execute(
            select(_q.c.id).where(_q.c.ingest_id == ingest_id).limit(1)
        ).first()
        return row is not None

    def resolve(self, ids: Sequence[int], *, at: datetime, resolution: str) -> int:
        return empty_lines(self._connection, ids, at, resolution)

    def close_ingest(self, ingest_id: int, *, at: datetime, resolution: str) -> int:
        return _close_header(self._connection, ingest_id, at, resolution)

    def naming_subject(self, subject_id: str) -> list[QuarantinedLine]:
        indexes = select(identifiers.c.blind_index).where(identifiers.c.subject_id == subject_id)
        named = select(_p.c.quarantine_id).where(_p.c.blind_index.in_(indexes))
        rows = self._connection.execute(
            select(_q)
            .where(_q.c.id.in_(named), _q.c.resolved_at.is_(None), _q.c.header.is_(False))
            .order_by(_q.c.ingest_id, _q.c.line, _q.c.id)
        )
        return [_line(row) for row in rows]

    def subjects_indexed(self, indexes: Iterable[bytes]) -> dict[bytes, str]:
        found: dict[bytes, str] = {}
        for chunk in _chunks(list(set(indexes))):
            rows = self._connection.execute(
                select(identifiers.c.blind_index, identifiers.c.subject_id).where(
                    identifiers.c.blind_index.in_(chunk)
                )
            )
            found.update({bytes(r.blind_index): str(r.subject_id) for r in rows})
        return found

    def erased_subjects_since(self, since: datetime) -> set[str]:
        return set(
            self._connection.execute(
                select(tombstones.c.subject_id).where(tombstones.c.erased_at >= since)
            ).scalars()
        )

    def pending_indexes(self, ingest_id: int) -> list[tuple[int, bytes]]:
        rows = self._connection.execute(
            select(_p.c.quarantine_id, _p.c.blind_index)
            .join(_q, _q.c.id == _p.c.quarantine_id)
            .where(_q.c.ingest_id == ingest_id, _q.c.resolved_at.is_(None))
        )
        return [(int(r.quarantine_id), bytes(r.blind_index)) for r in rows]

    def released_keys(self, limit: int) -> list[str]:
        rows = self._connection.execute(
            select(_q.c.key_id)
            .where(_q.c.resolved_at.is_not(None), _q.c.key_id.is_not(None))
            .limit(limit)
        )
        return [str(key) for key in rows.scalars()]

    def forget_keys(self, key_ids: Sequence[str]) -> None:
        for chunk in _chunks(list(key_ids)):
            self._connection.execute(
                update(_q)
                .where(_q.c.key_id.in_(chunk), _q.c.resolved_at.is_not(None))
                .values(key_id=None)
            )

    def legacy_ingests(self) -> list[int]:
        return list(
            self._connection.execute(
                select(ingests.c.id)
                .where(ingests.c.quarantine_key.is_not(None))
                .order_by(ingests.c.id)
            ).scalars()
        )

    def legacy_lines(self, ingest_id: int) -> list[QuarantinedLine]:
        rows = self._connection.execute(
            select(_q)
            .where(_q.c.ingest_id == ingest_id, _q.c.key_id.is_(None), _q.c.resolved_at.is_(None))
            .order_by(_q.c.line, _q.c.id)
        )
        return [_line(row) for row in rows]

    def reseal(
        self,
        line_id: int,
        key_id: str,
        ciphertext: bytes,
        parties: Iterable[bytes],
        parties_from: str,
    ) -> None:
        self._connection.execute(
            update(_q).where(_q.c.id == line_id).values(key_id=key_id, raw_ciphertext=ciphertext)
        )
        self.reindex(line_id, parties, parties_from)

    def unindexed(self, limit: int) -> list[QuarantinedLine]:
        rows = self._connection.execute(
            select(_q)
            .where(
                _q.c.parties_from.is_(None), _q.c.resolved_at.is_(None), _q.c.key_id.is_not(None)
            )
            .order_by(_q.c.ingest_id, _q.c.id)
            .limit(limit)
        )
        return [_line(row) for row in rows]

    def reindex(self, line_id: int, parties: Iterable[bytes], parties_from: str) -> None:
        self._connection.execute(
            update(_q).where(_q.c.id == line_id).values(parties_from=parties_from)
        )
        self._connection.execute(delete(_p).where(_p.c.quarantine_id == line_id))
        self._index([(line_id, parties)])

    def drop_legacy_header(self, ingest_id: int) -> None:
        self._connection.execute(
            update(ingests).where(ingests.c.id == ingest_id).values(header_ciphertext=None)
        )

    def forget_legacy_key(self, ingest_id: int) -> None:
        self._connection.execute(
            update(ingests)
            .where(ingests.c.id == ingest_id)
            .values(quarantine_key=None, header_ciphertext=None)
        )


def _erase_quarantined(connection: Connection, subject_id: str, at: datetime) -> int:
    """Shredding: every quarantined line (or header row) that could name the subject (one of
    its identifiers' blind indexes is among the line's) is emptied and resolved as erased,
    its indexes deleted, and its key left to be destroyed once the erasure commits. The
    line's ingest, number and reason stay listed, so nothing vanishes without trace. Runs
    before the identifiers are deleted. Returns how many lines were erased."""
    indexes = select(identifiers.c.blind_index).where(identifiers.c.subject_id == subject_id)
    named = list(
        connection.execute(
            select(_p.c.quarantine_id).where(_p.c.blind_index.in_(indexes)).distinct()
        ).scalars()
    )
    return empty_lines(connection, named, at, ERASED)


UNLINK = RegisteredStep(
    "quarantine", _erase_quarantined, (call_quarantine.name, quarantine_parties.name)
)
