"""Erasures that holds keep: a subject a litigation hold keeps is answered at once, nothing
erased, and its erasure waits; `finish_held_erasures` (run with the key sweep) carries out
each one whose holds are all lifted or whose tax date has come.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import WriteConflict
from dataward.domain.processing.legal_hold import (
    LITIGATION_GROUND,
    TAX_GROUND,
    ErasureHold,
    HeldCategories,
    held_until,
    tax_held_categories,
)
from dataward.domain.processing.litigation_holds import LitigationHold, SubjectHeld
from dataward.domain.register.model import Register
from dataward.domain.requests.not_done import KeptByLaw, NotDone, kept_by_hold, kept_by_law
from dataward.domain.requests.workflow import RequestRefused, uk_date
from dataward.domain.subjects import ErasureReason, Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import StoredIdentifierLike
from dataward.services.processing.disclosure import identifier_category
from dataward.services.processing.erasure import (
    ErasureRefused,
    Shred,
    _refuse_if_kept_by_restriction,
    shred,
)
from dataward.services.processing.holds import refuse_if_held
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.register.recipients import recipients_to_tell
from dataward.services.rights.erasure_steps import (
    Erasing,
    ErasureResult,
    HeldPlan,
    KeptRecords,
    dated_hold,
    erase_all_but_held,
    kept_items,
    shred_all,
)
from dataward.services.rights.recipient_notices import Change, NoticeOf, prepare_notices


def refuse_unrecorded_date(subject: Subject, last_transaction: date | None) -> None:
    """A held subject is erased once its holds are lifted, its tax hold dated then from the
    dates recorded for it: a last transaction given only with the request would be lost."""
    if last_transaction is not None and last_transaction != subject.last_transaction:
        raise RequestRefused(
            "a litigation hold keeps this subject, which is erased once the hold is lifted, "
            "from the dates recorded for it: record the last transaction with `dataward "
            "subjects relationship` instead of --last-transaction (nothing was erased)"
        )


def keep_for_holds(
    ctx: UseCase,
    request_id: UUID,
    subject: Subject,
    holds: tuple[LitigationHold, ...],
    stored: Sequence[StoredIdentifierLike],
) -> ErasureResult:
    """Answer an erasure request that litigation holds keep from being carried out: nothing is
    erased; one item per hold (what, the ground, until the hold is lifted and its next review)
    and, for what the tax rule will keep after the holds, its items and dates. For our own
    subjects the erasure waits in `erasure_holds` (due at once: the first sweep after the
    holds are lifted carries it out), and meanwhile the subject serves only what the holds
    need (`purposes_under_hold`). A customer's caller is the customer's to erase once it lifts
    its hold (we are its processor)."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    now = clock.now()
    today = uk_date(now)
    categories = sorted({identifier_category(s.type, subject) for s in stored})
    ours = subject.tenant_id is None
    held = tax_held_categories(register, subject.kind) if ours else None
    tax_purposes = held.purposes if held is not None else ()
    items = [kept_by_hold(register, h.ground, h.review_on, categories, tax_purposes) for h in holds]
    with uow:
        if not tuple(uow.litigation_holds.active_for(subject.id)):
            raise WriteConflict("the litigation hold was lifted meanwhile: carry it out again")
        waiting = uow.holds.get(str(subject.id))
        if waiting is not None and waiting.ground == TAX_GROUND:  # partly erased before
            items += kept_items(uow, register, waiting, None, after_holds=True)
        elif held is not None:
            items += _kept_after_holds(register, held, subject, stored, today)
        if ours and waiting is None:
            uow.holds.add(
                ErasureHold(
                    subject_id=str(subject.id),
                    request_id=str(request_id),
                    ground=LITIGATION_GROUND,
                    categories=tuple(categories),
                    delete_on=today,
                    waiting_for=(),
                    created_at=now,
                )
            )
            uow.subjects.set_flag(subject.id, "erasure requested: waits for a litigation hold")
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.ERASURE_KEPT_BY_HOLD,
                subject_ref=subject.id,
                decision="held",
                details={
                    "request": str(request_id),
                    "holds": [str(h.id) for h in holds],
                    "grounds": sorted({h.ground.value for h in holds}),
                    "kept": list(categories),
                },
            ),
        )
        uow.commit()
    kept = KeptRecords(
        categories=tuple(categories),
        identifiers=len(stored),
        ground=LITIGATION_GROUND,
        rule=", ".join(h.describe() for h in holds),
        until=None,
    )
    return ErasureResult(
        request_id,
        subject.id,
        {},
        kept,
        [],
        0,
        key_destroyed=False,
        notes=["kept whole by a litigation hold: nothing erased until it is lifted"],
        not_done=tuple(items),
    )


def _kept_after_holds(
    register: Register,
    held: HeldCategories,
    subject: Subject,
    stored: Sequence[StoredIdentifierLike],
    today: date,
) -> list[NotDone]:
    """What the tax rule will still keep once the holds are lifted, dated from the dates
    recorded for the subject (none: the event still missing is named); nothing when its date
    will have come by then."""
    kept_kinds = frozenset(s.type for s in stored if held.keeps(s.type))
    if not kept_kinds or held.rule is None:
        return []
    outcome = held_until(
        register,
        held.rule,
        relationship_end=subject.relationship_end,
        last_transaction=subject.last_transaction,
    )
    if outcome.delete_on is not None and outcome.delete_on <= today:
        return []
    plan = HeldPlan(held, kept_kinds, tuple(stored), subject.last_transaction)
    law = KeptByLaw(plan.kept_fields(), held.purposes, held.rule, outcome)
    return kept_by_law(register, law, after_holds=True)


@dataclass(frozen=True, slots=True)
class HeldErasures:
    """What the sweep of erasures a hold delayed did: the subject ids erased now, those due
    but kept by a litigation hold (erased by the first sweep after it is lifted), and those
    whose erasure, its litigation holds lifted, cannot go ahead yet (its tax hold cannot be
    dated, or a restriction keeps the data): for the DCO."""

    finished: list[str]
    kept_by_hold: list[str]
    waiting: list[str] = field(default_factory=list)


def finish_held_erasures(ctx: UseCase) -> HeldErasures:
    """Shred every subject whose tax hold has ended (on or before today) and no litigation
    hold keeps; carry out every erasure request that litigation holds kept, once none is
    left (erased but for what the tax rule keeps, as the request would have been). Each
    erasure is its own transaction, its keys destroyed once it is committed."""
    uow, clock = ctx.uow, ctx.clock
    with uow:
        due = list(uow.holds.due(clock.now().date()))
    done: list[str] = []
    kept: list[str] = []
    waiting: list[str] = []
    for hold in due:
        try:
            if hold.ground == LITIGATION_GROUND:
                _erase_after_holds(ctx, hold)
            else:
                shred(
                    ctx,
                    Shred(
                        hold.subject_id, ErasureReason.NO_LONGER_NEEDED, request_ref=hold.request_id
                    ),
                )
        except SubjectHeld:
            kept.append(hold.subject_id)
            continue
        except (RequestRefused, ErasureRefused):
            waiting.append(hold.subject_id)
            continue
        done.append(hold.subject_id)
    return HeldErasures(done, kept, waiting)


def _erase_after_holds(ctx: UseCase, waiting: ErasureHold) -> None:
    """Carry out the erasure request litigation holds kept, now that none is left: as
    `fulfil_erasure` would (the tax rule's fields kept until its date, dated from the dates
    recorded for the subject; the recipients told), without touching the closed request."""
    uow, vault, clock, register = ctx.uow, ctx.vault, ctx.clock, ctx.register
    now = clock.now()
    request_id = UUID(str(waiting.request_id))
    with uow:
        subject = uow.subjects.get(waiting.subject_id)
        if subject is None or subject.erased:  # erased by another door: nothing is left
            return
        refuse_if_held(uow, subject)
        _refuse_if_kept_by_restriction(uow, subject, now, None)
        stored = list(uow.subjects.identifiers_of(subject.id))
        recipients = recipients_to_tell(uow, register, subject.id)
    held = tax_held_categories(register, subject.kind)
    kept_kinds = {s.type for s in stored if held.keeps(s.type)}
    partly = False
    if kept_kinds and held.rule is not None:
        ends = dated_hold(register, held.rule.key, subject, subject.last_transaction)
        partly = ends > uk_date(now)
    notices = prepare_notices(
        ctx,
        request_id,
        subject,
        recipients,
        NoticeOf(Change.ERASURE, kept=partly),
    )
    erasing = Erasing(request_id, subject, recipients, notices)
    if partly:
        plan = HeldPlan(held, frozenset(kept_kinds), tuple(stored), subject.last_transaction)
        erase_all_but_held(ctx, erasing, plan)
        release_line_keys(uow, vault)
    else:
        shred_all(ctx, erasing)
