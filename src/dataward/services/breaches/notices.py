"""Telling people and controllers of a breach, through the outreach outbox.

`notify_people` queues a notice to each person found affected in our own data (we are their
controller) once the assessment finds a high risk (Art. 34(1)); the people found in a tenant's
data are its callers, whom the tenant, their controller, decides to tell. `notify_controllers`
queues the processor's notice to each tenant the breach reached, to its controller contact
(Art. 33(2)). Each message is made when it goes: the address read through the gate for the
notice purpose as the DCO's role, the words from the breach's record as it then stands. A
person erased since is withheld. Sending marks the tenant told, or counts the person told.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from email.utils import formataddr
from typing import Final

from dataward.domain.audit import AuditAction
from dataward.domain.breaches.assessment import Outcome
from dataward.domain.breaches.drafts import controller_notice, people_notice
from dataward.domain.breaches.model import (
    Breach,
    BreachChanged,
    BreachEvent,
    BreachRefused,
    BreachUnreadable,
)
from dataward.domain.outreach import (
    Email,
    MessageChannel,
    MessageKind,
    OutboundMessage,
    Withheld,
)
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.purpose_notice import NOTICE_PURPOSE
from dataward.services.audit import Audited, record
from dataward.services.breaches.common import may_manage, open_breach, step
from dataward.services.context import UseCase
from dataward.services.outreach.policy_notice import notice_address

CHUNK: Final = 1000


def notify_people(ctx: UseCase, wanted: uuid.UUID | str) -> int:
    """Queue the notice to each person affected in our own data; how many were queued."""
    may_manage(ctx)
    with ctx.uow as uow:
        breach = open_breach(ctx, wanted)
        if breach.outcome is not Outcome.TELL_PEOPLE:
            raise BreachRefused(
                "the assessment does not find a high risk: the people are not told (Art. 34)"
            )
        if breach.people_queued is not None:
            raise BreachRefused("the people were told already")
        if breach.facts.consequences is None or breach.facts.measures is None:
            raise BreachRefused(
                "record the likely consequences and the measures first: the notice tells the "
                "people both (Art. 34(2))"
            )
        own = [s.scope for s in breach.scopes if s.scope.tenant_id is None]
        if not own:
            raise BreachRefused(
                "count the people affected in our own data first (breaches affected, no tenant)"
            )
        now, seen, batch, queued = ctx.clock.now(), set[uuid.UUID](), list[OutboundMessage](), 0
        for scope in own:
            for subject_id in uow.breach_data.subject_ids(scope):
                if subject_id in seen:
                    continue
                seen.add(subject_id)
                batch.append(_message(ctx, MessageKind.BREACH_NOTICE, subject_id, breach))
                if len(batch) >= CHUNK:
                    uow.messages.queue(batch)
                    queued, batch = queued + len(batch), []
        uow.messages.queue(batch)
        queued += len(batch)
        saved = uow.breaches.save(replace(breach, people_queued=queued, people_queued_at=now))
        step(ctx, saved, BreachEvent.PEOPLE_NOTIFIED, {"queued": queued})
        uow.commit()
    return queued


@dataclass(frozen=True, slots=True)
class ControllersQueued:
    queued: tuple[str, ...]
    """Tenants whose notice was queued now."""
    no_contact: tuple[str, ...]
    """Tenants with no controller contact: tell them another way, then set one."""


def notify_controllers(ctx: UseCase, wanted: uuid.UUID | str) -> ControllersQueued:
    """Queue the processor's notice to each tenant the breach reached and not yet told."""
    may_manage(ctx)
    with ctx.uow as uow:
        breach = open_breach(ctx, wanted)
        now, queued, missing = ctx.clock.now(), list[str](), list[str]()
        messages: list[OutboundMessage] = []
        changed = breach
        if uow.messages.counts(MessageKind.BREACH_CONTROLLER, str(breach.id)).get("queued"):
            raise BreachRefused("its notices to tenants are still waiting: send the outbox")
        for notice in breach.controllers:
            if notice.sent_at is not None:  # one queued but withheld or given up goes again
                continue
            tenant = uow.tenants.get(notice.tenant_id)
            if tenant is None or tenant.controller_contact is None:
                missing.append(notice.tenant_id)
                continue
            contact = tenant.controller_contact
            if contact not in {m.subject_id for m in messages}:
                messages.append(_message(ctx, MessageKind.BREACH_CONTROLLER, contact, breach))
            changed = changed.with_controller(replace(notice, queued_at=now))
            queued.append(notice.tenant_id)
        if not queued and not missing:
            raise BreachRefused("every tenant the breach reached was told already")
        uow.messages.queue(messages)
        if queued:
            saved = uow.breaches.save(changed)
            details = {"queued": len(queued), "no_contact": len(missing)}
            step(ctx, saved, BreachEvent.CONTROLLERS_NOTIFIED, details)
        uow.commit()
    return ControllersQueued(tuple(queued), tuple(missing))


def _message(
    ctx: UseCase, kind: MessageKind, subject_id: uuid.UUID, breach: Breach
) -> OutboundMessage:
    return OutboundMessage(
        uuid.uuid4(),
        kind,
        subject_id,
        MessageChannel.EMAIL,
        str(breach.id),
        ctx.actor.role,
        ctx.clock.now(),
    )


class BreachNoticeMaker:
    """The `MessageMaker` of both kinds: the address through the gate, the words from the
    breach as it now stands."""

    def __init__(self) -> None:
        self._gate: Gate | None = None

    def __call__(self, ctx: UseCase, message: OutboundMessage) -> Email | Withheld:
        dco = ctx.register.contacts.data_compliance_officer
        if dco.email is None:
            return Withheld("no_sender")
        words = _words(ctx, message)
        if isinstance(words, Withheld):
            return words
        if self._gate is None or self._gate.register is not ctx.register:
            self._gate = Gate(ctx.register)  # one gate per register, not one per message
        address = notice_address(ctx, self._gate, message.subject_id)
        if isinstance(address, Withheld):
            return address
        subject, body = words
        return Email(address, formataddr((dco.name, str(dco.email))), subject, body)


def _words(ctx: UseCase, message: OutboundMessage) -> tuple[str, str] | Withheld:
    """The message's subject line and body, from the breach as it now stands."""
    try:
        with ctx.uow as uow:
            breach = uow.breaches.get(uuid.UUID(message.ref))
            tenants = _tenants_of(ctx, breach, message) if breach is not None else []
    except BreachUnreadable:
        return Withheld("breach_unreadable")
    if breach is None:
        return Withheld("breach_gone")
    if message.kind is not MessageKind.BREACH_CONTROLLER:
        return people_notice(breach, ctx.register)
    if not tenants:
        return Withheld("not_a_controller")
    return controller_notice(breach, tenants, ctx.register)


def _tenants_of(ctx: UseCase, breach: Breach, message: OutboundMessage) -> list[str]:
    """The tenants of the breach whose controller contact the message is to."""
    found = []
    for notice in breach.controllers:
        tenant = ctx.uow.tenants.get(notice.tenant_id)
        if tenant is not None and tenant.controller_contact == message.subject_id:
            found.append(tenant.id)
    return found


def record_told(ctx: UseCase, message: OutboundMessage) -> None:
    """The `SentHook` of both kinds, in the transaction that marks the message sent: a tenant
    counts as told now; a person is counted told, and the audit log names them. A change the
    DCO made meanwhile is read again rather than lost: the message went, so it must count."""
    for _ in range(SAVE_TRIES):
        try:
            _record_told(ctx, message)
        except BreachChanged:
            continue
        except BreachUnreadable:  # it went: marked sent; the damaged record is flagged
            return
        return


SAVE_TRIES: Final = 5


def _record_told(ctx: UseCase, message: OutboundMessage) -> None:
    uow, now = ctx.uow, ctx.clock.now()
    breach = uow.breaches.get(uuid.UUID(message.ref))
    if breach is None:
        return
    if message.kind is MessageKind.BREACH_CONTROLLER:
        told = _tenants_of(ctx, breach, message)
        changed = breach
        for notice in breach.controllers:
            if notice.tenant_id in told and notice.sent_at is None:
                changed = changed.with_controller(replace(notice, sent_at=now))
        saved = uow.breaches.save(changed)
        for tenant_id in told:
            step(ctx, saved, BreachEvent.CONTROLLER_TOLD, {"tenant": tenant_id})
        return
    uow.breaches.save(replace(breach, people_sent=breach.people_sent + 1))
    record(
        uow,
        ctx.clock,
        ctx.actor,
        Audited(
            AuditAction.BREACH_PERSON_TOLD,
            subject_ref=message.subject_id,
            purpose=NOTICE_PURPOSE,
            details={"breach": str(breach.id)},
        ),
    )
