"""Art. 19: telling each recipient of a person's data that it was rectified, erased or restricted.

The recipients are those the outcome lists (`services.register.recipients`: who may have received
the data). Each one with a contact in the register is sent a notice through the outbox, queued in
the same transaction as the change it reports (the caller passes `Notices.letters` to it); one
without is listed as not told, for the DCO. The person is told who was told, in the completion
letter and in the access package.

A notice carries no more of the person than the recipient needs to find them in what we gave
it: one identifier of a kind the recipient receives (the register's scopes say which fields it
gets), read through the gate before the change (after an erasure nothing is left to read); for
a rectification, the corrected values of the kinds it receives; never the person's other
identifiers, the requester's contact, the reasons or the other recipients. Where the gate
refuses the read, or the recipient receives no identifier of theirs, the notice names only
our reference. The notice is sealed under the request's own key until it is sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from dataward.domain.errors import AccessDenied
from dataward.domain.identifiers import REGISTER_FIELD, IdentifierType
from dataward.domain.processing.gate import Gate
from dataward.domain.processing.legal_hold import IDENTIFIER_FIELDS
from dataward.domain.register.model import Recipient, Register
from dataward.domain.subjects import Subject
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.processing.disclosure import (
    PROCESSOR_CATEGORY,
    ReadIdentifiers,
    read_identifiers,
)

RECIPIENT_LETTER = "recipient_notice"
CONTROLLER_PURPOSE = "rights_and_complaints"
PROCESSOR_PURPOSE = "telephony_reporting"
PREFERRED = (
    IdentifierType.EMAIL,
    IdentifierType.PHONE,
    IdentifierType.ACCOUNT_ID,
    IdentifierType.USERNAME,
    IdentifierType.AGENT_ID,
    IdentifierType.NAME,
    IdentifierType.POSTAL_ADDRESS,
)
"""Which identifier a notice finds the person by, when the recipient receives several: one
that singles a person out before one that does not."""


class Change(StrEnum):
    ERASURE = "erasure"
    RECTIFICATION = "rectification"
    RESTRICTION = "restriction"


@dataclass(frozen=True, slots=True)
class Notices:
    """The notices to queue with a change, and whom they reach."""

    letters: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)
    """(letter kind, sealed payload) for each recipient told."""
    told: tuple[str, ...] = ()
    untold: tuple[str, ...] = ()
    """Recipients the register gives no contact for: the DCO must tell them another way."""

    def queue(self, uow: UnitOfWork, request_id: UUID | str, at: datetime) -> None:
        """Queue every notice (call inside the unit of work of the change)."""
        for letter, payload in self.letters:
            uow.requests.queue_letter(request_id, letter, at, payload)

    def outcome(self) -> dict[str, list[str]]:
        return {"recipients_told": list(self.told), "recipients_not_told": list(self.untold)}


@dataclass(frozen=True, slots=True)
class NoticeOf:
    """What a notice reports: the change, and for a rectification the corrected values and
    whether a statement was added."""

    change: Change
    corrected: Mapping[IdentifierType, str] = field(default_factory=dict, repr=False)
    statement: bool = False
    kept: bool = False
    """An erasure that keeps what the law requires (the notice says so, not what)."""


def prepare_notices(
    ctx: UseCase, request_id: UUID, subject: Subject, recipients: Sequence[str], what: NoticeOf
) -> Notices:
    """Seal a notice for each of `recipients` with a contact (call before the change); the
    identifiers it names are read through the gate of `ctx.register`, by `ctx.actor`."""
    uow, vault, register = ctx.uow, ctx.vault, ctx.register
    known = {r.key: r for r in register.recipients}
    told = [known[k] for k in recipients if k in known and known[k].contact is not None]
    untold = tuple(k for k in recipients if k not in known or known[k].contact is None)
    if not told:
        return Notices(untold=untold)
    with uow:
        stored = {IdentifierType(s.type) for s in uow.subjects.identifiers_of(subject.id)}
    finders = {r.key: identifying_kind(register, r, subject, stored) for r in told}
    values = _read(ctx, subject, {k for k in finders.values() if k})
    if not vault.has_key(str(request_id)):  # a request taken by phone has no key of its own
        vault.create_keys([str(request_id)])
    letters = []
    for recipient in told:
        kind = finders[recipient.key]
        found = values.get(kind) if kind is not None else None
        document: dict[str, Any] = {
            "to": recipient.contact,
            "recipient": recipient.name,
            "change": what.change.value,
            "identifier": {"type": kind.value, "value": found} if kind and found else None,
            "corrected": [
                {"type": k.value, "value": v}
                for k, v in sorted(what.corrected.items())
                if _receives(register, recipient, subject, k)
            ],
            "statement": what.statement,
            "kept": what.kept,
        }
        sealed = vault.seal(str(request_id), json.dumps(document, sort_keys=True))
        letters.append((RECIPIENT_LETTER, sealed))
    return Notices(tuple(letters), tuple(r.key for r in told), untold)


def received_fields(register: Register, recipient: Recipient) -> frozenset[str]:
    """The fields ("category.field") the recipient may receive: its scopes' fields, or, with
    no scopes, every field of the categories of the purposes that disclose to it."""
    if recipient.scopes:
        return frozenset(ref for scope in recipient.scopes for ref in scope.fields)
    categories = {
        c for p in register.purposes if recipient.key in p.recipients for c in p.categories
    }
    return frozenset(
        f"{c.key}.{f.key}" for c in register.categories if c.key in categories for f in c.fields
    )


def _fields_of(kind: IdentifierType, subject: Subject) -> frozenset[str]:
    """The register fields an identifier of `kind` is, for this subject: a caller's number is
    the calling number of the tenant's call data; our own subjects' per `IDENTIFIER_FIELDS`."""
    if subject.tenant_id is not None:
        name = "calling_number" if kind is IdentifierType.PHONE else REGISTER_FIELD[kind][1]
        return frozenset({f"{PROCESSOR_CATEGORY}.{name}"})
    return IDENTIFIER_FIELDS[kind]


def _receives(
    register: Register, recipient: Recipient, subject: Subject, kind: IdentifierType
) -> bool:
    return not _fields_of(kind, subject).isdisjoint(received_fields(register, recipient))


def identifying_kind(
    register: Register, recipient: Recipient, subject: Subject, stored: set[IdentifierType]
) -> IdentifierType | None:
    """The one kind of identifier the recipient finds the person by, if it receives any."""
    return next(
        (k for k in PREFERRED if k in stored and _receives(register, recipient, subject, k)),
        None,
    )


def _read(ctx: UseCase, subject: Subject, kinds: set[IdentifierType]) -> dict[IdentifierType, str]:
    """The first value of each of `kinds`, read through the gate; none where it refuses."""
    if not kinds:
        return {}
    uow, vault, clock, gate, actor = ctx.uow, ctx.vault, ctx.clock, Gate(ctx.register), ctx.actor
    purpose = CONTROLLER_PURPOSE if subject.tenant_id is None else PROCESSOR_PURPOSE
    try:
        read = read_identifiers(
            uow,
            vault,
            gate,
            actor,
            ReadIdentifiers(subject.id, purpose, clock.now(), sorted(kinds)),
        )
    except AccessDenied:
        return {}
    values: dict[IdentifierType, str] = {}
    for item in read.identifiers:
        values.setdefault(IdentifierType(item.type), item.value)
    return values
