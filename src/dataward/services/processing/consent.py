"""Use cases of the consent ledger: give consent, withdraw it, read where it stands.

Each command is checked against the register (a consent-based purpose, one of its channels),
appended to the ledger and committed once. A withdrawal that names no channel covers every
channel of the purpose at once (Art. 7(3): as easy to withdraw as to give). Giving consent for a
subject under the register's minimum age is recorded, as evidence, but the subject is flagged
for the DCO and the gate still refuses consent-based processing (Art. 8; DPA 2018 s.9).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.clock import Clock
from dataward.domain.errors import ConsentRefused, NotFound
from dataward.domain.permissions import require
from dataward.domain.processing.consent import (
    ConsentDraft,
    ConsentEvent,
    ConsentKey,
    ConsentMethod,
    ConsentState,
    consent_given,
    consent_withdrawn,
    current_consents,
)
from dataward.domain.register.model import StaffAction
from dataward.domain.requests.workflow import uk_date
from dataward.domain.subjects import Subject
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.processing.suppression import refusal, subject_suppressed_kinds
from dataward.services.subjects.registry import child_flag


@dataclass(frozen=True, slots=True)
class GiveConsent:
    subject_id: UUID
    purpose: str
    channel: str | None
    method: ConsentMethod
    notice_version: str
    evidence_ref: str | None = None
    at: datetime | None = None
    """When it was given, for imports of past consents; the clock's now when None."""


@dataclass(frozen=True, slots=True)
class WithdrawConsent:
    subject_id: UUID
    purpose: str
    method: ConsentMethod
    notice_version: str
    channel: str | None = None
    """None withdraws every channel of the purpose."""
    evidence_ref: str | None = None


def record_consent(ctx: UseCase, command: GiveConsent) -> ConsentEvent:
    """Append a consent given; `ConsentRefused` when the register does not rely on one."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    now = clock.now()
    at = command.at or now
    if at > now:
        raise ConsentRefused(command.purpose, command.channel, "consent cannot be given later")
    draft = ConsentDraft(
        command.subject_id,
        command.purpose,
        command.channel,
        command.method,
        command.notice_version,
        at,
        command.evidence_ref,
    )
    event = consent_given(register, draft)
    with uow:
        subject = _subject(uow, command.subject_id, command.purpose, command.channel)
        require(register, actor, StaffAction.RECORD_CONSENT, tenant_id=subject.tenant_id)
        if subject.kind not in register.purpose(command.purpose).subject_kinds:
            raise ConsentRefused(
                command.purpose, command.channel, f"a {subject.kind} is not a subject of it"
            )
        if register.purpose(command.purpose).marketing:
            blocked = subject_suppressed_kinds(uow, subject)
            if blocked:  # on the suppression list: never added for marketing again
                raise ConsentRefused(command.purpose, command.channel, refusal(blocked))
        sequence = uow.consents.add(event)
        flag = child_flag(register, subject.birth_date, uk_date(at))
        if flag is not None and subject.dco_flag is None:
            uow.subjects.set_flag(subject.id, flag)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.CONSENT_RECORDED,
                subject_ref=subject.id,
                purpose=event.purpose,
                decision=event.state.value,
                details={
                    "channel": event.channel or "",
                    "method": event.method.value,
                    "notice_version": event.notice_version,
                },
            ),
        )
        uow.commit()
    return _sequenced(event, sequence)


def withdraw_consent(ctx: UseCase, command: WithdrawConsent) -> list[ConsentEvent]:
    """Append the withdrawal, effective now, for one channel or for every channel."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    draft = ConsentDraft(
        command.subject_id,
        command.purpose,
        command.channel,
        command.method,
        command.notice_version,
        clock.now(),
        command.evidence_ref,
    )
    events = consent_withdrawn(register, draft)
    with uow:
        subject = _subject(uow, command.subject_id, command.purpose, command.channel)
        require(register, actor, StaffAction.RECORD_CONSENT, tenant_id=subject.tenant_id)
        stored = [_sequenced(event, uow.consents.add(event)) for event in events]
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.CONSENT_WITHDRAWN,
                subject_ref=subject.id,
                purpose=command.purpose,
                decision="withdrawn",
                details={"channels": [e.channel or "" for e in events]},
            ),
        )
        uow.commit()
    return stored


def consent_state(
    uow: UnitOfWork, clock: Clock, subject_id: UUID, *, at: datetime | None = None
) -> dict[ConsentKey, ConsentState]:
    """Where each of the subject's consents stands now (or at `at`)."""
    with uow:
        events = uow.consents.events_for(subject_id)
    return current_consents(events, as_of=at or clock.now())


def consent_state_for(ctx: UseCase, subject_id: UUID) -> dict[ConsentKey, ConsentState]:
    """The subject's consent state, for a staff member whose role records consents."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    with uow:
        subject = uow.subjects.get(subject_id)
        if subject is None:
            raise NotFound("subject", str(subject_id))
        require(register, actor, StaffAction.RECORD_CONSENT, tenant_id=subject.tenant_id)
        events = uow.consents.events_for(subject_id)
    return current_consents(events, as_of=clock.now())


def consent_history(uow: UnitOfWork, subject_id: UUID) -> list[ConsentEvent]:
    """The subject's ledger, oldest first: the evidence of every consent (Art. 7(1))."""
    with uow:
        return list(uow.consents.events_for(subject_id))


def _subject(uow: UnitOfWork, subject_id: UUID, purpose: str, channel: str | None) -> Subject:
    subject = uow.subjects.get(subject_id)
    if subject is None:
        raise NotFound("subject", str(subject_id))
    if subject.erased:
        raise ConsentRefused(purpose, channel, f"subject {subject_id} was erased")
    return subject


def _sequenced(event: ConsentEvent, sequence: int) -> ConsentEvent:
    return replace(event, sequence=sequence)
