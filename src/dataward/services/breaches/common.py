"""What every breach use case shares: the DCO's permission, reading a breach, and writing a
change with its step in the decision trail and the audit log, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.breaches.model import Breach, BreachEvent, BreachRefused, TrailEntry
from dataward.domain.errors import ActionNotAllowed, NotFound
from dataward.domain.permissions import require
from dataward.domain.register.model import StaffAction
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase


def may_manage(ctx: UseCase) -> None:
    """Only a role with `manage_breaches` (the DCO) keeps the register; a breach can reach
    every tenant, so a role confined to one tenant may not, whatever a register lists."""
    require(ctx.register, ctx.actor, StaffAction.MANAGE_BREACHES)
    if ctx.actor.tenant_id is not None:
        raise ActionNotAllowed("manage_breaches", "the breach register reaches every tenant")


def breach_id(text: UUID | str) -> UUID:
    """`text` as a breach's id; an id that is not one is as unknown as a missing breach."""
    if isinstance(text, UUID):
        return text
    try:
        return UUID(text)
    except ValueError:
        raise NotFound("breach", "") from None


def open_breach(ctx: UseCase, wanted: UUID | str) -> Breach:
    """The breach (inside the caller's `with uow`), if it is still open."""
    breach = read_breach(ctx, wanted)
    if breach.closed_at is not None:
        raise BreachRefused("the breach is closed")
    return breach


def read_breach(ctx: UseCase, wanted: UUID | str) -> Breach:
    found = ctx.uow.breaches.get(breach_id(wanted))
    if found is None:
        raise NotFound("breach", str(wanted))
    return found


def step(ctx: UseCase, breach: Breach, event: BreachEvent, details: Mapping[str, Any]) -> None:
    """Note `event` in the breach's trail and in the audit log (inside the caller's unit of
    work; the caller commits). `details` carry counts and closed words only."""
    now = ctx.clock.now()
    ctx.uow.breaches.note(breach.id, TrailEntry(now, ctx.actor.id, event.value, details))
    audited = {"breach": str(breach.id), **details}
    record(
        ctx.uow,
        ctx.clock,
        ctx.actor,
        Audited(AuditAction(f"breach_{event.value}"), details=audited),
    )
