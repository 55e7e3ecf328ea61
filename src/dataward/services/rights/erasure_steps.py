"""How an erasure is carried out: shredded whole, or all but what the tax rule keeps, and
what its letter says was kept and until when. Used by the erasure request
(`services.rights.erasure`) and by the sweep of held erasures (`services.rights.erasure_holds`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.legal_hold import (
    IDENTIFIER_FIELDS,
    LITIGATION_GROUND,
    TAX_GROUND,
    ErasureHold,
    HeldCategories,
    held_until,
    tax_held_categories,
)
from dataward.domain.processing.retention import RetentionOutcome
from dataward.domain.register.model import Register, RetentionEvent
from dataward.domain.requests.not_done import KeptByLaw, NotDone, kept_by_law
from dataward.domain.requests.workflow import RequestRefused
from dataward.domain.subjects import ErasureReason, Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.keys.doomed import destroy_doomed, doom
from dataward.services.ports import StoredIdentifierLike, UnitOfWork
from dataward.services.processing.disclosure import identifier_category
from dataward.services.processing.erasure import Shred, shred
from dataward.services.processing.holds import refuse_if_held
from dataward.services.processing.suppression import suppress_subject
from dataward.services.rights.recipient_notices import Notices

ERASING = "erasing"
"""Outcome key that marks an erasure begun: the subject it is erasing."""


LAST_TRANSACTION = "last_transaction"
"""Outcome key noted with `ERASING`: the day of the last transaction the tax hold was dated
from (ISO), so a completion after an interruption states the same dates."""


@dataclass(frozen=True, slots=True)
class KeptRecords:
    """What a legal hold keeps, on which ground, and until when (None: a date is unknown)."""

    categories: tuple[str, ...]
    identifiers: int
    ground: str
    rule: str
    until: date | None
    waiting_for: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ErasureResult:
    request_id: UUID
    subject_id: UUID
    erased: dict[str, int]
    """Dataset (or `identifiers.<category>`) -> how many records went."""
    kept: KeptRecords | None
    recipients: list[str]
    """Recipients to tell of the erasure (Art. 19)."""
    suppressed: int
    key_destroyed: bool
    notes: list[str] = field(default_factory=list)
    not_done: tuple[NotDone, ...] = ()
    """What was kept, item by item, as the completion letter states it (Art. 17(3))."""
    recipients_told: tuple[str, ...] = ()
    """Recipients sent a notice of the erasure (Art. 19), queued with it."""
    recipients_not_told: tuple[str, ...] = ()
    """Recipients the register gives no contact for: for the DCO to tell."""

    @property
    def partial(self) -> bool:
        return self.kept is not None

    def summary(self) -> str:
        """The outcome in words, with no personal data (for the request's timeline)."""
        erased = ", ".join(f"{k}={v}" for k, v in sorted(self.erased.items()) if v) or "nothing"
        text = f"erased: {erased}"
        if self.kept is not None and self.kept.ground == LITIGATION_GROUND:
            text += (
                f"; kept whole: {', '.join(self.kept.categories) or 'nothing stored'}, until "
                f"every litigation hold is lifted ({self.kept.rule})"
            )
        elif self.kept is not None:
            until = (
                self.kept.until.isoformat()
                if self.kept.until
                else ("date unknown, waiting for " + ", ".join(self.kept.waiting_for))
            )
            text += (
                f"; kept: {', '.join(self.kept.categories)} ({self.kept.ground}, "
                f"{self.kept.rule}) until {until}"
            )
        text += f"; suppressed for marketing: {self.suppressed}"
        text += f"; recipients to tell: {', '.join(self.recipients) or 'none'}"
        return text[:500]


@dataclass(frozen=True, slots=True)
class HeldPlan:
    """What a legal hold keeps of one subject: the hold, the identifier kinds it keeps, every
    identifier stored, and the day of the last transaction its term runs from."""

    held: HeldCategories
    kept_kinds: frozenset[str]
    stored: tuple[StoredIdentifierLike, ...]
    last_transaction: date | None

    def counts(self, subject: Subject, *, kept: bool) -> Counter[str]:
        return Counter(
            identifier_category(s.type, subject)
            for s in self.stored
            if (s.type in self.kept_kinds) is kept
        )

    def kept_fields(self) -> dict[str, list[str]]:
        """Category -> the keys of its fields kept (an identifier's fields the hold keeps)."""
        fields: dict[str, list[str]] = {}
        for kind in sorted(self.kept_kinds):
            for ref in sorted(IDENTIFIER_FIELDS[IdentifierType(kind)] & self.held.fields):
                category, name = ref.split(".", 1)
                fields.setdefault(category, []).append(name)
        return fields


def kept_items(
    uow: UnitOfWork,
    register: Register,
    hold: ErasureHold,
    last_transaction: date | None,
    *,
    after_holds: bool = False,
) -> tuple[NotDone, ...]:
    """The letter's items for a hold recorded earlier on its subject: its categories as a
    whole, each term dated again from the dates it was recorded with (when they still give
    its date)."""
    subject = uow.subjects.get(hold.subject_id)
    held = tax_held_categories(register, subject.kind) if subject is not None else None
    if subject is None or held is None or held.rule is None:
        return ()
    waiting = tuple(RetentionEvent(e) for e in hold.waiting_for)
    outcome = held_until(
        register,
        held.rule,
        relationship_end=subject.relationship_end,
        last_transaction=last_transaction or subject.last_transaction,
    )
    if outcome.delete_on != hold.delete_on:  # the dates changed since: the hold's date alone
        outcome = RetentionOutcome(hold.delete_on, waiting)
    kept: dict[str, list[str]] = {category: [] for category in hold.categories}
    law = KeptByLaw(kept, held.purposes, held.rule, outcome)
    return tuple(kept_by_law(register, law, after_holds=after_holds))


_MISSING_WORDS = {
    "financial_year_end_of_last_transaction": "the date of the last transaction "
    "(--last-transaction)",
    "relationship_end": "the end of the customer relationship",
}


def dated_hold(
    register: Register, rule_key: str, subject: Subject, last_transaction: date | None
) -> date:
    """The day the tax hold on the subject's records ends; refused when it cannot be dated."""
    dated = held_until(
        register,
        register.retention_rule(rule_key),
        relationship_end=subject.relationship_end,
        last_transaction=last_transaction,
    )
    if dated.delete_on is None:
        missing = [_MISSING_WORDS.get(e.value, e.value) for e in dated.waiting_for]
        raise RequestRefused(
            "the tax hold on this subject's records cannot be dated without "
            + " and ".join(missing)
            + ": nothing was erased"
        )
    return dated.delete_on


@dataclass(frozen=True, slots=True)
class Erasing:
    """One subject's erasure under way: the request it answers, the subject, the recipients
    to tell (Art. 19) and the notices sealed for them."""

    request_id: UUID
    subject: Subject
    recipients: list[str]
    notices: Notices


def shred_all(ctx: UseCase, erasing: Erasing) -> ErasureResult:
    """Put the subject on the marketing suppression list, then shred it whole with the
    recipients' notices (`services.processing.erasure.shred`, which destroys its key once its
    transaction is committed: call it outside a transaction)."""
    uow, clock = ctx.uow, ctx.clock
    request_id, subject, notices = erasing.request_id, erasing.subject, erasing.notices
    with uow:
        suppressed = suppress_subject(uow, subject, source="erasure", at=clock.now())
        uow.commit()
    report = shred(
        ctx,
        Shred(
            str(subject.id),
            ErasureReason.ERASURE_REQUEST,
            request_ref=str(request_id),
            letters=notices.letters,
        ),
    )
    erased = {k: v for k, v in report.removed.items() if k not in ("identifiers", "subjects")}
    return ErasureResult(
        request_id,
        subject.id,
        erased,
        None,
        erasing.recipients,
        suppressed,
        report.key_destroyed,
        recipients_told=notices.told,
        recipients_not_told=notices.untold,
    )


def erase_all_but_held(ctx: UseCase, erasing: Erasing, plan: HeldPlan) -> ErasureResult:
    """Erase every identifier the hold does not keep and every store's references, keep the
    rest until the hold's end, and queue the recipients' notices, in one transaction."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    request_id, subject, notices = erasing.request_id, erasing.subject, erasing.notices
    now = clock.now()
    assert plan.held.rule is not None  # noqa: S101 - a hold without a rule keeps nothing
    rule = plan.held.rule
    outcome = held_until(
        register,
        rule,
        relationship_end=subject.relationship_end,
        last_transaction=plan.last_transaction,
    )
    waiting = tuple(e.value for e in outcome.waiting_for)
    held_counts = plan.counts(subject, kept=True)
    going_kinds = sorted({s.type for s in plan.stored} - plan.kept_kinds)
    kept_categories = sorted(held_counts)
    with uow:
        refuse_if_held(uow, subject)  # placed since the request's first check
        suppressed = suppress_subject(uow, subject, source="erasure", at=now)
        links = list(uow.downloads.of_subjects([str(subject.id)]))  # unlinked just below
        removed = uow.holds.unlink_except(str(subject.id), now)
        deleted = uow.holds.delete_identifiers(str(subject.id), going_kinds)
        uow.holds.add(
            ErasureHold(
                subject_id=str(subject.id),
                request_id=str(request_id),
                ground=TAX_GROUND,
                categories=tuple(kept_categories),
                delete_on=outcome.delete_on,
                waiting_for=waiting,
                created_at=now,
            )
        )
        until = outcome.delete_on.isoformat() if outcome.delete_on else "unknown"
        uow.subjects.set_flag(subject.id, f"erased but for a tax hold until {until}")
        notices.queue(uow, request_id, now)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.SUBJECT_PARTLY_ERASED,
                subject_ref=subject.id,
                decision="held",
                details={
                    "reason": ErasureReason.ERASURE_REQUEST.value,
                    "request": str(request_id),
                    "kept": list(kept_categories),
                    "ground": TAX_GROUND,
                    "until": until,
                    "identifiers_deleted": deleted,
                    "suppressed": suppressed,
                    **{f"removed_{name}": count for name, count in removed.items()},
                },
            ),
        )
        doomed = doom(uow, links, now)  # the links' packages: their keys go, not the subject's
        uow.commit()
    destroy_doomed(uow, ctx.vault, doomed)
    erased: dict[str, int] = dict(removed)
    erased.update({f"identifiers.{c}": n for c, n in plan.counts(subject, kept=False).items()})
    kept = KeptRecords(
        categories=tuple(kept_categories),
        identifiers=sum(held_counts.values()),
        ground=TAX_GROUND,
        rule=rule.key,
        until=outcome.delete_on,
        waiting_for=waiting,
    )
    notes = [] if outcome.delete_on else [f"hold end unknown: waiting for {', '.join(waiting)}"]
    law = KeptByLaw(plan.kept_fields(), plan.held.purposes, rule, outcome)
    return ErasureResult(
        request_id,
        subject.id,
        erased,
        kept,
        erasing.recipients,
        suppressed,
        key_destroyed=False,
        notes=notes,
        not_done=tuple(kept_by_law(register, law)),
        recipients_told=notices.told,
        recipients_not_told=notices.untold,
    )
