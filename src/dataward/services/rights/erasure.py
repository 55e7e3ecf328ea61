"""Carrying out an erasure request (Art. 17) end to end, keeping only what the law keeps.

Everything of the subject is erased through the vault's crypto-shred, except what a legal
obligation keeps (Art. 17(3)(b)): the identifiers whose register fields the authority of a
tax-driven legal-obligation purpose may receive for the subject's kind
(`domain.processing.legal_hold`: what the records of transactions need, such as a name or a billing
address, not the means of contacting the person, as far as the register's scope says so). Then the
erasure is partial: the other identifiers and every store's references (consents, objections,
restrictions, calls, ...) go now, the kept identifiers and the subject's key stay, and the
date the hold ends is recorded in `erasure_holds` (or, when an event it needs is unknown, which
one). Until then the gate lets the subject serve only the hold's purposes and storage.
`finish_held_erasures` shreds each subject whose hold has ended and no litigation hold keeps;
run it with the key sweep.

A litigation hold keeps the subject whole (Art. 17(3)(b) or (e)): the request is answered at
once, partially, nothing erased, its letter stating each hold's ground and next review; the
erasure waits in `erasure_holds` (ground `litigation_hold`, the subject serving only what the
holds need meanwhile) and the first `finish_held_erasures` after every hold is lifted carries it
out as above. A tax hold whose date has already come keeps nothing.

Before anything goes, the subject's e-mail addresses and phone numbers are put on the marketing
suppression list, so the person is never added for marketing again. The request completes (or
completes partially when something was kept) with a summary that names categories, counts,
grounds, dates and recipients, never a value; its completion letter is queued with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.calendar import HolidayCalendar
from dataward.domain.clock import Clock
from dataward.domain.errors import WriteConflict
from dataward.domain.identifiers import IdentifierType
from dataward.domain.permissions import require
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.legal_hold import (
    IDENTIFIER_FIELDS,
    LITIGATION_GROUND,
    TAX_GROUND,
    ErasureHold,
    HeldCategories,
    held_until,
    tax_held_categories,
)
from dataward.domain.processing.litigation_holds import LitigationHold, SubjectHeld
from dataward.domain.processing.retention import RetentionOutcome
from dataward.domain.register.model import Register, RetentionEvent, StaffAction
from dataward.domain.requests.not_done import NotDone, kept_by_hold, kept_by_law
from dataward.domain.requests.workflow import RequestEvent, RequestRefused, RequestType, uk_date
from dataward.domain.subjects import Actor, ErasureReason, Subject
from dataward.services.audit import record
from dataward.services.ports import StoredIdentifierLike, UnitOfWork, Vault
from dataward.services.processing.disclosure import identifier_category
from dataward.services.processing.erasure import (
    ErasureRefused,
    _refuse_if_kept_by_restriction,
    shred,
)
from dataward.services.processing.holds import refuse_if_held
from dataward.services.processing.suppression import suppress_subject
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.register.recipients import recipients_to_tell
from dataward.services.rights.fulfilment import as_outcome, working_request
from dataward.services.rights.recipient_notices import Change, NoticeOf, Notices, prepare_notices
from dataward.services.rights.requests import advance, visible_request


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


def fulfil_erasure(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    holidays: HolidayCalendar,
    register: Register,
    actor: Actor,
    request_id: UUID | str,
    *,
    last_transaction: date | None = None,
) -> ErasureResult:
    """Erase the request's subject but for what a legal hold keeps, then complete the request.

    `last_transaction` is the date of the subject's last transaction with us (from the
    accounts), which the tax term runs from; without it, the date recorded for the subject
    (`services.subjects.relationship`). A subject a litigation hold keeps is not erased at all: the
    request completes partially, its letter stating for each hold what is kept, on which
    ground and until when (never the hold's reason), and for our own subjects the erasure is
    carried out by the first sweep after every hold is lifted (`finish_held_erasures`, from
    the dates recorded for the subject then). No end date is invented, and none is left open
    (a hold without one would keep the records for ever): when the hold cannot be dated, the
    erasure is refused before anything is done, naming what is missing. A hold whose date has
    come already (today, UK, or before) keeps nothing: the records are no longer needed, and
    the subject is erased whole.
    """
    now = clock.now()
    with uow:
        interrupted = _interrupted(uow, register, actor, request_id)
    if interrupted is not None:  # erased already, but the request was not completed then
        _complete(uow, clock, holidays, register, actor, interrupted)
        return interrupted
    with uow:
        request, subject_id = working_request(uow, register, actor, request_id, RequestType.ERASURE)
        subject = uow.subjects.get(subject_id)
        if subject is None or subject.erased:
            subject = None
        else:
            require(register, actor, StaffAction.ERASE_SUBJECTS, tenant_id=subject.tenant_id)
            holds = tuple(uow.litigation_holds.active_for(subject.id))
            _refuse_if_kept_by_restriction(uow, register, actor, subject, now, None)
            if holds:
                _refuse_unrecorded_date(subject, last_transaction)
            last_transaction = last_transaction or subject.last_transaction
            stored = list(uow.subjects.identifiers_of(subject.id))
            recipients = recipients_to_tell(uow, register, subject.id)
    if subject is None:  # erased meanwhile (by another door): nothing is left to erase
        result = ErasureResult(
            request.id, subject_id, {}, None, [], 0, key_destroyed=False, notes=["already erased"]
        )
        _complete(uow, clock, holidays, register, actor, result)
        return result
    if holds:  # kept whole until every hold is lifted: said item by item, nothing erased
        result = _keep_for_holds(uow, clock, register, actor, request.id, subject, holds, stored)
        _complete(uow, clock, holidays, register, actor, result)
        return result
    held = tax_held_categories(register, subject.kind) if subject.tenant_id is None else None
    by_category = Counter(identifier_category(s.type, subject) for s in stored)
    kept_kinds = {s.type for s in stored if held is not None and held.keeps(s.type)}
    partly = False
    if kept_kinds and held is not None and held.rule is not None:
        ends = _dated_hold(register, held.rule.key, subject, last_transaction)
        partly = ends > uk_date(now)  # a hold already over keeps nothing: all goes now
    notices = prepare_notices(
        uow, vault, clock, Gate(register), actor, request.id, subject, recipients,
        NoticeOf(Change.ERASURE, kept=partly),
    )  # fmt: skip
    with uow:  # noted first: a retry after the erasure finds what it was doing
        uow.requests.set_outcome(
            request.id,
            {ERASING: str(subject.id), "recipients": list(recipients),
             LAST_TRANSACTION: last_transaction.isoformat() if last_transaction else None,
             **notices.outcome()},
        )  # fmt: skip
        uow.commit()
    if not partly or held is None:
        result = _shred_all(uow, vault, clock, register, actor, request.id, subject, recipients,
                            notices)  # fmt: skip
        result.erased.update({f"identifiers.{c}": n for c, n in by_category.items()})
    else:
        result = _erase_all_but_held(
            uow, clock, register, actor, request.id, subject, recipients, notices,
            _HeldPlan(held, frozenset(kept_kinds), tuple(stored), last_transaction),
        )  # fmt: skip
        release_line_keys(uow, vault)  # the quarantined lines it emptied
    _complete(uow, clock, holidays, register, actor, result)
    return result


@dataclass(frozen=True, slots=True)
class _HeldPlan:
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


ERASING = "erasing"
"""Outcome key that marks an erasure begun: the subject it is erasing."""
LAST_TRANSACTION = "last_transaction"
"""Outcome key noted with `ERASING`: the day of the last transaction the tax hold was dated
from (ISO), so a completion after an interruption states the same dates."""


def _interrupted(
    uow: UnitOfWork, register: Register, actor: Actor, request_id: UUID | str
) -> ErasureResult | None:
    """The result of an erasure that went through while its request was left open (the
    completion failed after the shred, which unlinked the request from the subject)."""
    request = visible_request(uow, register, actor, request_id)[0]
    noted = uow.requests.outcome_of(request.id) or {}
    if request.closed or request.subject_id is not None or ERASING not in noted:
        return None
    subject_id = UUID(str(noted[ERASING]))
    recipients = [str(r) for r in noted.get("recipients", [])]
    told = tuple(str(r) for r in noted.get("recipients_told", []))  # told with the erasure
    untold = tuple(str(r) for r in noted.get("recipients_not_told", []))
    notes = ["erased earlier; the request is completed now"]
    tombstone = uow.subjects.tombstone(subject_id)
    if tombstone is not None and tombstone.request_ref == str(request.id):
        return ErasureResult(
            request.id, subject_id, {}, None, recipients, 0, key_destroyed=True, notes=notes,
            recipients_told=told, recipients_not_told=untold,
        )  # fmt: skip
    hold = uow.holds.get(str(subject_id))
    if hold is None or hold.request_id != str(request.id):
        return None
    kept = KeptRecords(
        categories=hold.categories, identifiers=0, ground=hold.ground, rule="",
        until=hold.delete_on, waiting_for=hold.waiting_for,
    )  # fmt: skip
    noted_last = noted.get(LAST_TRANSACTION)
    last = date.fromisoformat(str(noted_last)) if noted_last else None
    return ErasureResult(
        request.id, subject_id, {}, kept, recipients, 0, key_destroyed=False, notes=notes,
        not_done=_kept_items(uow, register, hold, subject_id, last), recipients_told=told,
        recipients_not_told=untold,
    )  # fmt: skip


def _kept_items(
    uow: UnitOfWork,
    register: Register,
    hold: ErasureHold,
    subject_id: UUID,
    last_transaction: date | None,
    *,
    after_holds: bool = False,
) -> tuple[NotDone, ...]:
    """The letter's items for a hold recorded earlier: its categories as a whole, each term
    dated again from the dates it was recorded with (when they still give its date)."""
    subject = uow.subjects.get(subject_id)
    held = tax_held_categories(register, subject.kind) if subject is not None else None
    if subject is None or held is None or held.rule is None:
        return ()
    waiting = tuple(RetentionEvent(e) for e in hold.waiting_for)
    outcome = held_until(
        register, held.rule, relationship_end=subject.relationship_end,
        last_transaction=last_transaction or subject.last_transaction,
    )  # fmt: skip
    if outcome.delete_on != hold.delete_on:  # the dates changed since: the hold's date alone
        outcome = RetentionOutcome(hold.delete_on, waiting)
    kept: dict[str, list[str]] = {category: [] for category in hold.categories}
    return tuple(
        kept_by_law(register, kept, held.purposes, held.rule, outcome, after_holds=after_holds)
    )


_MISSING_WORDS = {
    "financial_year_end_of_last_transaction": "the date of the last transaction "
    "(--last-transaction)",
    "relationship_end": "the end of the customer relationship",
}


def _dated_hold(
    register: Register, rule_key: str, subject: Subject, last_transaction: date | None
) -> date:
    """The day the tax hold on the subject's records ends; refused when it cannot be dated."""
    dated = held_until(
        register, register.retention_rule(rule_key),
        relationship_end=subject.relationship_end, last_transaction=last_transaction,
    )  # fmt: skip
    if dated.delete_on is None:
        missing = [_MISSING_WORDS.get(e.value, e.value) for e in dated.waiting_for]
        raise RequestRefused(
            "the tax hold on this subject's records cannot be dated without "
            + " and ".join(missing)
            + ": nothing was erased"
        )
    return dated.delete_on


def _shred_all(
    uow: UnitOfWork,
    vault: Vault,
    clock: Clock,
    register: Register,
    actor: Actor,
    request_id: UUID,
    subject: Subject,
    recipients: list[str],
    notices: Notices,
) -> ErasureResult:
    with uow:
        suppressed = suppress_subject(uow, subject, source="erasure", at=clock.now())
        uow.commit()
    report = shred(
        uow, vault, clock, register, actor, str(subject.id),
        reason=ErasureReason.ERASURE_REQUEST, request_ref=str(request_id),
        letters=notices.letters,
    )  # fmt: skip
    erased = {k: v for k, v in report.removed.items() if k not in ("identifiers", "subjects")}
    return ErasureResult(
        request_id, subject.id, erased, None, recipients, suppressed, report.key_destroyed,
        recipients_told=notices.told, recipients_not_told=notices.untold,
    )  # fmt: skip


def _erase_all_but_held(
    uow: UnitOfWork,
    clock: Clock,
    register: Register,
    actor: Actor,
    request_id: UUID,
    subject: Subject,
    recipients: list[str],
    notices: Notices,
    plan: _HeldPlan,
) -> ErasureResult:
    """Erase every identifier the hold does not keep and every store's references, keep the
    rest until the hold's end, and queue the recipients' notices, in one transaction."""
    now = clock.now()
    assert plan.held.rule is not None  # noqa: S101 - a hold without a rule keeps nothing
    rule = plan.held.rule
    outcome = held_until(
        register, rule, relationship_end=subject.relationship_end,
        last_transaction=plan.last_transaction,
    )  # fmt: skip
    waiting = tuple(e.value for e in outcome.waiting_for)
    held_counts = plan.counts(subject, kept=True)
    going_kinds = sorted({s.type for s in plan.stored} - plan.kept_kinds)
    kept_categories = sorted(held_counts)
    with uow:
        refuse_if_held(uow, subject)  # placed since the request's first check
        suppressed = suppress_subject(uow, subject, source="erasure", at=now)
        removed = uow.holds.unlink_except(str(subject.id), now)
        deleted = uow.holds.delete_identifiers(str(subject.id), going_kinds)
        uow.holds.add(
            ErasureHold(
                subject_id=str(subject.id), request_id=str(request_id), ground=TAX_GROUND,
                categories=tuple(kept_categories), delete_on=outcome.delete_on,
                waiting_for=waiting, created_at=now,
            )
        )  # fmt: skip
        until = outcome.delete_on.isoformat() if outcome.delete_on else "unknown"
        uow.subjects.set_flag(subject.id, f"erased but for a tax hold until {until}")
        notices.queue(uow, request_id, now)
        record(
            uow, clock, actor, AuditAction.SUBJECT_PARTLY_ERASED, subject_ref=subject.id,
            decision="held",
            details={
                "reason": ErasureReason.ERASURE_REQUEST.value, "request": str(request_id),
                "kept": list(kept_categories), "ground": TAX_GROUND, "until": until,
                "identifiers_deleted": deleted, "suppressed": suppressed,
                **{f"removed_{name}": count for name, count in removed.items()},
            },
        )  # fmt: skip
        uow.commit()
    erased: dict[str, int] = dict(removed)
    erased.update({f"identifiers.{c}": n for c, n in plan.counts(subject, kept=False).items()})
    kept = KeptRecords(
        categories=tuple(kept_categories),
        identifiers=sum(held_counts.values()),
        ground=TAX_GROUND, rule=rule.key, until=outcome.delete_on, waiting_for=waiting,
    )  # fmt: skip
    notes = [] if outcome.delete_on else [f"hold end unknown: waiting for {', '.join(waiting)}"]
    return ErasureResult(
        request_id, subject.id, erased, kept, recipients, suppressed, key_destroyed=False,
        notes=notes,
        not_done=tuple(kept_by_law(register, plan.kept_fields(), plan.held.purposes, rule,
                                   outcome)),
        recipients_told=notices.told, recipients_not_told=notices.untold,
    )  # fmt: skip


def _refuse_unrecorded_date(subject: Subject, last_transaction: date | None) -> None:
    """A held subject is erased once its holds are lifted, its tax hold dated then from the
    dates recorded for it: a last transaction given only with the request would be lost."""
    if last_transaction is not None and last_transaction != subject.last_transaction:
        raise RequestRefused(
            "a litigation hold keeps this subject, which is erased once the hold is lifted, "
            "from the dates recorded for it: record the last transaction with `dataward "
            "subjects relationship` instead of --last-transaction (nothing was erased)"
        )


def _keep_for_holds(
    uow: UnitOfWork,
    clock: Clock,
    register: Register,
    actor: Actor,
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
    now = clock.now()
    today = uk_date(now)
    categories = sorted({identifier_category(s.type, subject) for s in stored})
    ours = subject.tenant_id is None
    held = tax_held_categories(register, subject.kind) if ours else None
    tax_purposes = held.purposes if held is not None else ()
    items = [kept_by_hold(register, h.ground, h.review_on, categories, tax_purposes)
             for h in holds]  # fmt: skip
    with uow:
        if not tuple(uow.litigation_holds.active_for(subject.id)):
            raise WriteConflict("the litigation hold was lifted meanwhile: carry it out again")
        waiting = uow.holds.get(str(subject.id))
        if waiting is not None and waiting.ground == TAX_GROUND:  # partly erased before
            items += _kept_items(uow, register, waiting, subject.id, None, after_holds=True)
        elif held is not None:
            items += _kept_after_holds(register, held, subject, stored, today)
        if ours and waiting is None:
            uow.holds.add(
                ErasureHold(
                    subject_id=str(subject.id), request_id=str(request_id),
                    ground=LITIGATION_GROUND, categories=tuple(categories), delete_on=today,
                    waiting_for=(), created_at=now,
                )
            )  # fmt: skip
            uow.subjects.set_flag(subject.id, "erasure requested: waits for a litigation hold")
        record(
            uow, clock, actor, AuditAction.ERASURE_KEPT_BY_HOLD, subject_ref=subject.id,
            decision="held",
            details={
                "request": str(request_id), "holds": [str(h.id) for h in holds],
                "grounds": sorted({h.ground.value for h in holds}), "kept": list(categories),
            },
        )  # fmt: skip
        uow.commit()
    kept = KeptRecords(
        categories=tuple(categories), identifiers=len(stored), ground=LITIGATION_GROUND,
        rule=", ".join(h.describe() for h in holds), until=None,
    )  # fmt: skip
    return ErasureResult(
        request_id, subject.id, {}, kept, [], 0, key_destroyed=False,
        notes=["kept whole by a litigation hold: nothing erased until it is lifted"],
        not_done=tuple(items),
    )  # fmt: skip


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
        register, held.rule, relationship_end=subject.relationship_end,
        last_transaction=subject.last_transaction,
    )  # fmt: skip
    if outcome.delete_on is not None and outcome.delete_on <= today:
        return []
    plan = _HeldPlan(held, kept_kinds, tuple(stored), subject.last_transaction)
    return kept_by_law(register, plan.kept_fields(), held.purposes, held.rule, outcome,
                       after_holds=True)  # fmt: skip


def _complete(
    uow: UnitOfWork,
    clock: Clock,
    holidays: HolidayCalendar,
    register: Register,
    actor: Actor,
    result: ErasureResult,
) -> None:
    event = RequestEvent.COMPLETE_PARTIALLY if result.partial else RequestEvent.COMPLETE
    advance(
        uow, clock, holidays, register, actor, result.request_id, event,
        reason=result.summary(), outcome=as_outcome(result),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class HeldErasures:
    """What the sweep of erasures a hold delayed did: the subject ids erased now, those due
    but kept by a litigation hold (erased by the first sweep after it is lifted), and those
    whose erasure, its litigation holds lifted, cannot go ahead yet (its tax hold cannot be
    dated, or a restriction keeps the data): for the DCO."""

    finished: list[str]
    kept_by_hold: list[str]
    waiting: list[str] = field(default_factory=list)


def finish_held_erasures(
    uow: UnitOfWork, vault: Vault, clock: Clock, register: Register, actor: Actor
) -> HeldErasures:
    """Shred every subject whose tax hold has ended (on or before today) and no litigation
    hold keeps; carry out every erasure request that litigation holds kept, once none is
    left (erased but for what the tax rule keeps, as the request would have been)."""
    with uow:
        due = list(uow.holds.due(clock.now().date()))
    done: list[str] = []
    kept: list[str] = []
    waiting: list[str] = []
    for hold in due:
        try:
            if hold.ground == LITIGATION_GROUND:
                _erase_after_holds(uow, vault, clock, register, actor, hold)
            else:
                shred(
                    uow, vault, clock, register, actor, hold.subject_id,
                    reason=ErasureReason.NO_LONGER_NEEDED, request_ref=hold.request_id,
                )  # fmt: skip
        except SubjectHeld:
            kept.append(hold.subject_id)
            continue
        except (RequestRefused, ErasureRefused):
            waiting.append(hold.subject_id)
            continue
        done.append(hold.subject_id)
    return HeldErasures(done, kept, waiting)


def _erase_after_holds(
    uow: UnitOfWork, vault: Vault, clock: Clock, register: Register, actor: Actor,
    waiting: ErasureHold,
) -> None:  # fmt: skip
    """Carry out the erasure request litigation holds kept, now that none is left: as
    `fulfil_erasure` would (the tax rule's fields kept until its date, dated from the dates
    recorded for the subject; the recipients told), without touching the closed request."""
    now = clock.now()
    request_id = UUID(str(waiting.request_id))
    with uow:
        subject = uow.subjects.get(waiting.subject_id)
        if subject is None or subject.erased:  # erased by another door: nothing is left
            return
        refuse_if_held(uow, subject)
        _refuse_if_kept_by_restriction(uow, register, actor, subject, now, None)
        stored = list(uow.subjects.identifiers_of(subject.id))
        recipients = recipients_to_tell(uow, register, subject.id)
    held = tax_held_categories(register, subject.kind)
    kept_kinds = {s.type for s in stored if held.keeps(s.type)}
    partly = False
    if kept_kinds and held.rule is not None:
        ends = _dated_hold(register, held.rule.key, subject, subject.last_transaction)
        partly = ends > uk_date(now)
    notices = prepare_notices(
        uow, vault, clock, Gate(register), actor, request_id, subject, recipients,
        NoticeOf(Change.ERASURE, kept=partly),
    )  # fmt: skip
    if partly:
        _erase_all_but_held(
            uow, clock, register, actor, request_id, subject, recipients, notices,
            _HeldPlan(held, frozenset(kept_kinds), tuple(stored), subject.last_transaction),
        )  # fmt: skip
        release_line_keys(uow, vault)
    else:
        _shred_all(uow, vault, clock, register, actor, request_id, subject, recipients, notices)
