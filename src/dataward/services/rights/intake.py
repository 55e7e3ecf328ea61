"""Receiving a rights request or a complaint: recorded on the day it came, about the subject
it names (or one matched by the requester's address), its contact sealed under a key of its
own, its acknowledgement queued with it; one repeated within the window is flagged.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from uuid import UUID

from dataward.domain.bounds import check_day, check_printable
from dataward.domain.errors import InvalidValue, NotFound
from dataward.domain.identifiers import IdentifierType, normalise
from dataward.domain.permissions import require
from dataward.domain.register.model import LawfulBasis, Register, StaffAction
from dataward.domain.requests.flags import (
    late_acknowledgement,
)
from dataward.domain.requests.scope import check_scope
from dataward.domain.requests.workflow import (
    FORWARD_WITHIN_WORKING_DAYS,
    LETTER_FOR,
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    RightsRequest,
    deadline,
    receive,
    uk_date,
)
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.keys.batches import REQUEST, KeyBatch, enrolling
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.processing.lookup import within_reach
from dataward.services.rights.requests import RequestView, audit_entry
from dataward.services.subjects.registry import CONTROLLER_SCOPE

CHANNELS = ("api", "portal", "email", "post", "phone", "in_person")


@dataclass(frozen=True, slots=True)
class NewRequest:
    type: RequestType
    received: date
    channel: str
    tenant_id: str | None = None
    subject_id: UUID | None = None
    contact_email: str | None = field(default=None, repr=False)
    """Where the letters go; sealed under a key of the request's own, never stored plain."""
    contact_name: str | None = field(default=None, repr=False)
    representative: bool = False
    """Made by someone acting for the subject, who must prove their authority."""
    scope: str | None = None
    """A restriction's ground, or what an objection is against (`domain.requests.scope`)."""


def receive_request(
    ctx: UseCase,
    command: NewRequest,
    *,
    repeat_window_days: int = 90,
    forward_within: int = FORWARD_WITHIN_WORKING_DAYS,
) -> RequestView:
    """Record a request as received on its day (which may be before today: one that came by
    post or phone is recorded when staff enter it). One of the same type from the same
    subject within `repeat_window_days` of an earlier one is flagged for the DCO: it may be
    manifestly excessive (repetitive), which only the DCO can decide."""
    require(ctx.register, ctx.actor, StaffAction.MANAGE_REQUESTS, tenant_id=command.tenant_id)
    return record_request(
        ctx, command, repeat_window_days=repeat_window_days, forward_within=forward_within
    )


def record_request(
    ctx: UseCase,
    command: NewRequest,
    *,
    repeat_window_days: int,
    forward_within: int = FORWARD_WITHIN_WORKING_DAYS,
) -> RequestView:
    """Record the request as `ctx.actor` received it, with its acknowledgement, in one
    transaction (`receive_request` checks the actor may; the public form records its own)."""
    uow, vault, register, actor = ctx.uow, ctx.vault, ctx.register, ctx.actor
    now = ctx.clock.now()
    if not 0 <= forward_within <= 30:
        raise RequestRefused("forward_within: 0 to 30 working days")
    objectable = frozenset(
        p.key
        for p in register.purposes
        if p.lawful_basis in (LawfulBasis.LEGITIMATE_INTERESTS, LawfulBasis.PUBLIC_TASK)
    )
    scope = check_scope(command.type, command.scope, objectable)
    if command.channel not in CHANNELS:
        raise InvalidValue("channel", f"one of {', '.join(CHANNELS)}")
    check_printable("contact_name", command.contact_name)  # it greets them in every letter
    check_day("received", command.received)
    if command.received > uk_date(now):
        raise RequestRefused("received: a request cannot be received in the future")
    complaint = command.type is RequestType.COMPLAINT
    if complaint and (command.tenant_id is not None or actor.tenant_id is not None):
        raise RequestRefused(
            "a complaint is made to us about our own processing: one about a customer's call "
            "data is the customer's, its controller's, to hear"
        )
    request = RightsRequest(
        id=uuid.uuid4(),
        type=command.type,
        state=RequestState.RECEIVED,
        received=command.received,
        channel=command.channel,
        tenant_id=command.tenant_id,
        subject_id=command.subject_id,
        updated_at=now,
        representative=command.representative,
        scope=scope,
        forward_within=forward_within,
        # a complaint with an address is acknowledged by the letter queued with it
        acknowledged=uk_date(now) if complaint and command.contact_email else None,
        by_controller=command.tenant_id is not None and actor.tenant_id == command.tenant_id,
        acknowledge_within=register.contacts.complaints.acknowledge_within_days,
        investigate_within=register.contacts.complaints.investigate_within_days,
    )
    due = deadline(request, ctx.holidays)
    # the request's key is named by a batch: destroyed if the request does not land, settled
    # by the key sweep if the process dies before it does or its commit's outcome is unknown
    with enrolling(vault, REQUEST) as keys, uow:
        if command.contact_email is not None:
            keys.join(uow)  # the key sweep leaves the contact's key alone until this ends
        contact = _sealed_contact(keys, request.id, command)
        about = _about(uow, vault, register, actor, command)
        request = replace(request, subject_id=about)
        command = replace(command, subject_id=about)
        repeat = _repeat_flag(uow, command, repeat_window_days) if repeat_window_days else None
        flag = "\n".join(filter(None, [repeat, late_acknowledgement(request)])) or None
        created = receive(request, at=now, actor=actor.id)
        uow.requests.add(request, due=due, created=created, contact=contact, flag=flag)
        if contact is not None and not request.by_controller:
            uow.requests.queue_letter(request.id, LETTER_FOR[RequestEvent.RECEIVE], now)
        uow.audit.append(audit_entry(request, due, created))
        keys.commit(uow)  # refused if the key sweep claimed the batch meanwhile
    return RequestView(request, due, flag)


def _repeat_flag(uow: UnitOfWork, command: NewRequest, window_days: int) -> str | None:
    if command.subject_id is None:
        return None
    since = command.received - timedelta(days=window_days)
    earlier = [
        r
        for r in uow.requests.for_subject(command.subject_id)
        if r.type is command.type and since <= r.received <= command.received
    ]
    if not earlier:
        return None
    return (
        f"repeats {len(earlier)} {command.type.value} request(s) of the last {window_days} "
        "days: is it manifestly excessive?"
    )


def _about(
    uow: UnitOfWork, vault: Vault, register: Register, actor: Actor, command: NewRequest
) -> UUID | None:
    """The subject the request is about: the one given, if it is of the request's tenant and
    within the actor's reach (else not found, alike for another tenant's and an unknown one);
    or, for a request of ours, one matched by the requester's address."""
    if command.tenant_id is not None and uow.tenants.get(command.tenant_id) is None:
        raise NotFound("tenant", command.tenant_id)
    if command.subject_id is None:
        return _match(uow, vault, command) if command.tenant_id is None else None
    subject = uow.subjects.get(command.subject_id)
    if (
        subject is None
        or subject.tenant_id != command.tenant_id
        or not within_reach(register, actor, subject.tenant_id)
    ):
        raise NotFound("subject", str(command.subject_id))
    return command.subject_id


def _match(uow: UnitOfWork, vault: Vault, command: NewRequest) -> UUID | None:
    """Our own subject with the requester's e-mail address, found through its blind index.

    A match says whom the request is about, not that the requester is that person: nothing
    is done on the subject's data until identity is verified (by a code sent to that very
    address, or by staff with evidence).
    """
    if command.contact_email is None:
        return None
    email = normalise(IdentifierType.EMAIL, command.contact_email).index_form
    index = vault.blind_index(CONTROLLER_SCOPE, IdentifierType.EMAIL.value, email)
    found = uow.subjects.find_by_index(CONTROLLER_SCOPE, IdentifierType.EMAIL.value, index)
    return UUID(found) if found else None


def _sealed_contact(keys: KeyBatch, request_id: UUID, command: NewRequest) -> bytes | None:
    """The requester's contact details sealed under a new key of the request's own: the
    address as typed (its mailbox unchanged), where every letter, code and link will go."""
    if command.contact_email is None:
        return None
    email = normalise(IdentifierType.EMAIL, command.contact_email).value
    document = json.dumps({"email": email, "name": command.contact_name or ""})
    (sealed,) = keys.enrol({str(request_id): [document]})[str(request_id)]
    return sealed
