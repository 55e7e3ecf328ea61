"""Subjects and their encrypted identifiers, on SQLAlchemy Core.

The repository moves ciphertext and blind indexes; sealing and opening happen in the service
through the vault port, so this module never holds a key.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, insert, select, text, update

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.registry.tables import identifiers, subjects, tombstones
from dataward.adapters.sql.unlink import UnlinkPlan
from dataward.domain.subjects import Subject, SubjectStatus, Tombstone

_FIND_MANY_PG = text(
    "SELECT found.blind_index, found.subject_id "
    "FROM unnest(CAST(:indexes AS bytea[])) AS wanted(blind_index) "
    "CROSS JOIN LATERAL (SELECT identifiers.blind_index, identifiers.subject_id "
    "FROM identifiers WHERE identifiers.scope = :scope AND identifiers.type = :kind "
    "AND identifiers.blind_index = wanted.blind_index LIMIT 1) AS found"
)


@dataclass(frozen=True, slots=True)
class StoredIdentifier:
    id: int
    subject_id: str
    type: str
    ciphertext: bytes


class SqlSubjectRepository:
    def __init__(self, connection: Connection, unlink: UnlinkPlan = ()) -> None:
        self._connection = connection
        self._unlink = unlink

    def add(self, subject: Subject) -> None:
        self._connection.execute(insert(subjects).values(**_subject_row(subject)))

    def add_many(self, many: Sequence[Subject]) -> None:
        if many:
            self._connection.execute(insert(subjects), [_subject_row(s) for s in many])

    def get_many(self, subject_ids: Sequence[str]) -> dict[str, Subject]:
        """The live subjects among these ids (an erased or unknown one is simply absent)."""
        found: dict[str, Subject] = {}
        for chunk in in_chunks(subject_ids):
            rows = self._connection.execute(select(subjects).where(subjects.c.id.in_(chunk)))
            found.update({row.id: subject_from_row(row._mapping) for row in rows})
        return found

    def get(self, subject_id: UUID | str) -> Subject | None:
        """The subject, or for an erased one what its tombstone says (status ERASED)."""
        key = str(subject_id)
        row = self._connection.execute(select(subjects).where(subjects.c.id == key)).first()
        if row is not None:
            return subject_from_row(row._mapping)
        stone = self._connection.execute(
            select(tombstones).where(tombstones.c.subject_id == key)
        ).first()
        if stone is None:
            return None
        return Subject(
            id=UUID(key),
            kind=stone.kind,
            tenant_id=stone.tenant_id,
            status=SubjectStatus.ERASED,
            created_at=stone.erased_at,
        )

    def set_flag(self, subject_id: UUID | str, flag: str | None) -> None:
        self._connection.execute(
            update(subjects).where(subjects.c.id == str(subject_id)).values(dco_flag=flag)
        )

    def set_relationship(
        self, subject_id: UUID | str, *, ended: date, last_transaction: date | None
    ) -> None:
        """Record the end of the customer relationship and the day of the last transaction."""
        self._connection.execute(
            update(subjects)
            .where(subjects.c.id == str(subject_id))
            .values(relationship_end=ended, last_transaction=last_transaction)
        )

    def add_identifiers(self, rows: Sequence[dict[str, Any]]) -> None:
        """Rows of subject_id, scope, type, blind_index, ciphertext, created_at."""
        if rows:
            self._connection.execute(insert(identifiers), list(rows))

    def find_by_index(self, scope: str, kind: str, blind_index: bytes) -> str | None:
        row = self._connection.execute(
            select(identifiers.c.subject_id).where(
                identifiers.c.scope == scope,
                identifiers.c.type == kind,
                identifiers.c.blind_index == blind_index,
            )
        ).first()
        return row.subject_id if row else None

    def find_many_by_index(
        self, scope: str, kind: str, blind_indexes: Sequence[bytes]
    ) -> dict[bytes, str]:
        """Which of these indexes already belong to a subject (index -> subject id)."""
        found: dict[bytes, str] = {}
        postgres = self._connection.dialect.name == "postgresql"
        for chunk in in_chunks(blind_indexes):
            if postgres:  # one index probe per key, whatever the statistics (a bulk ingest's
                # own rows have none): see `calls.links.linked_calls`
                params = {"scope": scope, "kind": kind, "indexes": list(chunk)}
                rows = self._connection.execute(_FIND_MANY_PG, params)
                found.update({bytes(r.blind_index): r.subject_id for r in rows})
                continue
            rows = self._connection.execute(
                select(identifiers.c.blind_index, identifiers.c.subject_id).where(
                    identifiers.c.scope == scope,
                    identifiers.c.type == kind,
                    identifiers.c.blind_index.in_(chunk),
                )
            )
            found.update({bytes(r.blind_index): r.subject_id for r in rows})
        return found

    def blind_indexes_of(self, subject_id: UUID | str, scope: str, kind: str) -> list[bytes]:
        """The blind indexes of the subject's identifiers of `kind` in `scope`."""
        found = indexes_of_subject(self._connection, subject_id, scope, {kind})
        return [index for _, index in found]

    def identifiers_of(self, subject_id: UUID | str) -> list[StoredIdentifier]:
        return self.identifiers_of_many([str(subject_id)]).get(str(subject_id), [])

    def identifiers_of_many(self, subject_ids: Sequence[str]) -> dict[str, list[StoredIdentifier]]:
        found: dict[str, list[StoredIdentifier]] = {}
        for chunk in in_chunks(sorted(set(subject_ids))):
            rows = self._connection.execute(
                select(
                    identifiers.c.id,
                    identifiers.c.subject_id,
                    identifiers.c.type,
                    identifiers.c.ciphertext,
                )
                .where(identifiers.c.subject_id.in_(chunk))
                .order_by(identifiers.c.id)
            )
            for r in rows:
                stored = StoredIdentifier(r.id, r.subject_id, r.type, r.ciphertext)
                found.setdefault(r.subject_id, []).append(stored)
        return found

    def tombstone(self, subject_id: UUID | str) -> Tombstone | None:
        row = self._connection.execute(
            select(tombstones).where(tombstones.c.subject_id == str(subject_id))
        ).first()
        if row is None:
            return None
        return Tombstone(UUID(row.subject_id), row.erased_at, row.reason, row.request_ref)

    def tombstoned_ids(self) -> Iterator[str]:
        rows = self._connection.execute(select(tombstones.c.subject_id))
        return (row.subject_id for row in rows)

    def erase(
        self, subject: Subject, *, at: datetime, reason: str, request_ref: str | None
    ) -> dict[str, int]:
        """Unlink every reference, delete identifiers and the subject, leave a tombstone.

        The subject's row is locked first (PostgreSQL: `FOR UPDATE`): a writer of a record
        about it holds the row (`leases.subject_there`) until it commits, so the erasure waits
        for that record and then unlinks it, and a writer that comes later finds no subject."""
        key = str(subject.id)
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(
                select(subjects.c.id).where(subjects.c.id == key).with_for_update()
            )
        removed: dict[str, int] = {}
        for registered in self._unlink:
            removed[registered.name] = registered.step(self._connection, key, at)
        removed["identifiers"] = self._connection.execute(
            delete(identifiers).where(identifiers.c.subject_id == key)
        ).rowcount
        removed["subjects"] = self._connection.execute(
            delete(subjects).where(subjects.c.id == key)
        ).rowcount
        if subject.status is not SubjectStatus.ERASED:  # an erased subject has its tombstone
            self._connection.execute(
                insert(tombstones).values(
                    subject_id=key,
                    kind=subject.kind,
                    tenant_id=subject.tenant_id,
                    erased_at=at,
                    reason=reason,
                    request_ref=request_ref,
                )
            )
        return removed


def _subject_row(subject: Subject) -> dict[str, Any]:
    return {
        "id": str(subject.id),
        "kind": subject.kind,
        "tenant_id": subject.tenant_id,
        "status": subject.status.value,
        "relationship_start": subject.relationship_start,
        "relationship_end": subject.relationship_end,
        "last_transaction": subject.last_transaction,
        "birth_date": subject.birth_date,
        "dco_flag": subject.dco_flag,
        "created_at": subject.created_at,
    }


def subject_from_row(row: Any) -> Subject:
    return Subject(
        id=UUID(row["id"]),
        kind=row["kind"],
        tenant_id=row["tenant_id"],
        status=SubjectStatus(row["status"]),
        created_at=row["created_at"],
        relationship_start=row["relationship_start"],
        relationship_end=row["relationship_end"],
        last_transaction=row["last_transaction"],
        birth_date=row["birth_date"],
        dco_flag=row["dco_flag"],
    )


def indexes_of_subject(
    connection: Connection, subject_id: UUID | str, scope: str, kinds: Set[str]
) -> list[tuple[str, bytes]]:
    """(kind, blind index) of the subject's identifiers of `kinds` in `scope`. Read by the
    subject alone (a handful of rows) and sorted out here: asked with the scope and kind too,
    SQLite's planner prefers the look-up index on those and walks every identifier of the
    tenant, so an erasure slowed with the number of callers."""
    rows = connection.execute(
        select(identifiers.c.type, identifiers.c.scope, identifiers.c.blind_index).where(
            identifiers.c.subject_id == str(subject_id)
        )
    )
    return [(r.type, bytes(r.blind_index)) for r in rows if r.scope == scope and r.type in kinds]
