"""Recording a basis for marketing without consent, with its evidence: the soft opt-in (PECR
reg 22(3): details obtained in a sale or in negotiations for one, and the chance to refuse
given then), and a corporate subscriber (a contact at a company's own address, outside reg 22).

Only for our own subjects whom the sender's purposes concern, by a role that records consent;
never for a person on the suppression list or who objected to direct marketing, and the soft
opt-in only for a sender the register lets rely on it. Each is audited without identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.bounds import EVIDENCE_CHARS, check_day, check_printable, check_text
from dataward.domain.errors import ConsentRefused, InvalidValue, NotFound, NotInRegister
from dataward.domain.marketing.eligibility import CORPORATE_KIND, ObtainedIn
from dataward.domain.permissions import require
from dataward.domain.processing.restrictions import ObjectionKind
from dataward.domain.register.model import StaffAction
from dataward.domain.requests.workflow import uk_date
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.marketing.ports import CORPORATE_SUBSCRIBER, SOFT_OPT_IN, MarketingBasis
from dataward.services.processing.suppression import refusal, subject_suppressed_kinds


@dataclass(frozen=True, slots=True)
class RecordSoftOptIn:
    subject_id: UUID
    obtained_in: ObtainedIn
    on: date
    evidence_ref: str
    """Where the evidence is kept: the order or quotation, with the refusal offered on it."""
    sender: str = "akixi"


@dataclass(frozen=True, slots=True)
class RecordCorporate:
    subject_id: UUID
    evidence_ref: str
    """What shows the address is the company's (e.g. the customer's account record)."""


def record_soft_opt_in(ctx: UseCase, command: RecordSoftOptIn) -> MarketingBasis:
    register = ctx.register
    check_day("on", command.on)
    if command.on > uk_date(ctx.clock.now()):
        raise InvalidValue("on", "a day that has come")
    try:
        sender = register.marketing_sender(command.sender)
    except NotInRegister:
        raise InvalidValue("sender", "a marketing sender of the register") from None
    purpose = sender.purposes[0]
    if not sender.soft_opt_in:
        raise ConsentRefused(
            purpose, None, f"{sender.name} may not rely on the soft opt-in: it needs consent"
        )
    return _record(ctx, command.subject_id, SOFT_OPT_IN, command)


def record_corporate(ctx: UseCase, command: RecordCorporate) -> MarketingBasis:
    return _record(ctx, command.subject_id, CORPORATE_SUBSCRIBER, command)


def _record(
    ctx: UseCase, subject_id: UUID, kind: str, command: RecordSoftOptIn | RecordCorporate
) -> MarketingBasis:
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    check_text("evidence_ref", command.evidence_ref, EVIDENCE_CHARS)
    check_printable("evidence_ref", command.evidence_ref)
    if not command.evidence_ref.strip():
        raise InvalidValue("evidence_ref", "where the evidence is kept")
    soft = command if isinstance(command, RecordSoftOptIn) else None
    with uow:
        subject = _subject(uow.subjects.get(subject_id), subject_id)
        require(register, actor, StaffAction.RECORD_CONSENT, tenant_id=subject.tenant_id)
        purpose = "direct_marketing"
        if soft is not None:
            purpose = register.marketing_sender(soft.sender).purposes[0]
        if (
            subject.tenant_id is not None
            or subject.kind not in register.purpose(purpose).subject_kinds
        ):
            raise ConsentRefused(purpose, None, f"a {subject.kind} is not marketed to")
        if kind == CORPORATE_SUBSCRIBER and subject.kind != CORPORATE_KIND:
            raise ConsentRefused(purpose, None, "only a customer contact is a corporate subscriber")
        blocked = subject_suppressed_kinds(uow, subject)
        if blocked:
            raise ConsentRefused(purpose, None, refusal(blocked))
        if any(
            o.kind is ObjectionKind.DIRECT_MARKETING for o in uow.objections.for_subject(subject.id)
        ):
            raise ConsentRefused(purpose, None, "the person objected to direct marketing")
        basis = MarketingBasis(
            subject.id,
            kind,
            soft.sender if soft else None,
            soft.obtained_in.value if soft else None,
            soft.on if soft else None,
            command.evidence_ref,
            clock.now(),
            actor.id,
        )
        uow.marketing.add_basis(basis)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.MARKETING_BASIS_RECORDED,
                subject_ref=subject.id,
                purpose=purpose,
                decision=kind,
                details={"sender": basis.sender, "obtained_in": basis.obtained_in},
            ),
        )
        uow.commit()
    return basis


def _subject(found: Subject | None, subject_id: UUID) -> Subject:
    if found is None or found.erased:
        raise NotFound("subject", str(subject_id))
    return found
