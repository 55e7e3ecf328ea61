"""Carrying out an objection request (Art. 21) end to end.

What the person objects to is the request's target: `direct_marketing`, or
`legitimate_interests:<purpose>` (the request's `scope` when it carries one, else the `target`
argument).

- **Direct marketing** is absolute and immediate (21(2)-(3)): the objection is recorded
  (upheld as it is), every marketing consent standing is withdrawn on every channel, the
  person's e-mail addresses and phone numbers go on the marketing suppression list (as after
  an erasure), and the request completes at once.
- **Legitimate interests** (21(1)) waits for the DCO's assessment, recorded through
  `services.processing.objections.decide_objection`: upheld, processing for that purpose stops (the
  gate refuses it) and the request completes; overridden by compelling legitimate grounds, the
  request completes partially, its letter stating what goes on, the interest the register
  states for it, the DCO's reasons and until when the data is kept (`domain.requests.not_done`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.processing.consent import ConsentMethod, ConsentState, current_consents
from dataward.domain.processing.legal_hold import held_until
from dataward.domain.processing.restrictions import Objection, ObjectionKind, ObjectionOutcome
from dataward.domain.register.model import Register
from dataward.domain.requests.not_done import NotDone, objection_overridden
from dataward.domain.requests.workflow import RequestEvent, RequestRefused, RequestType
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.processing.consent import WithdrawConsent, withdraw_consent
from dataward.services.processing.objections import (
    DecideObjection,
    RecordObjection,
    decide_objection,
    record_objection,
)
from dataward.services.processing.suppression import suppress_subject
from dataward.services.rights.fulfilment import as_outcome, working_request
from dataward.services.rights.requests import Step, advance

DIRECT_MARKETING = "direct_marketing"
LEGITIMATE_INTERESTS = "legitimate_interests"


@dataclass(frozen=True, slots=True)
class ObjectionResult:
    request_id: UUID
    objection_id: UUID
    kind: ObjectionKind
    outcome: ObjectionOutcome
    purpose: str | None = None
    withdrawn: list[tuple[str, str | None]] = field(default_factory=list)
    suppressed: int = 0
    not_done: tuple[NotDone, ...] = ()
    """Overridden: what goes on, on which ground, until when (the letter states it)."""

    @property
    def partial(self) -> bool:
        return self.outcome is ObjectionOutcome.COMPELLING_GROUNDS


def parse_target(target: str | None) -> tuple[ObjectionKind, str | None]:
    """(kind, purpose) from `direct_marketing` or `legitimate_interests:<purpose>`."""
    if target == DIRECT_MARKETING:
        return ObjectionKind.DIRECT_MARKETING, None
    if target and target.startswith(f"{LEGITIMATE_INTERESTS}:"):
        purpose = target.split(":", 1)[1].strip()
        if purpose:
            return ObjectionKind.LEGITIMATE_INTERESTS, purpose
    raise RequestRefused(
        "say what the objection is to: direct_marketing, or legitimate_interests:<purpose>"
    )


@dataclass(frozen=True, slots=True)
class CarryOutObjection:
    """What carrying out an objection takes besides the request: the notice in force, what
    the objection is to (default: the request's scope), and for legitimate interests the
    DCO's decision with its reasons."""

    notice_version: str
    target: str | None = None
    outcome: ObjectionOutcome | None = None
    reasoning: str | None = None


def fulfil_objection(
    ctx: UseCase, request_id: UUID | str, asked: CarryOutObjection
) -> ObjectionResult:
    """Carry out the objection the request makes, then complete it (see the module).

    For legitimate interests, `asked.outcome` is the DCO's decision (and `asked.reasoning` the
    reasons for compelling grounds); without it the objection is recorded, pending, and the
    request stays open: call again with the decision. Everything it does (the objection
    recorded and decided, consents withdrawn, the suppression, the request completed) lands in
    one transaction, or nothing does.
    """
    with ctx.uow:
        result = _carry_out(ctx, request_id, asked)
        ctx.uow.commit()
    return result


def _carry_out(ctx: UseCase, request_id: UUID | str, asked: CarryOutObjection) -> ObjectionResult:
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    notice_version, target, outcome = asked.notice_version, asked.target, asked.outcome
    with uow:
        request, subject_id = working_request(ctx, request_id, RequestType.OBJECTION)
        objections = list(uow.objections.for_subject(subject_id))
        events = uow.consents.events_for(subject_id)
        subject = uow.subjects.get(subject_id)
    kind, purpose = parse_target(target or getattr(request, "scope", None))
    mine = next((o for o in objections if o.request_ref == str(request.id)), None)
    if kind is ObjectionKind.DIRECT_MARKETING:
        objection = mine or record_objection(
            ctx, RecordObjection(subject_id, kind, request_ref=str(request.id))
        )
        standing = sorted(
            (
                key
                for key, state in current_consents(events, as_of=clock.now()).items()
                if state is ConsentState.GIVEN and _is_marketing(register, key[0])
            ),
            key=lambda k: (k[0], k[1] or ""),
        )
        for consent_purpose, channel in standing:
            withdraw_consent(
                ctx,
                WithdrawConsent(
                    subject_id=subject_id,
                    purpose=consent_purpose,
                    channel=channel,
                    method=ConsentMethod.STAFF,
                    notice_version=notice_version,
                    evidence_ref=str(request.id),
                ),
            )
        with uow:
            subject = uow.subjects.get(subject_id)  # as it is now, after the withdrawals
            suppressed = 0
            if subject is not None and not subject.erased:
                suppressed = suppress_subject(uow, subject, source="objection", at=clock.now())
            record(
                uow,
                clock,
                actor,
                Audited(
                    AuditAction.MARKETING_SUPPRESSED,
                    subject_ref=subject_id,
                    decision="suppressed",
                    details={"request": str(request.id), "entries": suppressed},
                ),
            )
            uow.commit()
        result = ObjectionResult(
            request.id, objection.id, kind, ObjectionOutcome.UPHELD, None, standing, suppressed
        )
        withdrawn = ", ".join(f"{p}/{c or 'all'}" for p, c in standing) or "none standing"
        _complete(
            ctx,
            result,
            f"objection to direct marketing upheld at once; consents withdrawn: {withdrawn}; "
            f"suppressed on every channel ({suppressed} entries)",
        )
        return result
    objection = mine or record_objection(
        ctx, RecordObjection(subject_id, kind, purpose=purpose, request_ref=str(request.id))
    )
    if outcome is None:
        return ObjectionResult(request.id, objection.id, kind, objection.outcome, purpose)
    if objection.outcome is ObjectionOutcome.PENDING:
        objection = decide_objection(ctx, DecideObjection(objection.id, outcome, asked.reasoning))
    not_done: tuple[NotDone, ...] = ()
    if objection.outcome is ObjectionOutcome.COMPELLING_GROUNDS and purpose is not None:
        not_done = (_overridden(register, purpose, objection.reasoning, subject),)
    result = ObjectionResult(
        request.id, objection.id, kind, objection.outcome, purpose, not_done=not_done
    )
    _complete(ctx, result, _reason(objection))
    return result


def _overridden(
    register: Register, purpose: str, reasoning: str | None, subject: Subject | None
) -> NotDone:
    """The letter's item for an objection that compelling grounds override: the purpose goes
    on, and the data with it until the purpose's retention ends for this person, dated from
    the relationship's end and last transaction recorded for them
    (`services.subjects.relationship`)."""
    rule = register.retention_rule(register.purpose(purpose).retention)
    outcome = held_until(
        register,
        rule,
        relationship_end=subject.relationship_end if subject is not None else None,
        last_transaction=subject.last_transaction if subject is not None else None,
    )
    return objection_overridden(register, register.purpose(purpose), reasoning, outcome)


def _reason(objection: Objection) -> str:
    if objection.outcome is ObjectionOutcome.UPHELD:
        return f"objection to {objection.purpose} upheld: that processing has stopped"
    return (
        f"objection to {objection.purpose} not upheld: compelling legitimate grounds override "
        f"it (Art. 21(1)): {objection.reasoning or 'see the DCO assessment'}"
    )


def _is_marketing(register: Register, purpose: str) -> bool:
    return any(p.key == purpose and p.marketing for p in register.purposes)


def _complete(ctx: UseCase, result: ObjectionResult, reason: str) -> None:
    event = RequestEvent.COMPLETE_PARTIALLY if result.partial else RequestEvent.COMPLETE
    advance(ctx, result.request_id, Step(event, reason=reason[:500], outcome=as_outcome(result)))
