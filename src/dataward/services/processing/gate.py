"""The gate as a use case: gather what it needs to know of a subject, decide, record the decision.

`authorize` is the one door to personal data: it loads the subject's state (status, active
restrictions, objections, current consents, a legal hold keeping its erasure partial) from the
unit of work, asks the pure `domain.processing.gate.Gate`, flags a child's record for the DCO, and
records every decision, allowed or not, before it returns. `decide` does the same inside a unit of
work the caller already holds (the disclosure service uses it before it decrypts anything).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.errors import NotFound
from dataward.domain.processing.consent import current_consents
from dataward.domain.processing.gate import Decision, DenialReason, Gate, Question, SubjectState
from dataward.domain.processing.restrictions import active_restrictions
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork


def load_subject_state(uow: UnitOfWork, subject_id: UUID | str, at: datetime) -> SubjectState:
    """The subject as the gate sees it at `at`; `NotFound` when there is no such subject.

    Call inside the unit of work. An erased subject comes back from its tombstone, with
    nothing else left to know.
    """
    subject = uow.subjects.get(subject_id)
    if subject is None:
        raise NotFound("subject", str(subject_id))
    if subject.erased:
        return SubjectState(subject)
    restrictions = tuple(active_restrictions(uow.restrictions.for_subject(subject.id), at))
    objections = tuple(o for o in uow.objections.for_subject(subject.id) if o.upheld_at(at))
    consents = current_consents(uow.consents.events_for(subject.id), as_of=at)
    hold = uow.holds.get(str(subject.id))
    return SubjectState(subject, restrictions, objections, consents, erasure_hold=hold)


@dataclass(frozen=True, slots=True)
class Authorize:
    """May the actor use `category` of this subject for `purpose` now? (See `Question`.)"""

    subject_id: UUID | str
    category: str
    purpose: str
    channel: str | None = None
    decrypt: bool = False


def authorize(ctx: UseCase, gate: Gate, command: Authorize) -> Decision:
    """May `ctx.actor` use the command's category of its subject for its purpose now?
    Recorded either way."""
    uow = ctx.uow
    with uow:
        question = Question(
            command.category,
            command.purpose,
            ctx.clock.now(),
            channel=command.channel,
            decrypt=command.decrypt,
        )
        decision = decide(uow, gate, ctx.actor, command.subject_id, question)
        uow.commit()
    return decision


def decide(
    uow: UnitOfWork, gate: Gate, actor: Actor, subject_id: UUID | str, question: Question
) -> Decision:
    """`authorize` inside the caller's unit of work, as of `question.at`: the caller commits."""
    at = question.at
    state = load_subject_state(uow, subject_id, at)
    decision = gate.authorize(actor, state, question)
    subject = state.subject
    if decision.flag_for_dco is not None and subject.dco_flag is None:
        uow.subjects.set_flag(subject.id, decision.flag_for_dco)
    _audit(uow, actor, subject.id, decision, at)
    return decision


def _audit(
    uow: UnitOfWork, actor: Actor, subject_id: UUID, decision: Decision, at: datetime
) -> None:
    """The single place every gate decision is recorded, in the caller's transaction."""
    unregistered = decision.reason in (
        DenialReason.UNREGISTERED_PURPOSE,
        DenialReason.CATEGORY_NOT_IN_PURPOSE,
    )
    uow.audit.append(
        AuditDraft(
            at=at,
            actor=actor.id,
            action=AuditAction.GATE_DECISION,
            subject_ref=subject_id,
            # An unregistered purpose is whatever a caller typed: it never enters the log.
            purpose=None if unregistered else decision.purpose,
            decision=decision.reason.value,
            details={"category": None if unregistered else decision.category, "role": actor.role},
        )
    )
