"""Finding a subject, by one identifier or by its id, and what belongs to it.

That someone is a subject at all is personal data: a number that is one tenant's caller, an
address that is a customer's. So every way in answers a miss the same way, with `NoSuchSubject`:
whether nothing matched, the subject is another tenant's or otherwise out of the role's reach,
or the tenant named does not exist.

A lookup by identifier (`look_up`) first checks all that does not depend on who, if anyone, is
found: the purpose is in the register and covers the identifier's category, the actor's role has
need-to-know for both, may handle identifiers in plain text (the caller gives one and learns
whom it belongs to), and reaches the tenant. A refusal there (`AccessDenied`) says nothing about
any subject, because none was looked at. Only then is the blind index consulted, and the gate
decides on the subject found, with its decision recorded; a refusal by the gate is answered as a
miss, since giving its reason would confirm the person is there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn
from uuid import UUID

from dataward.domain.errors import AccessDenied, NoSuchSubject, NotFound
from dataward.domain.identifiers import REGISTER_FIELD, IdentifierType
from dataward.domain.processing.gate import DenialReason, Gate, Question, tenant_in_scope
from dataward.domain.processing.restrictions import Objection, Restriction
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor, Subject
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.processing.disclosure import (
    CONSENT_CHANNEL,
    PROCESSOR_CATEGORY,
    Disclosure,
    ReadIdentifiers,
    read_identifiers,
)
from dataward.services.processing.gate import decide
from dataward.services.subjects.registry import FindSubject, find_subject


@dataclass(frozen=True, slots=True)
class LookUp:
    """Find the subject with this identifier, for this purpose (in this tenant, for a caller)."""

    type: IdentifierType
    value: str = field(repr=False)
    purpose: str
    tenant_id: str | None = None
    """The tenant whose callers to search; None for the organisation's own subjects."""
    region: str | None = None
    """Region to read a national phone number in; default: the tenant's."""


@dataclass(frozen=True, slots=True)
class SubjectRead:
    """A subject as the registry holds it, and the identifiers the gate let through."""

    subject: Subject
    disclosure: Disclosure


def lookup_category(kind: IdentifierType | str, tenant_id: str | None) -> str:
    """The register category of an identifier: call data for a tenant's subjects, else its own."""
    if tenant_id is not None:
        return PROCESSOR_CATEGORY
    return REGISTER_FIELD[IdentifierType(kind)][0]


def check_lookup(register: Register, actor: Actor, command: LookUp) -> None:
    """Raise `AccessDenied` unless `actor` could ever be given an answer; reads nothing stored."""
    category = lookup_category(command.type, command.tenant_id)
    purpose = next((p for p in register.purposes if p.key == command.purpose), None)
    if purpose is None:
        _deny(DenialReason.UNREGISTERED_PURPOSE, command.purpose, category)
    elif category not in purpose.categories:
        _deny(DenialReason.CATEGORY_NOT_IN_PURPOSE, command.purpose, category)
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    if (
        role is None
        or command.purpose not in role.purposes
        or category not in role.categories
        or not role.decrypt_identifiers
    ):
        _deny(DenialReason.ROLE_LACKS_NEED_TO_KNOW, command.purpose, category)
    elif not tenant_in_scope(role.tenant_scope, actor, command.tenant_id):
        _deny(DenialReason.TENANT_MISMATCH, command.purpose, category)


def look_up(ctx: UseCase, gate: Gate, command: LookUp) -> Subject:
    """The subject with the identifier, if `ctx.actor` may know of it for the purpose.

    `AccessDenied` when the checks that need no subject refuse (nothing is looked up);
    `NoSuchSubject` for every miss, and when the gate refuses the subject found (recorded).
    """
    uow, actor = ctx.uow, ctx.actor
    check_lookup(gate.register, actor, command)
    wanted = FindSubject(command.type, command.value, command.tenant_id, command.region)
    try:
        subject = find_subject(uow, ctx.vault, wanted)
    except NotFound:  # the tenant does not exist: no one is its caller
        raise NoSuchSubject from None
    if subject is None:
        raise NoSuchSubject
    with uow:
        question = Question(
            lookup_category(command.type, subject.tenant_id),
            command.purpose,
            ctx.clock.now(),
            channel=_consent_channel(gate.register, command),
            decrypt=True,
        )
        decision = decide(uow, gate, actor, subject.id, question)
        uow.commit()
    if not decision.allowed:
        raise NoSuchSubject
    return subject


def _consent_channel(register: Register, command: LookUp) -> str | None:
    """The marketing channel the identifier serves, when the purpose takes consent by channel:
    an e-mail address is looked up for marketing only with consent to e-mail (as it is read)."""
    channel = CONSENT_CHANNEL.get(IdentifierType(command.type))
    purpose = next((p for p in register.purposes if p.key == command.purpose), None)
    if purpose is None or channel not in purpose.consent_channels:
        return None
    return channel


def subject_summary(uow: UnitOfWork, subject_id: UUID | str) -> Subject:
    """The subject's record (references and status, never identifiers); `NoSuchSubject` if none."""
    with uow:
        subject = uow.subjects.get(subject_id)
    if subject is None:
        raise NoSuchSubject
    return subject


def visible_subject(
    uow: UnitOfWork, register: Register, actor: Actor, subject_id: UUID | str
) -> Subject:
    """The subject, if it exists within the reach of `actor`'s role; else `NoSuchSubject`.

    For the routes that act on a subject by its id: they answer an unknown subject and another
    tenant's alike before any other check can tell them apart.
    """
    subject = subject_summary(uow, subject_id)
    if not within_reach(register, actor, subject.tenant_id):
        raise NoSuchSubject
    return subject


def within_reach(register: Register, actor: Actor, tenant_id: str | None) -> bool:
    """May `actor`'s role know of a subject of `tenant_id` (None: the organisation's own)?"""
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    return role is not None and tenant_in_scope(role.tenant_scope, actor, tenant_id)


def read_subject(
    ctx: UseCase,
    gate: Gate,
    subject_id: UUID | str,
    purpose: str,
    types: list[IdentifierType] | None = None,
) -> SubjectRead:
    """The subject and the identifiers the gate allows for `purpose` (every decision recorded).

    A subject out of the role's reach is reported as `NoSuchSubject`, like one that does not
    exist, whatever the gate's reason; within reach the gate's refusal stands (`AccessDenied`).
    """
    uow, actor = ctx.uow, ctx.actor
    wanted = ReadIdentifiers(subject_id, purpose, ctx.clock.now(), types)
    try:
        disclosed = read_identifiers(uow, ctx.vault, gate, actor, wanted)
    except NotFound:
        raise NoSuchSubject from None
    except AccessDenied:
        subject = subject_summary(uow, subject_id)
        if not within_reach(gate.register, actor, subject.tenant_id):
            raise NoSuchSubject from None
        raise
    return SubjectRead(subject_summary(uow, subject_id), disclosed)


def require_restriction_of(ctx: UseCase, subject_id: UUID, restriction_id: UUID) -> None:
    """`NoSuchSubject` unless the restriction is this subject's, and the subject in reach."""
    uow = ctx.uow
    visible_subject(uow, ctx.register, ctx.actor, subject_id)
    with uow:
        restriction = uow.restrictions.get(restriction_id)
    _require_owned_by(restriction, subject_id)


def require_objection_of(ctx: UseCase, subject_id: UUID, objection_id: UUID) -> None:
    """`NoSuchSubject` unless the objection is this subject's, and the subject in reach."""
    uow = ctx.uow
    visible_subject(uow, ctx.register, ctx.actor, subject_id)
    with uow:
        objection = uow.objections.get(objection_id)
    _require_owned_by(objection, subject_id)


def _require_owned_by(record: Restriction | Objection | None, subject_id: UUID) -> None:
    if record is None or str(record.subject_id) != str(subject_id):
        raise NoSuchSubject


def _deny(reason: DenialReason, purpose: str, category: str) -> NoReturn:
    raise AccessDenied(reason.value, purpose, category)
