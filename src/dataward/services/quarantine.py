"""The quarantine of an ingest's bad lines: list, export for correction, replay, discard.

Bad lines can hold callers' numbers, so each ingest's lines are sealed under a key of their
own in the key store. Listing shows only where and why (ingest, its label, line, reason).
Exporting the lines in plain text for correction is a disclosure: it needs a role that may
decrypt identifiers, and is audited. Replaying ingests the lines again (corrected, or as stored
after a parser or mapping fix) through the same path as any file: a replay with bad lines is
rejected whole and changes nothing. Once replayed or discarded, the lines are emptied, their
party indexes deleted and the key destroyed, so any copy of them is unreadable.

Erasing a person reaches the lines too: each line is stored with the blind indexes of every
number and agent id it could hold, and the erasure's unlink step empties every line carrying
one of the person's and resolves it as `erased` (still listed, never exported or replayed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.bounds import check_ingest_id
from dataward.domain.calls import IngestReport
from dataward.domain.clock import Clock
from dataward.domain.errors import ActionNotAllowed, DatawardError, NotFound
from dataward.domain.permissions import require
from dataward.domain.register import Register, StaffAction
from dataward.domain.subjects import Actor
from dataward.services.ports import UnitOfWork, Vault


class QuarantineRefused(DatawardError):
    code = "quarantine_refused"


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    id: int
    ingest_id: int
    source: str
    line: int
    reason: str
    resolution: str | None


def list_quarantine(
    uow: UnitOfWork,
    register: Register,
    actor: Actor,
    tenant_id: str,
    *,
    ingest_id: int | None = None,
    include_resolved: bool = False,
) -> list[QuarantineEntry]:
    require(register, actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    check_ingest_id("ingest_id", ingest_id)
    with uow:
        lines = uow.calls.quarantined(
            tenant_id, ingest_id=ingest_id, include_resolved=include_resolved
        )
        sources = {i: uow.calls.ingest(i) for i in {line.ingest_id for line in lines}}
    return [
        QuarantineEntry(
            id=line.id,
            ingest_id=line.ingest_id,
            source=sources[line.ingest_id].source,
            line=line.line,
            reason=line.reason,
            resolution=line.resolution,
        )
        for line in lines
    ]


def _pending(uow: UnitOfWork, tenant_id: str, ingest_id: int) -> tuple[Any, Sequence[Any]]:
    check_ingest_id("ingest_id", ingest_id)
    record = uow.calls.ingest(ingest_id)
    if record is None or record.tenant_id != tenant_id:
        raise NotFound("ingest", str(ingest_id))  # another tenant's ingest answers alike
    lines = uow.calls.quarantined(tenant_id, ingest_id=ingest_id)
    if not lines or record.quarantine_key is None:
        raise QuarantineRefused(f"ingest {ingest_id} has no quarantined lines left")
    return record, lines


def _plain_text(vault: Vault, record: Any, lines: Sequence[Any]) -> str:
    key = record.quarantine_key
    out: list[str] = []
    header = record.header_ciphertext
    if header is not None and record.format == "generic-csv":
        out.append(vault.open(key, header))
    out.extend(vault.open(key, line.raw_ciphertext) for line in lines)
    return "\n".join(out) + "\n"


def export_quarantine(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    register: Register,
    actor: Actor,
    tenant_id: str,
    ingest_id: int,
) -> str:
    """The ingest's bad lines in plain text (a generic CSV's header first), audited."""
    require(register, actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    role = next(r for r in register.staff_roles if r.key == actor.role)
    if not role.decrypt_identifiers:
        raise ActionNotAllowed(
            "export_quarantine", "the role may not see identifiers in plain text"
        )
    with uow:
        record, lines = _pending(uow, tenant_id, ingest_id)
        uow.audit.append(
            AuditDraft(
                at=clock.now(),
                actor=actor.id,
                action=AuditAction.QUARANTINE_READ,
                details={"tenant": tenant_id, "ingest": ingest_id, "lines": len(lines)},
            )
        )
        uow.commit()  # the disclosure is on record before the text leaves
    return _plain_text(vault, record, lines)


def replay_quarantine(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    register: Register,
    actor: Actor,
    tenant_id: str,
    ingest_id: int,
    *,
    corrected: str | None = None,
    mapping: Path | None = None,
) -> IngestReport:
    """Ingest the lines again; when they all land, resolve them and destroy their key."""
    from dataward.adapters.ingest.files import text_source
    from dataward.services.ingest import ingest

    require(register, actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    with uow:
        record, lines = _pending(uow, tenant_id, ingest_id)
    text = corrected if corrected is not None else _plain_text(vault, record, lines)
    fmt = record.format
    source = replace(
        text_source(text, name=f"ingest-{ingest_id}-replay", format_name=fmt, mapping=mapping),
        replay_of=ingest_id,
    )
    report = ingest(uow, vault, clock, register, actor, tenant_id, [source])
    _resolve(uow, vault, clock, actor, tenant_id, ingest_id, lines, "replayed")
    return report


def discard_quarantine(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    register: Register,
    actor: Actor,
    tenant_id: str,
    ingest_id: int,
) -> int:
    require(register, actor, StaffAction.INGEST_CALLS, tenant_id=tenant_id)
    with uow:
        _record, lines = _pending(uow, tenant_id, ingest_id)
    return _resolve(uow, vault, clock, actor, tenant_id, ingest_id, lines, "discarded")


def _resolve(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    actor: Actor,
    tenant_id: str,
    ingest_id: int,
    lines: Sequence[Any],
    resolution: str,
) -> int:
    with uow:
        record = uow.calls.ingest(ingest_id)
        n = uow.calls.resolve_quarantined(
            [line.id for line in lines],
            at=clock.now(),
            resolution=resolution,
        )
        uow.audit.append(
            AuditDraft(
                at=clock.now(),
                actor=actor.id,
                action=AuditAction.QUARANTINE_RESOLVED,
                details={
                    "tenant": tenant_id,
                    "ingest": ingest_id,
                    "lines": n,
                    "resolution": resolution,
                },
            )
        )
        uow.commit()
    if record is not None and record.quarantine_key is not None:
        vault.destroy_key(record.quarantine_key)
    return n
