"""Litigation holds as use cases: place, review, lift, list, read; and the check every erasure
makes (`refuse_if_held`).

Each needs the register's `manage_holds` action, within the role's tenant scope (a tenant
administrator holds only its own tenant's callers; the DCO our own subjects, and a tenant's
caller only when the law requires us to keep it: `domain.processing.litigation_holds.held_by`). A
subject, or a hold, outside the caller's reach is answered as one that does not exist. Every
change is audited with the hold's id, ground and dates, never its reason, which is sealed
under the subject's key; reading the reason back is audited too. "Today" is the UK date of
the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import NoSuchSubject, NotFound
from dataward.domain.permissions import require
from dataward.domain.processing.litigation_holds import (
    HoldFlag,
    HoldGround,
    HoldIsTheControllers,
    HoldRefused,
    LitigationHold,
    SubjectHeld,
    check_lifter,
    check_reason,
    check_review,
    held_by,
    parse_ground,
)
from dataward.domain.register.model import Register, StaffAction, StaffRoleScope
from dataward.domain.requests.workflow import uk_date
from dataward.domain.subjects import Actor, Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.processing.lookup import within_reach


@dataclass(frozen=True, slots=True)
class PlaceHold:
    subject_id: UUID | str
    ground: HoldGround | str
    review_on: date
    reason: str


@dataclass(frozen=True, slots=True)
class HoldView:
    """A hold as a list shows it: never its reason; `flag` once its review date has come."""

    hold: LitigationHold
    flag: HoldFlag | None


def place_hold(ctx: UseCase, command: PlaceHold) -> LitigationHold:
    """Keep the subject from erasure until the hold is lifted; its reason sealed."""
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    ground = parse_ground(command.ground)
    reason = check_reason(command.reason)
    now = clock.now()
    check_review(command.review_on, uk_date(now))
    with uow:
        subject = _reachable_subject(uow, register, actor, command.subject_id)
        require(register, actor, StaffAction.MANAGE_HOLDS, tenant_id=subject.tenant_id)
        if subject.erased:
            raise HoldRefused("the subject was erased: there is nothing left to hold")
        ours = held_by(actor.tenant_id, subject.tenant_id, ground)
        hold = LitigationHold(
            id=uuid.uuid4(),
            subject_id=subject.id,
            tenant_id=subject.tenant_id,
            ground=ground,
            review_on=command.review_on,
            placed_at=now,
            placed_by=actor.id,
            reason=vault.seal(str(subject.id), reason),
            ours=ours,
        )
        uow.litigation_holds.add(hold)
        _audit(ctx, AuditAction.HOLD_PLACED, hold)
        uow.commit()
    return hold


def review_hold(ctx: UseCase, hold_id: UUID | str, next_review: date) -> LitigationHold:
    """The hold was reviewed and stands: its next review date."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    check_review(next_review, uk_date(clock.now()))
    with uow:
        hold = _reachable_hold(uow, register, actor, hold_id)
        check_lifter(actor.tenant_id, hold)  # whoever holds it reviews it
        if not hold.active:
            raise HoldRefused("the hold was lifted: place a new one")
        uow.litigation_holds.set_review(hold.id, next_review)
        updated = uow.litigation_holds.get(hold.id)
        assert updated is not None  # noqa: S101 - read back in the same transaction
        _audit(ctx, AuditAction.HOLD_REVIEWED, updated, hold.review_on)
        uow.commit()
    return updated


def lift_hold(ctx: UseCase, hold_id: UUID | str) -> LitigationHold:
    """The hold is no longer needed: the subject may be erased again."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    now = clock.now()
    with uow:
        hold = _reachable_hold(uow, register, actor, hold_id)
        check_lifter(actor.tenant_id, hold)
        if not uow.litigation_holds.lift(hold.id, at=now, by=actor.id):
            raise HoldRefused("the hold was lifted already")
        _audit(ctx, AuditAction.HOLD_LIFTED, hold)
        updated = uow.litigation_holds.get(hold.id)
        uow.commit()
    assert updated is not None  # noqa: S101 - read back in the same transaction
    return updated


def list_holds(ctx: UseCase, *, include_lifted: bool = False) -> list[HoldView]:
    """The holds within the role's reach, soonest review first, each flagged once its review
    date has come."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    require(register, actor, StaffAction.MANAGE_HOLDS)
    today = uk_date(clock.now())
    with uow:
        holds = uow.litigation_holds.listed(
            tenants=_tenants_in_reach(register, actor), include_lifted=include_lifted
        )
    return [HoldView(hold, hold.flag(today)) for hold in holds]


def read_hold(ctx: UseCase, hold_id: UUID | str) -> tuple[HoldView, str | None]:
    """The hold and its reason, opened (audited); None once the subject's key is gone. The
    reason of a hold we keep on a tenant's caller as the law requires of us is ours: its
    tenant sees the hold in the list, never why."""
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    with uow:
        hold = _reachable_hold(uow, register, actor, hold_id)
        if hold.ours and actor.tenant_id is not None:
            raise HoldIsTheControllers(
                "this hold is kept as the law requires of us: its reason is not the customer's"
            )
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.HOLD_READ, subject_ref=hold.subject_id, details={"hold": str(hold.id)}
            ),
        )
        uow.commit()
    key = str(hold.subject_id)
    reason = vault.open(key, hold.reason) if vault.has_key(key) else None
    return HoldView(hold, hold.flag(uk_date(clock.now()))), reason


def refuse_if_held(uow: UnitOfWork, subject: Subject) -> None:
    """Inside an erasure's transaction: `SubjectHeld`, naming each hold, while one stands."""
    holds = tuple(uow.litigation_holds.active_for(subject.id))
    if holds:
        raise SubjectHeld(holds)


def _reachable_subject(
    uow: UnitOfWork, register: Register, actor: Actor, subject_id: UUID | str
) -> Subject:
    subject = uow.subjects.get(subject_id)
    if subject is None or not within_reach(register, actor, subject.tenant_id):
        raise NoSuchSubject
    return subject


def _reachable_hold(
    uow: UnitOfWork, register: Register, actor: Actor, hold_id: UUID | str
) -> LitigationHold:
    hold = uow.litigation_holds.get(hold_id)
    if hold is None or not within_reach(register, actor, hold.tenant_id):
        raise NotFound("litigation hold", str(hold_id))
    require(register, actor, StaffAction.MANAGE_HOLDS, tenant_id=hold.tenant_id)
    return hold


def _tenants_in_reach(register: Register, actor: Actor) -> Sequence[str | None] | None:
    """None for every hold; else the tenants (None: our own subjects) the role may know of."""
    scope = register.staff_role(actor.role).tenant_scope
    if scope is StaffRoleScope.ALL_TENANTS:
        return None
    if scope is StaffRoleScope.OWN_TENANT:
        return [actor.tenant_id] if actor.tenant_id is not None else []
    return [None]


def _audit(
    ctx: UseCase, action: AuditAction, hold: LitigationHold, review_before: date | None = None
) -> None:
    details: dict[str, str] = {
        "hold": str(hold.id),
        "ground": hold.ground.value,
        "review_on": hold.review_on.isoformat(),
    }
    if review_before is not None:
        details["review_before"] = review_before.isoformat()
    record(
        ctx.uow, ctx.clock, ctx.actor, Audited(action, subject_ref=hold.subject_id, details=details)
    )
