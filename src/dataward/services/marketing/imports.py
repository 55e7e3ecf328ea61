"""Importing a marketing list: its people become marketing contacts with the consent the list's
evidence shows, in one transaction (the list lands whole, or nothing of it does).

Never re-adds a suppressed address or number: a row any of whose e-mail addresses or phone
numbers is on the suppression list is skipped, and so is a row of someone already among our
subjects (their consents are theirs to give, not a list's); both are counted, never named. The
consent each new contact gave is recorded on the channel of each address the list gives
(e-mail, text message), with the evidence and the notice version, as given by import.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from dataward.domain.audit import AuditAction
from dataward.domain.bounds import EVIDENCE_CHARS, check_printable, check_text
from dataward.domain.errors import InvalidValue
from dataward.domain.identifiers import IdentifierType
from dataward.domain.marketing.contact_list import ListedContact, read_list
from dataward.domain.permissions import require
from dataward.domain.processing.consent import ConsentDraft, ConsentMethod, consent_given
from dataward.domain.processing.suppression import SUPPRESSIBLE
from dataward.domain.register.model import StaffAction
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.marketing.ports import NewImport
from dataward.services.processing.suppression import (
    CONTROLLER_SCOPE,
    MARKETING_CONTACT,
    suppressed_kinds,
)
from dataward.services.subjects.registry import NewSubject, create_subjects

CHANNEL = {IdentifierType.EMAIL: "email", IdentifierType.PHONE: "sms"}
SOURCE_CHARS = 100


@dataclass(frozen=True, slots=True)
class ImportList:
    text: str
    source: str
    consent_evidence: str
    purpose: str = "direct_marketing"


@dataclass(frozen=True, slots=True)
class Imported:
    id: uuid.UUID
    added: int
    suppressed: int
    known: int


def import_list(ctx: UseCase, command: ImportList) -> Imported:
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    for name, value, most in (
        ("source", command.source, SOURCE_CHARS),
        ("consent_evidence", command.consent_evidence, EVIDENCE_CHARS),
    ):
        check_text(name, value, most)
        check_printable(name, value)
        if not value.strip():
            raise InvalidValue(name, "a description")
    require(register, actor, StaffAction.REGISTER_SUBJECTS)
    require(register, actor, StaffAction.RECORD_CONSENT)
    purpose = register.purpose(command.purpose) if command.purpose else None
    if purpose is None or not purpose.marketing or MARKETING_CONTACT not in purpose.subject_kinds:
        raise InvalidValue("purpose", "a marketing purpose marketing contacts are subjects of")
    listed = read_list(command.text)
    keyed = [(contact, _indexes(ctx, contact)) for contact in listed]
    now = clock.now()
    with uow:
        fresh: list[ListedContact] = []
        skipped_suppressed = known = 0
        seen: set[bytes] = set()
        for contact, indexes in keyed:
            if suppressed_kinds(uow, [(k, i) for k, i in indexes if k in _KINDS]):
                skipped_suppressed += 1
            elif any(i in seen for _k, i in indexes) or _known(ctx, indexes):
                known += 1
            else:
                fresh.append(contact)
            seen.update(i for _k, i in indexes)
        made = create_subjects(
            ctx,
            [
                NewSubject(MARKETING_CONTACT, [(i.type, i.value) for i in c.identifiers])
                for c in fresh
            ],
        )
        for subject, contact in zip(made, fresh, strict=True):
            for ident in contact.identifiers:
                channel = CHANNEL.get(ident.type)
                if channel is None or channel not in purpose.consent_channels:
                    continue
                draft = ConsentDraft(
                    subject.id,
                    purpose.key,
                    channel,
                    ConsentMethod.IMPORT,
                    register.policy.version,
                    now,
                    command.consent_evidence,
                )
                uow.consents.add(consent_given(register, draft))
        done = Imported(uuid.uuid4(), len(made), skipped_suppressed, known)
        uow.marketing.add_import(
            NewImport(
                done.id,
                command.source,
                command.consent_evidence,
                now,
                actor.id,
                done.added,
                done.suppressed,
                done.known,
            )
        )
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.MARKETING_IMPORTED,
                purpose=purpose.key,
                details={
                    "import": str(done.id),
                    "added": done.added,
                    "skipped_suppressed": done.suppressed,
                    "skipped_known": done.known,
                },
            ),
        )
        uow.commit()
    _ = vault
    return done


_KINDS = {k.value for k in SUPPRESSIBLE}


def _indexes(ctx: UseCase, contact: ListedContact) -> list[tuple[str, bytes]]:
    """(kind, our own scope's blind index) of the contact's addresses and numbers."""
    return [
        (i.type.value, ctx.vault.blind_index(CONTROLLER_SCOPE, i.type.value, i.index_form))
        for i in contact.identifiers
        if i.type in CHANNEL
    ]


def _known(ctx: UseCase, indexes: list[tuple[str, bytes]]) -> bool:
    return any(
        ctx.uow.subjects.find_by_index(CONTROLLER_SCOPE, kind, index) is not None
        for kind, index in indexes
    )
