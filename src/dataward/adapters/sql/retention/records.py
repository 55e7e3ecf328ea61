"""Campaign sends, marketing bases and the disclosure log as the retention sweep reads and
deletes them (`services.retention.records`).

The sweep reads what dates each record (its subject, its day, a send's basis and its
campaign's purpose and channel, a basis's kind and dates), never a basis's evidence or a
disclosure's categories, and deletes by the ids it found due in the same transaction: a record
another transaction adds meanwhile is never among them, so it stays.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, delete, select, tuple_

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.outreach.marketing import (
    campaign_sends,
    marketing_bases,
    marketing_campaigns,
)
from dataward.adapters.sql.sharing.tables import disclosures
from dataward.domain.retention.records import (
    BasisRecord,
    DisclosureRecord,
    SentRecord,
    number_id,
    send_id,
    send_key,
)
from dataward.domain.retention.sweeps import SweepStore

T = TypeVar("T")

_s, _c, _b, _d = campaign_sends.c, marketing_campaigns.c, marketing_bases.c, disclosures.c


def sends(connection: Connection, subject_ids: Collection[str] | None) -> list[SentRecord]:
    """Every send (or every send to these subjects), with its campaign's purpose and channel."""
    query = (
        select(_s.campaign_id, _s.subject_id, _s.basis, _s.queued_at, _c.purpose, _c.channel)
        .join_from(campaign_sends, marketing_campaigns, _s.campaign_id == _c.id)
        .order_by(_s.subject_id, _s.campaign_id)
    )
    return _read(connection, query, _s.subject_id, subject_ids, lambda row: SentRecord(*row))


def bases(connection: Connection, subject_ids: Collection[str] | None) -> list[BasisRecord]:
    query = select(_b.id, _b.subject_id, _b.kind, _b.obtained_on, _b.recorded_at).order_by(_b.id)
    return _read(connection, query, _b.subject_id, subject_ids, lambda row: BasisRecord(*row))


def entries(connection: Connection, subject_ids: Collection[str] | None) -> list[DisclosureRecord]:
    query = select(_d.id, _d.subject_id, _d.at).order_by(_d.id)
    return _read(connection, query, _d.subject_id, subject_ids, lambda row: DisclosureRecord(*row))


def delete_records(connection: Connection, store: SweepStore, ids: Sequence[bytes]) -> list[bytes]:
    """Delete these records of `store`; the ids of those that were there."""
    gone: list[bytes] = []
    if store is SweepStore.CAMPAIGN_SENDS:
        for chunk in in_chunks(sorted(set(ids))):
            keys = [send_key(record_id) for record_id in chunk]
            rows = connection.execute(
                delete(campaign_sends)
                .where(tuple_(_s.campaign_id, _s.subject_id).in_(keys))
                .returning(_s.campaign_id, _s.subject_id)
            )
            gone += [send_id(campaign, subject) for campaign, subject in rows]
        return sorted(gone)
    table = _NUMBERED[store]
    numbers = sorted({int.from_bytes(record_id, "big") for record_id in ids})
    for numbered in in_chunks(numbers):
        rows = connection.execute(
            delete(table).where(table.c.id.in_(numbered)).returning(table.c.id)
        )
        gone += [number_id(int(row[0])) for row in rows]
    return sorted(gone)


_NUMBERED = {SweepStore.MARKETING_BASES: marketing_bases, SweepStore.DISCLOSURES: disclosures}
"""The stores whose records are numbered: deleted by their numbers."""


def _read(
    connection: Connection,
    query: Select[Any],
    subject: Any,
    subject_ids: Collection[str] | None,
    make: Callable[[Sequence[Any]], T],
) -> list[T]:
    if subject_ids is None:
        return [make(tuple(row)) for row in connection.execute(query)]
    found: list[T] = []
    for chunk in in_chunks(sorted(subject_ids)):
        rows = connection.execute(query.where(subject.in_(chunk)))
        found += [make(tuple(row)) for row in rows]
    return found
