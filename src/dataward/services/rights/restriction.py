"""Carrying out a restriction request (Art. 18), and lifting it only once the person is told.

The request names its ground (`RightsRequest.scope`); the restriction is applied through the
restriction service, so the gate lets through storage and legal claims only, and is tagged with
the request, which completes in the same pass with its letter. Each recipient of the data is sent a
notice of the restriction (Art. 19), queued with it. Lifting it later is two steps:
`tell_before_lifting` queues the letter that says it will be lifted, and `lift_after_telling`
lifts it once that letter has gone, recording the time it was sent as when the person was
told (Art. 18(3)). A restriction applied without a request is lifted as before, naming when
the subject was told.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from dataward.domain.errors import NotFound, RestrictionRefused
from dataward.domain.permissions import require
from dataward.domain.processing.restrictions import Restriction, RestrictionGround
from dataward.domain.register.model import StaffAction
from dataward.domain.requests.workflow import RequestEvent, RequestType
from dataward.services.context import UseCase
from dataward.services.processing.processor_limits import require_controller_restricts
from dataward.services.processing.restrictions import (
    ApplyRestriction,
    LiftRestriction,
    apply_restriction,
    lift_restriction,
)
from dataward.services.register.recipients import recipients_to_tell
from dataward.services.rights.fulfilment import working_request
from dataward.services.rights.recipient_notices import Change, NoticeOf, Notices, prepare_notices
from dataward.services.rights.requests import Step, advance

LIFTING_LETTER = "restriction_lifting"


def fulfil_restriction(ctx: UseCase, request_id: UUID | str) -> Restriction:
    """Restrict all the subject's data on the request's ground, telling each recipient of it
    (Art. 19), then complete the request: the restriction, its notices and the completion in
    one transaction (the notices read the subject through the gate before it, each decision
    committed first). Carried out twice, the second finds the restriction the first applied
    and only completes."""
    uow, register, actor = ctx.uow, ctx.register, ctx.actor
    with uow:
        request, subject_id = working_request(ctx, request_id, RequestType.RESTRICTION)
        existing = [
            r
            for r in uow.restrictions.for_subject(subject_id)
            if r.request_ref == str(request.id) and r.lifted_at is None
        ]
        subject = uow.subjects.get(subject_id)
        recipients = recipients_to_tell(uow, register, subject_id)
    if request.scope is None:  # recorded at intake; older requests may lack it
        raise RestrictionRefused("the request names no ground: record one")
    if subject is None or subject.erased:
        raise NotFound("subject", str(subject_id))
    ground = RestrictionGround(request.scope)
    notices = Notices()
    if not existing:
        require(register, actor, StaffAction.MANAGE_RESTRICTIONS, tenant_id=subject.tenant_id)
        notices = prepare_notices(
            ctx,
            request.id,
            subject,
            recipients,
            NoticeOf(Change.RESTRICTION),
        )
    applying = ApplyRestriction(
        subject_id=subject_id, ground=ground, request_ref=str(request.id), letters=notices.letters
    )
    with uow:
        restriction = existing[0] if existing else apply_restriction(ctx, applying)
        advance(
            ctx,
            request.id,
            Step(
                RequestEvent.COMPLETE,
                reason=f"restricted ({ground.article}): kept in storage only until we tell you",
                outcome={
                    "restriction": str(restriction.id),
                    "ground": ground.value,
                    "categories": "all",
                    "processing": "storage only",
                    "recipients": recipients,
                    **notices.outcome(),
                },
            ),
        )
        uow.commit()
    return restriction


def tell_before_lifting(ctx: UseCase, restriction_id: UUID | str) -> None:
    """Queue the letter telling the person their restriction will be lifted (Art. 18(3))."""
    uow = ctx.uow
    with uow:
        _, request_id = _requested(ctx, restriction_id)
        if uow.requests.contact(request_id) is None:
            raise RestrictionRefused(
                "the request gave no address to write to: tell the person another way, then "
                "lift the restriction giving when they were told"
            )
        uow.requests.queue_letter(request_id, LIFTING_LETTER, ctx.clock.now())
        uow.commit()


def lift_after_telling(ctx: UseCase, restriction_id: UUID | str) -> Restriction:
    """Lift a restriction whose lifting letter has been sent; refused until it has."""
    uow = ctx.uow
    with uow:
        restriction, request_id = _requested(ctx, restriction_id)
        told = _sent(uow.requests.letters_of(request_id))
    if told is None:
        raise RestrictionRefused(
            "the letter telling the person has not gone yet: tell them first (Art. 18(3))"
        )
    return lift_restriction(
        ctx,
        LiftRestriction(restriction.id, subject_told_at=told, told_by_letter=True),
    )


def _requested(ctx: UseCase, restriction_id: UUID | str) -> tuple[Restriction, str]:
    uow, register, actor = ctx.uow, ctx.register, ctx.actor
    restriction = uow.restrictions.get(restriction_id)
    if restriction is None:
        raise NotFound("restriction", str(restriction_id))
    subject = uow.subjects.get(restriction.subject_id)
    require(
        register,
        actor,
        StaffAction.MANAGE_RESTRICTIONS,
        tenant_id=subject.tenant_id if subject else None,
    )
    if subject is not None and not subject.erased:  # a tenant's caller: the tenant tells it
        require_controller_restricts(actor, subject)
    if restriction.request_ref is None or uow.requests.get(restriction.request_ref) is None:
        raise RestrictionRefused(
            "this restriction came from no request: lift it naming when the subject was told"
        )
    if restriction.lifted_at is not None:
        raise RestrictionRefused(f"restriction {restriction.id} was already lifted")
    return restriction, restriction.request_ref


def _sent(letters: Sequence[tuple[str, datetime, datetime | None]]) -> datetime | None:
    sent = [at for letter, _, at in letters if letter == LIFTING_LETTER and at is not None]
    return min(sent) if sent else None
