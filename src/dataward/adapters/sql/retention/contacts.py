"""Our own contacts as the retention sweep reads them: kind, when we came to hold each, and
whether any store still holds a record of it (`references.has_records`), in one query."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.retention.references import has_records
from dataward.domain.subjects import SubjectStatus
from dataward.services.retention.ports import OwnContact

_s = subjects.c


def own_contacts(
    connection: Connection, kinds: Collection[str], among: Sequence[str] | None
) -> list[OwnContact]:
    """Our own subjects of `kinds` (of `among` only), not erased, by id."""
    query = (
        select(_s.id, _s.kind, _s.created_at, has_records(_s.id).label("has_records"))
        .where(
            _s.tenant_id.is_(None),
            _s.kind.in_(sorted(kinds)),
            _s.status != SubjectStatus.ERASED.value,
        )
        .order_by(_s.id)
    )
    if among is None:
        return [_contact(row) for row in connection.execute(query)]
    found: list[OwnContact] = []
    for chunk in in_chunks(sorted(set(among))):
        found += [_contact(row) for row in connection.execute(query.where(_s.id.in_(chunk)))]
    return sorted(found, key=lambda contact: contact.id)


def lock_subjects(connection: Connection, subject_ids: Collection[str]) -> None:
    """Lock these subjects' rows until the transaction ends (PostgreSQL: `FOR UPDATE`, which
    a row referring to one by a foreign key, or a writer's `FOR KEY SHARE`, waits for; SQLite
    already serialises every writer)."""
    if connection.dialect.name != "postgresql":
        return
    for chunk in in_chunks(sorted(set(subject_ids))):
        connection.execute(
            select(_s.id).where(_s.id.in_(chunk)).order_by(_s.id).with_for_update()
        ).all()


def _contact(row: Row[Any]) -> OwnContact:
    mapping = row._mapping
    return OwnContact(
        mapping["id"],
        mapping["kind"],
        mapping["created_at"],
        bool(mapping["has_records"]),  # SQLite says 0 or 1
    )
