"""The notice of a changed register, made as it goes, and what its sending records.

`PolicyNoticeMaker` makes a queued POLICY_NOTICE: what changed for this person (the purposes
added or changed, up to the message's version, that concern their kind and that they have not
been told of, whether at collection or by an earlier notice), read when it goes, so a notice
of two versions tells both; the address read through the gate for the notice purpose (our
legal obligation to inform, Art. 13(3)), as the role it was queued under; and its words from
the renderer bound at start-up. A person with nothing left to be told, no e-mail address, or
erased, is withheld with that word. `record_told` is its hook: in the transaction that marks
the message sent, the person counts as told, and the audit log says so (subject, version).
"""

from __future__ import annotations

from email.utils import formataddr
from uuid import UUID

from dataward.domain.audit import AuditAction
from dataward.domain.errors import AccessDenied, NotFound
from dataward.domain.identifiers import IdentifierType
from dataward.domain.outreach import Email, OutboundMessage, Withheld
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.purpose_notice import NOTICE_PURPOSE, latest_changes
from dataward.domain.register.model import Register
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.outreach.ports import NoticeItem, NoticeRenderer, PolicyNoticeFacts
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers


class PolicyNoticeMaker:
    """The `MessageMaker` of POLICY_NOTICE messages."""

    def __init__(self, render: NoticeRenderer) -> None:
        self._render = render
        self._gate: Gate | None = None

    def _gate_for(self, register: Register) -> Gate:
        if self._gate is None or self._gate.register is not register:
            self._gate = Gate(register)
        return self._gate

    def __call__(self, ctx: UseCase, message: OutboundMessage) -> Email | Withheld:
        items = _untold(ctx, message)
        if isinstance(items, Withheld):
            return items
        address = notice_address(ctx, self._gate_for(ctx.register), message.subject_id)
        if isinstance(address, Withheld):
            return address
        subject, body = self._render(PolicyNoticeFacts(ctx.register, message.ref, items))
        dco = ctx.register.contacts.data_compliance_officer
        return Email(address, formataddr((dco.name, str(dco.email))), subject, body)


def notice_address(ctx: UseCase, gate: Gate, subject_id: UUID) -> str | Withheld:
    """The subject's e-mail address, read through `gate` for the notice purpose (our legal
    obligation to inform) now, as `ctx.actor`; or why it is withheld."""
    read = ReadIdentifiers(
        subject_id, NOTICE_PURPOSE, ctx.clock.now(), types=[IdentifierType.EMAIL]
    )
    try:
        disclosed = read_identifiers(ctx.uow, ctx.vault, gate, ctx.actor, read)
    except AccessDenied as denied:
        return Withheld(denied.reason)
    except NotFound:
        return Withheld("subject_erased")
    address = next((i.value for i in disclosed.identifiers), None)
    return Withheld("no_address") if address is None else address


def _untold(ctx: UseCase, message: OutboundMessage) -> tuple[NoticeItem, ...] | Withheld:
    """The changes up to the message's version this person has not been told of."""
    register, uow = ctx.register, ctx.uow
    with uow:
        subject = uow.subjects.get(message.subject_id)
        if subject is None or subject.erased:
            return Withheld("subject_erased")
        notices = uow.purpose_notices
        told = notices.told([str(subject.id)]).get(str(subject.id))
        latest = latest_changes(notices.changes_up_to(message.ref), register)
        items: list[NoticeItem] = []
        for change in sorted(latest.values(), key=lambda c: (c.register_id, c.purpose)):
            purpose = register.purpose(change.purpose)
            if (
                subject.kind not in purpose.subject_kinds
                or subject.created_at >= change.loaded_at
                or (told is not None and told >= change.register_id)
            ):
                continue
            recorded = next(
                (c for c in notices.changes_of(change.register_id) if c.purpose == purpose.key),
                None,
            )
            items.append(
                NoticeItem(
                    purpose.key,
                    purpose.activity,
                    recorded.added if recorded else False,
                    recorded.what if recorded else (),
                )
            )
    return tuple(items) if items else Withheld("nothing_to_tell")


def record_told(ctx: UseCase, message: OutboundMessage) -> None:
    """The `SentHook` of POLICY_NOTICE: the person counts as told of the message's version
    from now (inside the transaction that marks it sent)."""
    ctx.uow.purpose_notices.sent(str(message.id), ctx.clock.now())
    record(
        ctx.uow,
        ctx.clock,
        ctx.actor,
        Audited(
            AuditAction.POLICY_NOTICE_SENT,
            subject_ref=message.subject_id,
            purpose=NOTICE_PURPOSE,
            details={"version": message.ref},
        ),
    )
