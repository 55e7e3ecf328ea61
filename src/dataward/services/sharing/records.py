"""The sharing records as use cases: read the disclosure log; list the processors and what
binds them; suspend and lift a transfer mechanism; list the suspensions and refused exports.

Reading the log needs `read_audit_log` (it says who received whose data) and is audited;
suspending or lifting a mechanism, and the DCO's list, need `manage_register`; the processors
list is the register's, shown to whoever may read the audit log or manage the register.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import ActionNotAllowed, NotFound
from dataward.domain.permissions import require
from dataward.domain.register.model import ProcessorTerms, StaffAction, Transfer
from dataward.domain.register.transfers import suspension_key, transfer_refusal
from dataward.domain.requests.workflow import uk_date
from dataward.domain.sharing.records import (
    Disclosure,
    LogCursor,
    RefusedExport,
    ShareRefused,
    Suspension,
    check_reason,
)
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase

MAX_LOG = 10_000


@dataclass(frozen=True, slots=True)
class LogQuery:
    subject_id: UUID | None = None
    recipient: str | None = None
    limit: int = 1000
    after: LogCursor | None = None
    """Where the previous page ended (`LogPage.next`): this page starts after it."""


@dataclass(frozen=True, slots=True)
class LogPage:
    entries: list[Disclosure]
    next: LogCursor | None
    """Where to go on from, when more entries follow; None on the last page."""


def share_log(ctx: UseCase, query: LogQuery) -> list[Disclosure]:
    """The disclosure log, newest first (of a subject, or a recipient); the read is audited."""
    return share_log_page(ctx, query).entries


def share_log_page(ctx: UseCase, query: LogQuery) -> LogPage:
    """A page of the disclosure log, newest first, from `query.after`; the read is audited
    (the entries shown, not the one looked at to know whether more follow)."""
    require(ctx.register, ctx.actor, StaffAction.READ_AUDIT_LOG)
    recipient = None if query.recipient is None else ctx.register.recipient(query.recipient).key
    limit = max(1, min(query.limit, MAX_LOG))
    subject = None if query.subject_id is None else str(query.subject_id)
    with ctx.uow as uow:
        found = uow.sharing.log(
            subject_id=subject, recipient=recipient, limit=limit + 1, after=query.after
        )
        entries = found[:limit]
        details = {"entries": len(entries)} | ({"recipient": recipient} if recipient else {})
        entry = Audited(AuditAction.DISCLOSURE_LOG_READ, subject_ref=subject, details=details)
        record(uow, ctx.clock, ctx.actor, entry)
        uow.commit()
    more = len(found) > limit
    return LogPage(entries, LogCursor.after(entries[-1]) if more else None)


@dataclass(frozen=True, slots=True)
class ProcessorView:
    """A processor or a recipient of the register, as the list shows it."""

    key: str
    name: str
    role: str
    listed_as: str
    """"recipient" or "processor": the register list it is in."""
    transfers: tuple[Transfer, ...]
    terms: ProcessorTerms | None
    transfer_problems: tuple[str, ...]
    """Why a destination could not be used today (suspensions included), if any."""


def list_processors(ctx: UseCase, *, everyone: bool = False) -> list[ProcessorView]:
    """The register's processors and sub-processors (recipients acting for us, and the
    processors list), with their Art. 28 terms; with `everyone`, every recipient."""
    _require_either(ctx, StaffAction.MANAGE_REGISTER, StaffAction.READ_AUDIT_LOG)
    today = uk_date(ctx.clock.now())
    with ctx.uow as uow:
        suspended = {s.mechanism for s in uow.sharing.suspensions()}
    views: list[ProcessorView] = []

    def problems(transfers: list[Transfer]) -> tuple[str, ...]:
        found = (transfer_refusal(t, suspended, today) for t in transfers)
        return tuple(why for why in found if why is not None)

    for r in ctx.register.recipients:
        if everyone or r.role.acts_for_us:
            views.append(
                ProcessorView(
                    r.key,
                    r.name,
                    r.role.value,
                    "recipient",
                    tuple(r.transfers),
                    r.terms,
                    problems(r.transfers),
                )
            )
    for p in ctx.register.processors:
        views.append(
            ProcessorView(
                p.key,
                p.name,
                p.role.value,
                "processor",
                tuple(p.transfers),
                p.terms,
                problems(p.transfers),
            )
        )
    return views


def suspend_mechanism(ctx: UseCase, mechanism: str, reason: str) -> Suspension:
    """Suspend a transfer mechanism (`domain.register.transfers.suspension_key`): every export
    relying on it is refused until it is lifted."""
    require(ctx.register, ctx.actor, StaffAction.MANAGE_REGISTER)
    key, why, now = suspension_key(mechanism), check_reason(reason), ctx.clock.now()
    with ctx.uow as uow:
        if any(s.mechanism == key for s in uow.sharing.suspensions()):
            raise ShareRefused(f"{key} is suspended already")
        suspension = Suspension(uuid.uuid4(), key, why, now, ctx.actor.id)
        uow.sharing.suspend(suspension)
        audited = Audited(AuditAction.TRANSFER_SUSPENDED, details={"mechanism": key})
        record(uow, ctx.clock, ctx.actor, audited)
        uow.commit()
    return suspension


def lift_suspension(ctx: UseCase, mechanism: str) -> str:
    """Lift the suspension of a mechanism; `NotFound` when none stands."""
    require(ctx.register, ctx.actor, StaffAction.MANAGE_REGISTER)
    key = suspension_key(mechanism)
    with ctx.uow as uow:
        if not uow.sharing.lift(key, at=ctx.clock.now(), by=ctx.actor.id):
            raise NotFound("suspension", key)
        audited = Audited(AuditAction.TRANSFER_SUSPENSION_LIFTED, details={"mechanism": key})
        record(uow, ctx.clock, ctx.actor, audited)
        uow.commit()
    return key


@dataclass(frozen=True, slots=True)
class TransfersOverview:
    suspensions: tuple[Suspension, ...]
    refused: tuple[RefusedExport, ...]


def transfers_overview(ctx: UseCase, *, include_lifted: bool = False) -> TransfersOverview:
    """The suspensions (in force, or all) and the exports refused, newest first: the DCO's list."""
    require(ctx.register, ctx.actor, StaffAction.MANAGE_REGISTER)
    with ctx.uow as uow:
        return TransfersOverview(
            tuple(uow.sharing.suspensions(include_lifted=include_lifted)),
            tuple(uow.sharing.refusals()),
        )


def _require_either(ctx: UseCase, first: StaffAction, second: StaffAction) -> None:
    try:
        require(ctx.register, ctx.actor, first)
    except ActionNotAllowed:
        require(ctx.register, ctx.actor, second)
