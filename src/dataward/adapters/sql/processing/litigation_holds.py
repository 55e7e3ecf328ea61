"""Litigation holds on SQLAlchemy Core (`domain.processing.litigation_holds`).

One row per hold, active or lifted: the subject, its tenant (for scoped lists), the ground, the
review date, who placed and lifted it and when, and the reason sealed under the subject's key.
The subject reference is a foreign key without cascade: a subject cannot be deleted while a
row names it, so a hold placed while an erasure is under way stops the erasure instead of
outliving its subject. An erasure can only go ahead once every hold is lifted (the services
refuse it before); its unlink step then deletes the lifted holds, whose sealed reasons the
destroyed key could no longer open anyway (an active one it leaves, so the erasure fails on
the foreign key rather than lose it). The audit log keeps that each hold was placed and
lifted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    ForeignKey,
    LargeBinary,
    String,
    Table,
    delete,
    insert,
    select,
    text,
    update,
)

from dataward.adapters.sql.leases import holds_changing
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.tables import metadata
from dataward.adapters.sql.types import UTCDateTime
from dataward.adapters.sql.unlink import RegisteredStep
from dataward.domain.processing.litigation_holds import HoldGround, LitigationHold

litigation_holds = Table(
    "litigation_holds",
    metadata,
    Column("id", String(36), primary_key=True),
    Column(
        "subject_id",
        String(36),
        ForeignKey(subjects.c.id),
        nullable=False,
        index=True,
    ),
    Column("tenant_id", String(64), nullable=True, index=True),
    Column("ground", String(40), nullable=False),
    Column("review_on", Date, nullable=False),
    Column("reason", LargeBinary, nullable=False, comment="Sealed under the subject's key"),
    Column("placed_at", UTCDateTime(), nullable=False),
    Column("placed_by", String(100), nullable=False),
    Column("lifted_at", UTCDateTime(), nullable=True),
    Column("lifted_by", String(100), nullable=True),
    Column(
        "ours",
        Boolean,
        nullable=False,
        server_default=text("false"),
        comment="On a tenant's caller, placed by our staff as the law requires",
    ),
    comment="Litigation holds: subjects kept from erasure until the hold is lifted.",
)


class SqlLitigationHoldRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, hold: LitigationHold) -> None:
        holds_changing(self._connection)  # after any retention batch that read the holds
        self._connection.execute(insert(litigation_holds).values(**_row(hold)))

    def get(self, hold_id: UUID | str) -> LitigationHold | None:
        table = litigation_holds
        row = self._connection.execute(select(table).where(table.c.id == str(hold_id))).first()
        return None if row is None else _hold(row._mapping)

    def active_for(self, subject_id: UUID | str) -> list[LitigationHold]:
        """The subject's holds not lifted, oldest first."""
        table = litigation_holds
        rows = self._connection.execute(
            select(table)
            .where(table.c.subject_id == str(subject_id), table.c.lifted_at.is_(None))
            .order_by(table.c.placed_at, table.c.id)
        )
        return [_hold(r._mapping) for r in rows]

    def listed(
        self, *, tenants: Sequence[str | None] | None = None, include_lifted: bool = False
    ) -> list[LitigationHold]:
        """Holds, soonest review first; only those of `tenants` (None in it: the organisation's
        own subjects) when given."""
        table = litigation_holds
        query = select(table).order_by(table.c.review_on, table.c.placed_at, table.c.id)
        if not include_lifted:
            query = query.where(table.c.lifted_at.is_(None))
        if tenants is not None:
            named = [t for t in tenants if t is not None]
            own = None in tenants
            condition = table.c.tenant_id.in_(named)
            query = query.where(condition | table.c.tenant_id.is_(None) if own else condition)
        return [_hold(r._mapping) for r in self._connection.execute(query)]

    def set_review(self, hold_id: UUID | str, review_on: date) -> None:
        table = litigation_holds
        self._connection.execute(
            update(table).where(table.c.id == str(hold_id)).values(review_on=review_on)
        )

    def lift(self, hold_id: UUID | str, *, at: datetime, by: str) -> bool:
        """Mark the hold lifted; False when it was lifted already (by a concurrent lift)."""
        table = litigation_holds
        result = self._connection.execute(
            update(table)
            .where(table.c.id == str(hold_id), table.c.lifted_at.is_(None))
            .values(lifted_at=at, lifted_by=by)
        )
        return bool(result.rowcount)


def _row(hold: LitigationHold) -> dict[str, Any]:
    return {
        "id": str(hold.id),
        "subject_id": str(hold.subject_id),
        "tenant_id": hold.tenant_id,
        "ground": hold.ground.value,
        "review_on": hold.review_on,
        "reason": hold.reason,
        "placed_at": hold.placed_at,
        "placed_by": hold.placed_by,
        "lifted_at": hold.lifted_at,
        "lifted_by": hold.lifted_by,
        "ours": hold.ours,
    }


def _hold(row: Any) -> LitigationHold:
    return LitigationHold(
        id=UUID(row["id"]),
        subject_id=UUID(row["subject_id"]),
        tenant_id=row["tenant_id"],
        ground=HoldGround(row["ground"]),
        review_on=row["review_on"],
        placed_at=row["placed_at"],
        placed_by=row["placed_by"],
        reason=bytes(row["reason"]),
        lifted_at=row["lifted_at"],
        lifted_by=row["lifted_by"],
        ours=bool(row["ours"]),
    )


def _unlink_holds(connection: Connection, subject_id: str, _at: datetime) -> int:
    """The subject's lifted holds. An active one is never deleted here: the services refuse an
    erasure while one stands, and one placed after that check (by a concurrent transaction)
    stays, so the subject's own deletion then fails on the foreign key and the erasure with
    it: the hold wins."""
    table = litigation_holds
    result = connection.execute(
        delete(table).where(table.c.subject_id == subject_id, table.c.lifted_at.is_not(None))
    )
    return int(result.rowcount)


UNLINK = RegisteredStep(litigation_holds.name, _unlink_holds, (litigation_holds.name,))
