"""Use cases of the audit log: record what happened, verify the chain, export it.

`record` appends inside the caller's unit of work and never commits, so an entry is kept
exactly when the change it records is. Pass references only: the subject's UUID as
`subject_ref`, keys and ids in `details` (see `dataward.domain.audit`).

Reading the log needs the register's `read_audit_log` action. An export is itself recorded:
`record_export` checks the permission and commits an `audit_exported` entry, and its receipt
(that entry) is what `export` and `export_lines` take, so no export goes unrecorded. The
entries are then read in a transaction of their own, which may be read-only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from dataward.domain.audit import (
    AuditAction,
    AuditDraft,
    AuditEntry,
    VerifyResult,
    to_json_line,
    verify_chain,
)
from dataward.domain.clock import Clock
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.ports import TextSink, UnitOfWork


@dataclass(frozen=True, slots=True)
class Audited:
    """What one audit entry says: the action, and whom, why and what it was about."""

    action: AuditAction | str
    subject_ref: UUID | str | None = None
    purpose: str | None = None
    decision: str | None = None
    details: Mapping[str, Any] | None = None


def record(uow: UnitOfWork, clock: Clock, actor: Actor | str, entry: Audited) -> AuditEntry:
    """Append one entry in the caller's transaction (inside `with uow`); the caller commits."""
    draft = AuditDraft(
        at=clock.now(),
        actor=actor.id if isinstance(actor, Actor) else actor,
        action=entry.action,
        subject_ref=entry.subject_ref,
        purpose=entry.purpose,
        decision=entry.decision,
        details=entry.details or {},
    )
    (appended,) = uow.audit.append(draft)
    return appended


def verify(ctx: UseCase) -> VerifyResult:
    """Check the whole chain, streaming; the result names the first broken entry, if any."""
    require(ctx.register, ctx.actor, StaffAction.READ_AUDIT_LOG)
    with ctx.uow:
        return verify_chain(ctx.uow.audit.iter_entries())


def record_export(ctx: UseCase) -> AuditEntry:
    """May the actor export the log? Record that it did, and return the receipt for `export`."""
    uow, actor = ctx.uow, ctx.actor
    require(ctx.register, actor, StaffAction.READ_AUDIT_LOG)
    with uow:
        entry = Audited(AuditAction.AUDIT_EXPORTED, details={"format": "jsonl"})
        receipt = record(uow, ctx.clock, actor, entry)
        uow.commit()
    return receipt


def export(reading: UseCase, receipt: AuditEntry, out: TextSink) -> int:
    """Write every entry, the receipt's included, to `out` as JSON Lines; returns how many.
    `reading` may be a use case that only reads: the receipt was committed already."""
    _check_receipt(receipt)
    with reading.uow as uow:
        return uow.audit.export(out)


def export_lines(reading: UseCase, receipt: AuditEntry) -> Iterator[str]:
    """The export as lines, for a streaming response; holds the transaction while iterated."""
    _check_receipt(receipt)
    return _lines(reading.uow)


def _lines(uow: UnitOfWork) -> Iterator[str]:
    with uow:
        for entry in uow.audit.iter_entries():
            yield to_json_line(entry)


def _check_receipt(receipt: AuditEntry) -> None:
    if receipt.action != AuditAction.AUDIT_EXPORTED:
        raise ValueError("an export needs the receipt `record_export` returns")
