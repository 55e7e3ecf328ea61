"""One-click unsubscribe (RFC 8058): the token in a marketing message is the only credential.

`POST /u/{token}` records, in one transaction and at once:
- an objection to direct marketing (Art. 21(2)-(3): absolute; the register promises that it
  stops marketing in Akixi and in Mondago alike);
- the withdrawal of every marketing consent the person gave, for every sender (the objection
  stops them all, so the ledger says so too, Art. 7(3), and a ledger left "given" would wait
  for ever in the consent records' retention);
- the person's e-mail addresses and phone numbers on the suppression list, so no list import
  or consent adds them for marketing again.

Doing it again changes nothing (an objection already upheld is not recorded twice, nothing
given is left to withdraw, the digests are there). Nothing else changes: the service, its
letters and the records we must keep go on (the gate stops only marketing purposes). A token
that is not one of ours (altered, truncated, made up) is refused as not found and recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final

from dataward.domain.audit import AuditAction
from dataward.domain.errors import NotFound
from dataward.domain.marketing.tokens import Unsubscriber, read_token
from dataward.domain.processing.consent import (
    ConsentDraft,
    ConsentMethod,
    ConsentState,
    consent_withdrawn,
    current_consents,
)
from dataward.domain.processing.restrictions import Objection, ObjectionKind
from dataward.domain.subjects import Actor
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.marketing.messages import unsubscribe_key
from dataward.services.processing.suppression import suppress_subject

LINK: Final = Actor(id="unsubscribe-link", role="data_subject")
"""Who acts when a person follows the link in a message: the person, by their token."""


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    sender: str
    """The register name of the sender whose link it was."""
    objected: bool
    """A new objection was recorded (False: one stood already)."""
    withdrawn: int
    suppressed: int


def read_link(ctx: UseCase, token: str) -> Unsubscriber:
    """Who a token names; a bad token is recorded and refused as `NotFound`."""
    who = read_token(unsubscribe_key(ctx), token)
    known = {s.key for s in ctx.register.marketing_senders}
    if who is None or who.sender not in known:
        with ctx.uow:
            record(
                ctx.uow,
                ctx.clock,
                LINK,
                Audited(AuditAction.UNSUBSCRIBE_REFUSED, details={"reason": "bad_token"}),
            )
            ctx.uow.commit()
        raise NotFound("unsubscribe link", "token")
    return who


def sender_name(ctx: UseCase, who: Unsubscriber) -> str:
    return ctx.register.marketing_sender(who.sender).name


def unsubscribe(ctx: UseCase, token: str) -> Unsubscribed:
    """Carry out a one-click unsubscribe (see the module)."""
    who = read_link(ctx, token)
    uow, clock, register = ctx.uow, ctx.clock, ctx.register
    sender = register.marketing_sender(who.sender)
    now = clock.now()
    with uow:
        subject = uow.subjects.get(who.subject_id)
        if subject is None or subject.erased:  # nothing of them is left to market to
            uow.commit()
            return Unsubscribed(sender.name, objected=False, withdrawn=0, suppressed=0)
        standing = [
            o
            for o in uow.objections.for_subject(subject.id)
            if o.kind is ObjectionKind.DIRECT_MARKETING and o.upheld_at(now)
        ]
        if not standing:
            uow.objections.add(Objection.to_direct_marketing(uuid.uuid4(), subject.id, now))
        given = current_consents(uow.consents.events_for(subject.id), as_of=now)
        marketing = {p.key for p in register.purposes if p.marketing}
        withdrawn = 0
        for (purpose, channel), state in sorted(
            given.items(), key=lambda i: (i[0][0], i[0][1] or "")
        ):
            if state is not ConsentState.GIVEN or purpose not in marketing:
                continue
            draft = ConsentDraft(
                subject.id,
                purpose,
                channel,
                ConsentMethod.EMAIL_LINK,
                register.policy.version,
                now,
                f"unsubscribe:{sender.key}",
            )
            for event in consent_withdrawn(register, draft):
                uow.consents.add(event)
                withdrawn += 1
        suppressed = suppress_subject(uow, subject, source="objection", at=now)
        record(
            uow,
            clock,
            LINK,
            Audited(
                AuditAction.MARKETING_UNSUBSCRIBED,
                subject_ref=subject.id,
                decision="objection_upheld",
                details={"sender": sender.key, "withdrawn": withdrawn, "new": not standing},
            ),
        )
        uow.commit()
    return Unsubscribed(sender.name, not standing, withdrawn, suppressed)
