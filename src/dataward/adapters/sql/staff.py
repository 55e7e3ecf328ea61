"""Staff API credentials: only a hash of each token is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Connection, Integer, String, Table, insert, select, update

from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.domain.bounds import ACTOR_CHARS

staff_tokens = Table(
    "staff_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("actor_id", String(ACTOR_CHARS), nullable=False, index=True),
    Column("role", String(64), nullable=False),
    Column("tenant_id", String(64), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    comment="API credentials of staff and tenant administrators; SHA-256 of the token only.",
)


@dataclass(frozen=True, slots=True)
class StaffToken:
    id: int
    actor_id: str
    role: str
    tenant_id: str | None
    created_at: datetime
    revoked_at: datetime | None


class SqlStaffRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self, *, actor_id: str, role: str, tenant_id: str | None, token_hash: str, at: datetime
    ) -> int:
        return int(
            self._connection.execute(
                insert(staff_tokens)
                .values(
                    actor_id=actor_id,
                    role=role,
                    tenant_id=tenant_id,
                    token_hash=token_hash,
                    created_at=at,
                )
                .returning(staff_tokens.c.id)
            ).scalar_one()
        )

    def by_hash(self, token_hash: str) -> StaffToken | None:
        row = self._connection.execute(
            select(staff_tokens).where(staff_tokens.c.token_hash == token_hash)
        ).first()
        return _token(row) if row else None

    def revoke(self, actor_id: str, at: datetime) -> int:
        return self._connection.execute(
            update(staff_tokens)
            .where(staff_tokens.c.actor_id == actor_id, staff_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        ).rowcount

    def all(self) -> list[StaffToken]:
        rows = self._connection.execute(select(staff_tokens).order_by(staff_tokens.c.id))
        return [_token(row) for row in rows]


def _token(row: object) -> StaffToken:
    mapping = row._mapping  # type: ignore[attr-defined]
    return StaffToken(
        id=mapping["id"],
        actor_id=mapping["actor_id"],
        role=mapping["role"],
        tenant_id=mapping["tenant_id"],
        created_at=mapping["created_at"],
        revoked_at=mapping["revoked_at"],
    )
