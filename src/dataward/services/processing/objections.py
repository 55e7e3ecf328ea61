"""Use cases of objection (UK GDPR Art. 21): record one, decide one with reasoning.

An objection to direct marketing is upheld as it is recorded and stops every marketing purpose,
in Akixi and in Mondago alike; it is never decided, because it cannot be overridden (21(3)). An
objection to processing on legitimate interests names its purpose and waits for the DCO, who
upholds it or records the compelling legitimate grounds that override it, with the reasoning.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import NotFound, NotInRegister, ObjectionRefused
from dataward.domain.permissions import require
from dataward.domain.processing.restrictions import Objection, ObjectionKind, ObjectionOutcome
from dataward.domain.register.model import LawfulBasis, Register, StaffAction
from dataward.domain.subjects import check_request_ref
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.permissions import require_on_subject


@dataclass(frozen=True, slots=True)
class RecordObjection:
    subject_id: UUID
    kind: ObjectionKind
    purpose: str | None = None
    """The purpose objected to; none for direct marketing, which covers every marketing purpose."""
    request_ref: str | None = None


@dataclass(frozen=True, slots=True)
class DecideObjection:
    objection_id: UUID
    outcome: ObjectionOutcome
    reasoning: str | None = None


def record_objection(ctx: UseCase, command: RecordObjection) -> Objection:
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    check_request_ref("request_ref", command.request_ref)
    now = clock.now()
    if command.kind is ObjectionKind.DIRECT_MARKETING:
        objection = Objection.to_direct_marketing(
            uuid.uuid4(), command.subject_id, now, command.request_ref
        )
    else:
        purpose = _objectable_purpose(register, command.purpose)
        objection = Objection.to_legitimate_interests(
            uuid.uuid4(), command.subject_id, purpose, now, command.request_ref
        )
    with uow:
        subject = uow.subjects.get(command.subject_id)
        if subject is None:
            raise NotFound("subject", str(command.subject_id))
        require(register, actor, StaffAction.MANAGE_OBJECTIONS, tenant_id=subject.tenant_id)
        if subject.erased:
            raise ObjectionRefused(f"subject {command.subject_id} was erased")
        uow.objections.add(objection)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.OBJECTION_RECORDED,
                subject_ref=subject.id,
                purpose=objection.purpose,
                decision=objection.outcome.value,
                details={"objection": str(objection.id), "kind": objection.kind.value},
            ),
        )
        uow.commit()
    return objection


def decide_objection(ctx: UseCase, command: DecideObjection) -> Objection:
    """Uphold a pending objection, or override it with compelling grounds and their reasoning."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    with uow:
        objection = uow.objections.get(command.objection_id)
        if objection is None:
            raise NotFound("objection", str(command.objection_id))
        require_on_subject(
            uow, register, actor, StaffAction.MANAGE_OBJECTIONS, objection.subject_id
        )
        decided = objection.decide(command.outcome, command.reasoning, clock.now())
        if not uow.objections.record_decision(decided):
            raise ObjectionRefused(f"objection {decided.id} was decided meanwhile")
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.OBJECTION_DECIDED,
                subject_ref=objection.subject_id,
                purpose=decided.purpose,
                decision=decided.outcome.value,
                details={"objection": str(decided.id)},
            ),
        )
        uow.commit()
    return decided


def _objectable_purpose(register: Register, key: str | None) -> str:
    """A purpose open to an Art. 21(1) objection: ours, on legitimate interests, not marketing."""
    if key is None:
        raise ObjectionRefused("an objection on legitimate interests names its purpose")
    try:
        purpose = register.purpose(key)
    except NotInRegister:
        raise ObjectionRefused("purpose: not a purpose of the register") from None
    if purpose.marketing:
        raise ObjectionRefused(
            "the purpose is marketing: record an objection to direct marketing, upheld at once"
        )
    if purpose.lawful_basis is not LawfulBasis.LEGITIMATE_INTERESTS:
        basis = purpose.lawful_basis.value if purpose.lawful_basis else "the controller's"
        raise ObjectionRefused(
            f"the purpose rests on {basis}, not legitimate interests: Art. 21(1) does not apply"
        )
    return key
