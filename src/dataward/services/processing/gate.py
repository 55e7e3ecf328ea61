"""The gate as a use case: gather what it needs to know of a subject, decide, record the decision.

`authorize` is the one door to personal data: it loads the subject's state (status, active
restrictions, objections, current consents, a legal hold keeping its erasure partial, the
changed purposes it has not been told of) from the
unit of work, asks the pure `domain.processing.gate.Gate`, flags a child's record for the DCO, and
records every decision, allowed or not, before it returns. `decide` does the same inside a unit of
work the caller already holds (the disclosure service uses it before it decrypts anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.errors import NotFound
from dataward.domain.processing.consent import current_consents
from dataward.domain.processing.gate import Decision, DenialReason, Gate, Question, SubjectState
from dataward.domain.processing.purpose_notice import NoticeState, notice_state
from dataward.domain.processing.restrictions import active_restrictions
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor, Subject
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork


def load_subject_state(
    uow: UnitOfWork, subject_id: UUID | str, at: datetime, register: Register | None = None
) -> SubjectState:
    """The subject as the gate sees it at `at`; `NotFound` when there is no such subject.

    Call inside the unit of work. An erased subject comes back from its tombstone, with
    nothing else left to know.
    """
    subject = uow.subjects.get(subject_id)
    if subject is None:
        raise NotFound("subject", str(subject_id))
    return load_subject_states(uow, [subject], at, register)[0]


def load_subject_states(
    uow: UnitOfWork, subjects: Sequence[Subject], at: datetime, register: Register | None = None
) -> list[SubjectState]:
    """Each subject as the gate sees it at `at`, in order: what it takes to know them read in
    one query per kind of record (restrictions, objections, consents, holds, notices sent),
    however many subjects there are. The changed purposes waiting for a notice are those of
    `register` (the gate's), and none without one."""
    ids = [str(subject.id) for subject in subjects if not subject.erased]
    restrictions = uow.restrictions.for_subjects(ids) if ids else {}
    objections = uow.objections.for_subjects(ids) if ids else {}
    consents = uow.consents.events_for_many(ids) if ids else {}
    holds = uow.holds.get_many(ids) if ids else {}
    notices = pending_notices(uow, register) if ids else None
    told = uow.purpose_notices.told(ids) if notices is not None else {}
    states: list[SubjectState] = []
    for subject in subjects:
        if subject.erased:
            states.append(SubjectState(subject))
            continue
        key = str(subject.id)
        states.append(
            SubjectState(
                subject,
                tuple(active_restrictions(restrictions.get(key, ()), at)),
                tuple(o for o in objections.get(key, ()) if o.upheld_at(at)),
                current_consents(consents.get(key, ()), as_of=at),
                erasure_hold=holds.get(key),
                unnoticed=(
                    notices.unnoticed(subject.created_at, told.get(key))
                    if notices is not None
                    else frozenset()
                ),
            )
        )
    return states


def pending_notices(uow: UnitOfWork, register: Register | None) -> NoticeState | None:
    """The changed purposes `register` holds for a notice, or None when it holds none."""
    if register is None:
        return None
    changes = uow.purpose_notices.changes_up_to(register.policy.version)
    if not changes:
        return None
    state = notice_state(register, changes, uow.purpose_notices.assessments())
    return state if state.waiting else None


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
    state = load_subject_state(uow, subject_id, question.at, gate.register)
    return _decided(uow, gate, actor, [(state, question)])[0]


def decide_many(
    uow: UnitOfWork, gate: Gate, actor: Actor, asked: Sequence[tuple[Subject, Question]]
) -> list[Decision]:
    """`decide` for many subjects at once (each with its question, all asked at one time):
    their states read together, every decision recorded, in the caller's unit of work."""
    if not asked:
        return []
    at = asked[0][1].at
    if any(question.at != at for _subject, question in asked):
        raise ValueError("the questions of one batch are asked at one time")
    states = load_subject_states(uow, [s for s, _question in asked], at, gate.register)
    return _decided(
        uow, gate, actor, [(state, q) for state, (_s, q) in zip(states, asked, strict=True)]
    )


def _decided(
    uow: UnitOfWork, gate: Gate, actor: Actor, asked: Sequence[tuple[SubjectState, Question]]
) -> list[Decision]:
    """The gate's decision on each state, a subject flagged for the DCO where it says, and
    every decision recorded (one append)."""
    decisions: list[Decision] = []
    drafts: list[AuditDraft] = []
    for state, question in asked:
        decision = gate.authorize(actor, state, question)
        subject = state.subject
        if decision.flag_for_dco is not None and subject.dco_flag is None:
            uow.subjects.set_flag(subject.id, decision.flag_for_dco)
        drafts.append(_audit_draft(actor, subject.id, decision, question.at))
        decisions.append(decision)
    uow.audit.append(*drafts)
    return decisions


def _audit_draft(actor: Actor, subject_id: UUID, decision: Decision, at: datetime) -> AuditDraft:
    """The single place every gate decision's record is written (the caller appends it)."""
    unregistered = decision.reason in (
        DenialReason.UNREGISTERED_PURPOSE,
        DenialReason.CATEGORY_NOT_IN_PURPOSE,
    )
    return AuditDraft(
        at=at,
        actor=actor.id,
        action=AuditAction.GATE_DECISION,
        subject_ref=subject_id,
        # An unregistered purpose is whatever a caller typed: it never enters the log.
        purpose=None if unregistered else decision.purpose,
        decision=decision.reason.value,
        details={"category": None if unregistered else decision.category, "role": actor.role},
    )
