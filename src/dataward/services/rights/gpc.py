"""Global Privacy Control from a requester who has just proved, by the one-time code sent to
their address, that the request is theirs (`verification.check_code`): the signal their
browser sent is recorded as their refusal of any sharing of their data with another company
for its own marketing.

Only then: the request form takes anyone's word for an address, and a refusal recorded on it
would speak for whoever owns that address. Once the code is right, the request's subject (our
own subject matched by the address) is the person at the browser, and for every purpose that
shares data for another company's marketing (`third_party_marketing`) that applies to them,
a withdrawal is appended to the consent ledger (`GPC_EVIDENCE`; withdrawing what was never
given is recorded all the same, as evidence) and audited with the signal named, unless one
already stands. The gate, which refuses a purpose on consent without a consent given, then
refuses every export for it.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.processing.consent import (
    ConsentDraft,
    ConsentMethod,
    ConsentState,
    consent_withdrawn,
    current_consents,
)
from dataward.domain.register.model import Register
from dataward.domain.register.terms import RecipientKind
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.rights.verification import REQUESTER

GPC_EVIDENCE: Final = "verified-request:gpc"


def third_party_marketing(register: Register) -> set[str]:
    """The purposes that share a person's data for another company's own marketing: those a
    third-party sender sends for, and marketing purposes disclosed to a marketing partner."""
    senders = {key for s in register.marketing_senders if s.third_party for key in s.purposes}
    partners = {
        p.key
        for p in register.purposes
        if p.marketing
        and any(register.recipient(r).kind is RecipientKind.MARKETING_PARTNER for r in p.recipients)
    }
    return senders | partners


def refuse_third_party_marketing(ctx: UseCase, request_id: UUID | str) -> int:
    """Record the verified requester's Global Privacy Control as a withdrawal of every
    third-party marketing purpose of theirs not already withdrawn; how many were recorded (none
    when the request names no subject, or its identity is not verified). The requester acts
    (`REQUESTER`)."""
    uow, clock, register = ctx.uow, ctx.clock, ctx.register
    now = clock.now()
    recorded = 0
    with uow:
        found = uow.requests.get(str(request_id))
        request = found[0] if found is not None else None
        if request is None or request.subject_id is None or request.identity_received is None:
            return 0
        subject = uow.subjects.get(str(request.subject_id))
        if subject is None or subject.erased:
            return 0
        states = current_consents(uow.consents.events_for(subject.id), as_of=now)
        wanted = [
            (key, channel)
            for key in sorted(third_party_marketing(register))
            if subject.kind in register.purpose(key).subject_kinds
            for channel in register.purpose(key).consent_channels
            if states.get((key, channel)) is not ConsentState.WITHDRAWN
        ]
        for key, channel in wanted:
            draft = ConsentDraft(
                subject.id,
                key,
                channel,
                ConsentMethod.PORTAL,
                register.policy.version,
                now,
                GPC_EVIDENCE,
            )
            for event in consent_withdrawn(register, draft):
                uow.consents.add(event)
            record(
                uow,
                clock,
                REQUESTER,
                Audited(
                    AuditAction.CONSENT_WITHDRAWN,
                    subject_ref=subject.id,
                    purpose=key,
                    decision="withdrawn",
                    details={"channel": channel, "method": "portal", "signal": "gpc"},
                ),
            )
            recorded += 1
        uow.commit()
    return recorded
