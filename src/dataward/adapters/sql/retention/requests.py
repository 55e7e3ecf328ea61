"""Closed rights requests as the retention sweep reads and deletes them.

A request closed when it last moved into a final state (its timeline says when). Deleting one
takes everything hung on it: its timeline, clarification pauses, letters (sent or not), the
verification code's hash, download links and their sealed packages, the controller's
instructions about it, and a complaint's ICO involvement. The records about its subject made
on its account (a supplementary statement, an erasure kept by a hold) belong to the subject
and stay, with their reference.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, func, select

from dataward.adapters.sql.engine import in_chunks
from dataward.adapters.sql.rights.complaints import complaint_ico
from dataward.adapters.sql.rights.downloads import access_downloads
from dataward.adapters.sql.rights.instructions import controller_instructions
from dataward.adapters.sql.rights.requests import (
    outbox,
    request_events,
    request_pauses,
    rights_requests,
    verification_codes,
)
from dataward.domain.requests.model import TERMINAL
from dataward.services.retention.ports import ClosedRequest

_FINAL = sorted(state.value for state in TERMINAL)
_HUNG = (
    request_events,
    request_pauses,
    outbox,
    verification_codes,
    access_downloads,
    controller_instructions,
    complaint_ico,
)


def closed(connection: Connection) -> list[ClosedRequest]:
    closed_at = func.max(request_events.c.at)
    query = (
        select(rights_requests.c.id, rights_requests.c.subject_id, closed_at)
        .join(request_events, request_events.c.request_id == rights_requests.c.id)
        .where(rights_requests.c.state.in_(_FINAL), request_events.c.to_state.in_(_FINAL))
        .group_by(rights_requests.c.id, rights_requests.c.subject_id)
        .order_by(rights_requests.c.id)
    )
    return [ClosedRequest(*row) for row in connection.execute(query)]


def delete_closed(connection: Connection, request_ids: Sequence[str]) -> list[str]:
    """Delete those of these requests that are closed (an open one is never touched); the ids
    of those deleted."""
    removed: list[str] = []
    for chunk in in_chunks(list(request_ids)):
        final = list(
            connection.execute(
                select(rights_requests.c.id).where(
                    rights_requests.c.id.in_(chunk), rights_requests.c.state.in_(_FINAL)
                )
            ).scalars()
        )
        if not final:
            continue
        for table in _HUNG:
            connection.execute(delete(table).where(table.c.request_id.in_(final)))
        connection.execute(delete(rights_requests).where(rights_requests.c.id.in_(final)))
        removed += final
    return removed
