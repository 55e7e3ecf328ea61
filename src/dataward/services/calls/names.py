"""Naming an ingest without keeping its file's name, and finding it again from the file.

The ingest record holds a neutral label (`file-7.log`, `batch-8`, `replay-9`) and a keyed
digest of the file's own name under a key of the tenant's (`domain.calls.ingest_names`). An operator
who has the file asks which ingests it was (`find_ingests`): the name they give is digested
the same way and compared, and is neither kept nor echoed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dataward.domain.calls.ingest_names import NAME_DIGEST, Origin, ingest_label, name_digest
from dataward.domain.errors import NotFound
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.services.context import UseCase
from dataward.services.ports import Vault


def origin_of(file_name: str | None, replay_of: int | None) -> Origin:
    if replay_of is not None:
        return Origin.REPLAY
    return Origin.FILE if file_name is not None else Origin.BATCH


def label_of(ingest_id: int, file_name: str | None, replay_of: int | None) -> str:
    """The label an ingest record keeps instead of the name of what was ingested."""
    return ingest_label(origin_of(file_name, replay_of), ingest_id, file_name)


def digest_of(vault: Vault, tenant_id: str, file_name: str | None) -> bytes | None:
    """The keyed digest of a file's own name, under the tenant's key; None for no file."""
    if file_name is None:
        return None
    return name_digest(vault.record_key(tenant_id, NAME_DIGEST), file_name)


@dataclass(frozen=True, slots=True)
class IngestFound:
    id: int
    label: str
    format: str
    started_at: datetime
    stored: int
    bad: int


def find_ingests(ctx: UseCase, tenant_id: str, file_name: str) -> list[IngestFound]:
    """The tenant's ingests of a file of this name (its folders do not count), oldest first."""
    uow, vault = ctx.uow, ctx.vault
    require(ctx.register, ctx.actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    digest = name_digest(vault.record_key(tenant_id, NAME_DIGEST), file_name)
    with uow:
        if uow.tenants.get(tenant_id) is None:
            raise NotFound("tenant", tenant_id)
        records = uow.calls.ingests_named(tenant_id, digest)
    return [IngestFound(r.id, r.source, r.format, r.started_at, r.stored, r.bad) for r in records]
