"""Stored register versions, on SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select, update

from dataward.adapters.sql.tables import registers
from dataward.services.ports import NewStoredRegister, StoredRegister


class SqlRegisterRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, register: NewStoredRegister) -> StoredRegister:
        result = self._connection.execute(
            insert(registers)
            .values(
                version=register.version,
                last_updated=register.last_updated,
                sha256=register.sha256,
                source=register.source,
                document=register.document,
                loaded_at=register.loaded_at,
                active=False,
            )
            .returning(*registers.c)
        )
        return _stored(result.one()._mapping)

    def by_sha256(self, sha256: str) -> StoredRegister | None:
        row = self._connection.execute(
            select(registers).where(registers.c.sha256 == sha256)
        ).one_or_none()
        return _stored(row._mapping) if row else None

    def active(self) -> StoredRegister | None:
        row = self._connection.execute(
            select(registers).where(registers.c.active.is_(True))
        ).one_or_none()
        return _stored(row._mapping) if row else None

    def activate(self, register_id: int) -> None:
        self._connection.execute(
            update(registers).where(registers.c.active.is_(True)).values(active=False)
        )
        self._connection.execute(
            update(registers).where(registers.c.id == register_id).values(active=True)
        )

    def history(self) -> Sequence[StoredRegister]:
        rows = self._connection.execute(select(registers).order_by(registers.c.id))
        return [_stored(row._mapping) for row in rows]


def _stored(row: Any) -> StoredRegister:
    return StoredRegister(
        id=row["id"],
        version=row["version"],
        last_updated=row["last_updated"],
        sha256=row["sha256"],
        source=row["source"],
        document=row["document"],
        loaded_at=row["loaded_at"],
        active=row["active"],
    )
