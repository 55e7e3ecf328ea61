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
`erasure_holds.finish_held_erasures` shreds each subject whose hold has ended and no litigation
hold keeps; run it with the key sweep.

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
from datetime import date
from uuid import UUID

from dataward.domain.permissions import require
from dataward.domain.processing.legal_hold import (
    tax_held_categories,
)
from dataward.domain.register.model import StaffAction
from dataward.domain.requests.workflow import RequestEvent, RequestType, uk_date
from dataward.services.context import UseCase
from dataward.services.processing.disclosure import identifier_category
from dataward.services.processing.erasure import (
    _refuse_if_kept_by_restriction,
)
from dataward.services.quarantine.keys import release_line_keys
from dataward.services.register.recipients import recipients_to_tell
from dataward.services.rights.erasure_holds import keep_for_holds, refuse_unrecorded_date
from dataward.services.rights.erasure_steps import (
    ERASING,
    LAST_TRANSACTION,
    Erasing,
    ErasureResult,
    HeldPlan,
    KeptRecords,
    dated_hold,
    erase_all_but_held,
    kept_items,
    shred_all,
)
from dataward.services.rights.fulfilment import as_outcome, working_request
from dataward.services.rights.recipient_notices import Change, NoticeOf, prepare_notices
from dataward.services.rights.requests import Step, advance, visible_request


def fulfil_erasure(
    ctx: UseCase, request_id: UUID | str, *, last_transaction: date | None = None
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

    An erasure is not one transaction: the notices read the subject through the gate, each
    decision committed first; the erasure is noted on the request before it begins, and the
    subject and its keys go before the request is completed, so a completion that fails is
    finished by carrying the request out again. A subject kept by a litigation hold is
    answered in one transaction.
    """
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    now = clock.now()
    with uow:
        interrupted = _interrupted(ctx, request_id)
    if interrupted is not None:  # erased already, but the request was not completed then
        _complete(ctx, interrupted)
        return interrupted
    with uow:
        request, subject_id = working_request(ctx, request_id, RequestType.ERASURE)
        subject = uow.subjects.get(subject_id)
        if subject is None or subject.erased:
            subject = None
        else:
            require(register, actor, StaffAction.ERASE_SUBJECTS, tenant_id=subject.tenant_id)
            holds = tuple(uow.litigation_holds.active_for(subject.id))
            _refuse_if_kept_by_restriction(uow, subject, now, None)
            if holds:
                refuse_unrecorded_date(subject, last_transaction)
            last_transaction = last_transaction or subject.last_transaction
            stored = list(uow.subjects.identifiers_of(subject.id))
            recipients = recipients_to_tell(uow, register, subject.id)
    if subject is None:  # erased meanwhile (by another door): nothing is left to erase
        result = ErasureResult(
            request.id, subject_id, {}, None, [], 0, key_destroyed=False, notes=["already erased"]
        )
        _complete(ctx, result)
        return result
    if holds:  # kept whole until every hold is lifted: said item by item, nothing erased
        with uow:  # the waiting erasure and the answer land together, or neither does
            result = keep_for_holds(ctx, request.id, subject, holds, stored)
            _complete(ctx, result)
            uow.commit()
        return result
    held = tax_held_categories(register, subject.kind) if subject.tenant_id is None else None
    by_category = Counter(identifier_category(s.type, subject) for s in stored)
    kept_kinds = {s.type for s in stored if held is not None and held.keeps(s.type)}
    partly = False
    if kept_kinds and held is not None and held.rule is not None:
        ends = dated_hold(register, held.rule.key, subject, last_transaction)
        partly = ends > uk_date(now)  # a hold already over keeps nothing: all goes now
    notices = prepare_notices(
        ctx,
        request.id,
        subject,
        recipients,
        NoticeOf(Change.ERASURE, kept=partly),
    )
    with uow:  # noted first: a retry after the erasure finds what it was doing
        uow.requests.set_outcome(
            request.id,
            {
                ERASING: str(subject.id),
                "recipients": list(recipients),
                LAST_TRANSACTION: last_transaction.isoformat() if last_transaction else None,
                **notices.outcome(),
            },
        )
        uow.commit()
    erasing = Erasing(request.id, subject, recipients, notices)
    if not partly or held is None:
        result = shred_all(ctx, erasing)
        result.erased.update({f"identifiers.{c}": n for c, n in by_category.items()})
    else:
        plan = HeldPlan(held, frozenset(kept_kinds), tuple(stored), last_transaction)
        result = erase_all_but_held(ctx, erasing, plan)
        release_line_keys(uow, vault)  # the quarantined lines it emptied
    _complete(ctx, result)
    return result


def _interrupted(ctx: UseCase, request_id: UUID | str) -> ErasureResult | None:
    """The result of an erasure that went through while its request was left open (the
    completion failed after the shred, which unlinked the request from the subject). Call
    inside the unit of work."""
    uow, register = ctx.uow, ctx.register
    request = visible_request(uow, register, ctx.actor, request_id)[0]
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
            request.id,
            subject_id,
            {},
            None,
            recipients,
            0,
            key_destroyed=True,
            notes=notes,
            recipients_told=told,
            recipients_not_told=untold,
        )
    hold = uow.holds.get(str(subject_id))
    if hold is None or hold.request_id != str(request.id):
        return None
    kept = KeptRecords(
        categories=hold.categories,
        identifiers=0,
        ground=hold.ground,
        rule="",
        until=hold.delete_on,
        waiting_for=hold.waiting_for,
    )
    noted_last = noted.get(LAST_TRANSACTION)
    last = date.fromisoformat(str(noted_last)) if noted_last else None
    return ErasureResult(
        request.id,
        subject_id,
        {},
        kept,
        recipients,
        0,
        key_destroyed=False,
        notes=notes,
        not_done=kept_items(uow, register, hold, last),
        recipients_told=told,
        recipients_not_told=untold,
    )


def _complete(ctx: UseCase, result: ErasureResult) -> None:
    event = RequestEvent.COMPLETE_PARTIALLY if result.partial else RequestEvent.COMPLETE
    advance(
        ctx, result.request_id, Step(event, reason=result.summary(), outcome=as_outcome(result))
    )
