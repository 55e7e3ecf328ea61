"""A subject's page for staff: what stands against it, each part for the role that keeps it.

References, states and dates only, never an identifier (those come out only through the gate,
for a purpose: `services.processing.lookup.read_subject`). The subject must be in the role's
reach (`visible_subject`: another tenant's is the same `NoSuchSubject` as none), and the role
needs `register_subjects` within the subject's tenant. Each part is read only for a role with
its own action: consents (`record_consent`), restrictions, objections, litigation holds,
rights requests and the disclosure log (`read_audit_log`, whose read is audited as the
log's own use case audits it); a part the role lacks is None, not empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import ActionNotAllowed
from dataward.domain.permissions import require
from dataward.domain.processing.consent import ConsentKey, ConsentState, current_consents
from dataward.domain.processing.litigation_holds import LitigationHold
from dataward.domain.processing.restrictions import Objection, Restriction
from dataward.domain.register.model import StaffAction
from dataward.domain.requests.workflow import RightsRequest
from dataward.domain.sharing.records import Disclosure
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.processing.lookup import visible_subject
from dataward.services.sharing.records import LogQuery, share_log

DISCLOSURES_SHOWN = 200


@dataclass(frozen=True, slots=True)
class SubjectOverview:
    subject: Subject
    consents: dict[ConsentKey, ConsentState] | None
    restrictions: list[Restriction] | None
    objections: list[Objection] | None
    holds: list[LitigationHold] | None
    requests: list[RightsRequest] | None
    disclosures: list[Disclosure] | None


def subject_overview(ctx: UseCase, subject_id: UUID | str, purpose: str) -> SubjectOverview:
    """The subject and the parts of its record the actor's role may see (see the module), for
    `purpose`, one of the role's: the reading is recorded, with the purpose, in its own
    transaction, before anything is returned."""
    uow, register, actor = ctx.uow, ctx.register, ctx.actor
    subject = visible_subject(uow, register, actor, subject_id)
    require(register, actor, StaffAction.REGISTER_SUBJECTS, tenant_id=subject.tenant_id)
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    if role is None or purpose not in role.purposes:
        raise ActionNotAllowed("read_subject", "the purpose is not one of the role's")
    actions = frozenset(role.actions)
    key = str(subject.id)
    with uow:
        record(
            uow,
            ctx.clock,
            actor,
            Audited(
                AuditAction.SUBJECT_READ,
                subject_ref=subject.id,
                purpose=purpose,
                details={"read": "overview"},
            ),
        )
        uow.commit()
    with uow:
        consents = (
            current_consents(uow.consents.events_for(key), as_of=ctx.clock.now())
            if StaffAction.RECORD_CONSENT in actions
            else None
        )
        restrictions = (
            list(uow.restrictions.for_subject(key))
            if StaffAction.MANAGE_RESTRICTIONS in actions
            else None
        )
        objections = (
            list(uow.objections.for_subject(key))
            if StaffAction.MANAGE_OBJECTIONS in actions
            else None
        )
        holds = (
            list(uow.litigation_holds.active_for(key))
            if StaffAction.MANAGE_HOLDS in actions
            else None
        )
        requests = (
            [
                r
                for r in uow.requests.for_subject(key)
                if actor.tenant_id is None or r.tenant_id == actor.tenant_id
            ]
            if StaffAction.MANAGE_REQUESTS in actions
            else None
        )
    disclosures = None
    if StaffAction.READ_AUDIT_LOG in actions:
        disclosures = share_log(ctx, LogQuery(subject_id=subject.id, limit=DISCLOSURES_SHOWN))
    return SubjectOverview(
        subject, consents, restrictions, objections, holds, requests, disclosures
    )
