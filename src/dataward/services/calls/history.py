"""A tenant's ingest history: what was ingested, when, by whom and with what counts.

An ingest record names no one: its label is neutral (`file-7.log`, `batch-8`, `replay-9`,
`services.calls.names`) and its counts are counts. Reading it needs `ingest_calls` on the
tenant, as its quarantine does; a tenant outside the role's scope answers as one that does
not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dataward.domain.bounds import check_ingest_id
from dataward.domain.errors import NotFound
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.services.context import UseCase

HISTORY_LIMIT = 200
"""The most ingests a history lists (the newest)."""


@dataclass(frozen=True, slots=True)
class IngestEntry:
    id: int
    label: str
    format: str
    actor: str
    started_at: datetime
    finished_at: datetime | None
    calls_read: int
    stored: int
    duplicates: int
    bad: int
    replay_of: int | None


def _entry(r: Any) -> IngestEntry:
    return IngestEntry(
        id=r.id,
        label=r.source,
        format=r.format,
        actor=r.actor,
        started_at=r.started_at,
        finished_at=r.finished_at,
        calls_read=r.calls_read,
        stored=r.stored,
        duplicates=r.duplicates,
        bad=r.bad,
        replay_of=r.replay_of,
    )


def ingest_entry(ctx: UseCase, tenant_id: str, ingest_id: int) -> IngestEntry:
    """One ingest of the tenant's; another tenant's answers as one that does not exist."""
    require(ctx.register, ctx.actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    check_ingest_id("ingest_id", ingest_id)
    with ctx.uow as uow:
        record = uow.calls.ingest(ingest_id)
    if record is None or record.tenant_id != tenant_id:
        raise NotFound("ingest", str(ingest_id))
    return _entry(record)


def ingest_history(
    ctx: UseCase, tenant_id: str, *, limit: int = HISTORY_LIMIT
) -> list[IngestEntry]:
    """The tenant's latest ingests, newest first (at most `limit`, within 1..HISTORY_LIMIT)."""
    require(ctx.register, ctx.actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    wanted = max(1, min(limit, HISTORY_LIMIT))
    with ctx.uow as uow:
        if uow.tenants.get(tenant_id) is None:
            raise NotFound("tenant", tenant_id)
        records = uow.calls.ingests_of(tenant_id, limit=wanted)
    return [_entry(r) for r in records]
