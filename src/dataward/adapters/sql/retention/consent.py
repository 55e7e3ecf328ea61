"""Consent events as the retention sweep reads and deletes them.

The sweep reads each event's ledger, state and time only (never its method, notice version or
evidence reference), and deletes by the ids it found due in the same transaction: an event
another transaction adds meanwhile (a consent given again) is never among them, so it stays.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, delete, select

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.processing.consent import consent_events
from dataward.domain.processing.consent import ConsentState
from dataward.domain.retention.consent import ConsentRecord

_c = consent_events.c
_COLUMNS = (_c.id, _c.subject_id, _c.purpose, _c.channel, _c.state, _c.at)


def records(connection: Connection, subject_ids: Collection[str] | None) -> list[ConsentRecord]:
    """Every event (or every event of these subjects), by subject and id."""
    query = select(*_COLUMNS).order_by(_c.subject_id, _c.id)
    if subject_ids is None:
        return [_record(row) for row in connection.execute(query)]
    found: list[ConsentRecord] = []
    for chunk in in_chunks(sorted(subject_ids)):
        found += [_record(row) for row in connection.execute(query.where(_c.subject_id.in_(chunk)))]
    return found


def delete_records(connection: Connection, ids: Sequence[int]) -> list[int]:
    """Delete these events; the ids of those that were there."""
    gone: list[int] = []
    for chunk in in_chunks(sorted(set(ids))):
        rows = connection.execute(delete(consent_events).where(_c.id.in_(chunk)).returning(_c.id))
        gone += [int(row[0]) for row in rows]
    return sorted(gone)


def _record(row: Sequence[Any]) -> ConsentRecord:
    event_id, subject_id, purpose, channel, state, at = row
    return ConsentRecord(int(event_id), subject_id, purpose, channel, ConsentState(state), at)
