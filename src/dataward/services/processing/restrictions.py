"""Use cases of restriction (UK GDPR Art. 18): apply one, lift one after telling the subject.

While a restriction is active the gate lets through only the purposes the register allows under
restriction (storage, legal claims). The request workflow builds on these two commands.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.bounds import check_instant
from dataward.domain.errors import NotFound, RestrictionRefused
from dataward.domain.permissions import require
from dataward.domain.processing.restrictions import Restriction, RestrictionGround
from dataward.domain.register.model import StaffAction
from dataward.domain.subjects import check_request_ref
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.permissions import require_on_subject
from dataward.services.processing.processor_limits import require_controller_restricts


@dataclass(frozen=True, slots=True)
class ApplyRestriction:
    subject_id: UUID
    ground: RestrictionGround
    categories: Iterable[str] | None = None
    """None restricts every category; otherwise the register's category keys."""
    ends_at: datetime | None = None
    request_ref: str | None = None
    letters: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)
    """(kind, sealed payload) queued on the request `request_ref` names, with the restriction:
    the notices to its recipients (Art. 19)."""


@dataclass(frozen=True, slots=True)
class LiftRestriction:
    restriction_id: UUID
    subject_told_at: datetime | None
    """When the subject was told the restriction would be lifted (Art. 18(3))."""
    told_by_letter: bool = False
    """Our letter telling the requester has gone: said by the request workflow
    (`services.rights.restriction`), never by staff."""


def apply_restriction(ctx: UseCase, command: ApplyRestriction) -> Restriction:
    """Restrict processing of the subject's data from now; storage and legal claims go on."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    check_instant("ends_at", command.ends_at)
    check_request_ref("request_ref", command.request_ref)
    scope = None if command.categories is None else frozenset(command.categories)
    known = {category.key for category in register.categories}
    for key in sorted(scope or ()):
        if key not in known:
            raise RestrictionRefused("categories: one is not a category of the register")
    restriction = Restriction(
        id=uuid.uuid4(),
        subject_id=command.subject_id,
        scope=scope,
        ground=command.ground,
        starts_at=clock.now(),
        ends_at=command.ends_at,
        request_ref=command.request_ref,
    )
    with uow:
        subject = uow.subjects.get(command.subject_id)
        if subject is None:
            raise NotFound("subject", str(command.subject_id))
        require(register, actor, StaffAction.MANAGE_RESTRICTIONS, tenant_id=subject.tenant_id)
        require_controller_restricts(actor, subject)
        if subject.erased:
            raise RestrictionRefused(f"subject {command.subject_id} was erased")
        uow.restrictions.add(restriction)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.RESTRICTION_APPLIED,
                subject_ref=subject.id,
                decision=restriction.ground.value,
                details={
                    "restriction": str(restriction.id),
                    "categories": sorted(restriction.scope or ()),
                },
            ),
        )
        if command.request_ref is not None:
            for letter, payload in command.letters:
                uow.requests.queue_letter(
                    command.request_ref, letter, restriction.starts_at, payload
                )
        uow.commit()
    return restriction


def lift_restriction(ctx: UseCase, command: LiftRestriction) -> Restriction:
    """Lift a restriction now; refused unless the subject was told beforehand (Art. 18(3)).

    A restriction a request applied, whose requester gave an address, is lifted only once our
    letter telling them has gone (`services.rights.restriction`, which says `told_by_letter`
    in the command), not on a date staff assert."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    check_instant("subject_told_at", command.subject_told_at)
    with uow:
        restriction = uow.restrictions.get(command.restriction_id)
        if restriction is None:
            raise NotFound("restriction", str(command.restriction_id))
        require_on_subject(
            uow, register, actor, StaffAction.MANAGE_RESTRICTIONS, restriction.subject_id
        )
        subject = uow.subjects.get(restriction.subject_id)
        if subject is not None and not subject.erased:
            require_controller_restricts(actor, subject)
        ref = restriction.request_ref
        if (
            not command.told_by_letter
            and ref is not None
            and uow.requests.get(ref) is not None
            and uow.requests.contact(ref) is not None
        ):
            raise RestrictionRefused(
                "this restriction came from a request: send the letter telling the person "
                "(requests tell-lifting), then lift it once it has gone"
            )
        lifted = restriction.lift(clock.now(), command.subject_told_at)
        if not uow.restrictions.record_lift(lifted):
            raise RestrictionRefused(f"restriction {lifted.id} was lifted meanwhile")
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.RESTRICTION_LIFTED,
                subject_ref=restriction.subject_id,
                details={"restriction": str(lifted.id)},
            ),
        )
        uow.commit()
    return lifted
