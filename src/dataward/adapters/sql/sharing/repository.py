"""The sharing stores on SQLAlchemy Core (`adapters.sql.sharing.tables`), and their unlink step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, insert, or_, select, update

from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.sharing.tables import (
    disclosure_batches,
    disclosures,
    refused_exports,
    transfer_suspensions,
)
from dataward.adapters.sql.unlink import rows_of_subject
from dataward.domain.sharing.records import (
    Disclosure,
    DisclosureBatch,
    LogCursor,
    RefusedExport,
    Suspension,
)
from dataward.domain.subjects import SubjectStatus


class SqlSharingRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- the disclosure log ---------------------------------------------------------------------
    def record(self, batch: DisclosureBatch, entries: Sequence[Disclosure]) -> None:
        """The batch and every subject's entry, in the caller's transaction."""
        self._connection.execute(
            insert(disclosure_batches).values(
                id=str(batch.id),
                recipient=batch.recipient,
                purpose=batch.purpose,
                fields=" ".join(batch.fields),
                format=batch.format,
                subjects=batch.subjects,
                at=batch.at,
                actor=batch.actor,
            )
        )
        if entries:
            self._connection.execute(
                insert(disclosures),
                [
                    {
                        "batch_id": str(e.batch_id),
                        "subject_id": e.subject_id,
                        "recipient": e.recipient,
                        "purpose": e.purpose,
                        "categories": " ".join(e.categories),
                        "at": e.at,
                    }
                    for e in entries
                ],
            )

    def log(
        self,
        *,
        subject_id: str | None = None,
        recipient: str | None = None,
        limit: int = 1000,
        after: LogCursor | None = None,
    ) -> list[Disclosure]:
        """Entries, newest first, of the subject and/or recipient when given; with `after`,
        those that come after that place in the log."""
        table = disclosures
        query = select(table).order_by(table.c.at.desc(), table.c.id.desc()).limit(limit)
        if subject_id is not None:
            query = query.where(table.c.subject_id == subject_id)
        if recipient is not None:
            query = query.where(table.c.recipient == recipient)
        if after is not None:
            query = query.where(
                or_(table.c.at < after.at, and_(table.c.at == after.at, table.c.id < after.seq))
            )
        return [_disclosure(row._mapping) for row in self._connection.execute(query)]

    def batch(self, batch_id: UUID | str) -> DisclosureBatch | None:
        table = disclosure_batches
        row = self._connection.execute(select(table).where(table.c.id == str(batch_id))).first()
        return None if row is None else _batch(row._mapping)

    def own_subjects_of_kinds(self, kinds: Sequence[str], limit: int) -> list[str]:
        """Ids of live subjects of ours (no tenant) of these kinds, oldest first."""
        table = subjects
        query = (
            select(table.c.id)
            .where(
                table.c.kind.in_(list(kinds)),
                table.c.tenant_id.is_(None),
                table.c.status != SubjectStatus.ERASED.value,
            )
            .order_by(table.c.created_at, table.c.id)
            .limit(limit)
        )
        return [str(row[0]) for row in self._connection.execute(query)]

    # -- suspensions ----------------------------------------------------------------------------
    def suspend(self, suspension: Suspension) -> None:
        self._connection.execute(
            insert(transfer_suspensions).values(
                id=str(suspension.id),
                mechanism=suspension.mechanism,
                reason=suspension.reason,
                suspended_at=suspension.suspended_at,
                suspended_by=suspension.suspended_by,
            )
        )

    def lift(self, mechanism: str, *, at: datetime, by: str) -> bool:
        """Lift the active suspension of `mechanism`; False when none stands."""
        table = transfer_suspensions
        result = self._connection.execute(
            update(table)
            .where(table.c.mechanism == mechanism, table.c.lifted_at.is_(None))
            .values(lifted_at=at, lifted_by=by)
        )
        return bool(result.rowcount)

    def suspensions(self, *, include_lifted: bool = False) -> list[Suspension]:
        table = transfer_suspensions
        query = select(table).order_by(table.c.suspended_at, table.c.id)
        if not include_lifted:
            query = query.where(table.c.lifted_at.is_(None))
        return [_suspension(row._mapping) for row in self._connection.execute(query)]

    # -- refused exports ------------------------------------------------------------------------
    def record_refusal(self, refused: RefusedExport) -> None:
        self._connection.execute(
            insert(refused_exports).values(
                id=str(refused.id),
                recipient=refused.recipient,
                purpose=refused.purpose,
                reason=refused.reason[:500],
                mechanism=refused.mechanism,
                at=refused.at,
                actor=refused.actor,
            )
        )

    def refusals(self, limit: int = 1000) -> list[RefusedExport]:
        table = refused_exports
        query = select(table).order_by(table.c.at.desc(), table.c.id).limit(limit)
        return [_refused(row._mapping) for row in self._connection.execute(query)]


def _disclosure(row: Any) -> Disclosure:
    return Disclosure(
        batch_id=UUID(row["batch_id"]),
        subject_id=row["subject_id"],
        recipient=row["recipient"],
        purpose=row["purpose"],
        categories=tuple(row["categories"].split()),
        at=row["at"],
        seq=row["id"],
    )


def _batch(row: Any) -> DisclosureBatch:
    return DisclosureBatch(
        id=UUID(row["id"]),
        recipient=row["recipient"],
        purpose=row["purpose"],
        fields=tuple(row["fields"].split()),
        format=row["format"],
        subjects=row["subjects"],
        at=row["at"],
        actor=row["actor"],
    )


def _suspension(row: Any) -> Suspension:
    return Suspension(
        id=UUID(row["id"]),
        mechanism=row["mechanism"],
        reason=row["reason"],
        suspended_at=row["suspended_at"],
        suspended_by=row["suspended_by"],
        lifted_at=row["lifted_at"],
        lifted_by=row["lifted_by"],
    )


def _refused(row: Any) -> RefusedExport:
    return RefusedExport(
        id=UUID(row["id"]),
        recipient=row["recipient"],
        purpose=row["purpose"],
        reason=row["reason"],
        at=row["at"],
        actor=row["actor"],
        mechanism=row["mechanism"],
    )


UNLINK = rows_of_subject(disclosures)
"""The subject's entries of the disclosure log (the batches keep only their counts)."""
