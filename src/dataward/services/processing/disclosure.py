"""Reading a subject's identifiers in plain text: only through the gate, only what it allows.

This is the one place the code decrypts an identifier for use. Each identifier's register
category is put to the gate (with `decrypt=True`, so the role must also be one that may see
identifiers); every decision is recorded and committed before any ciphertext is opened, and an
identifier is opened only when its category was allowed. A caller's identifiers (the subject
belongs to a tenant) are telephony activity, processed for the tenant; the organisation's own
subjects' identifiers are identity or contact data, per `domain.identifiers.REGISTER_FIELD`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from dataward.domain.errors import AccessDenied, NotFound
from dataward.domain.identifiers import REGISTER_FIELD, IdentifierType
from dataward.domain.processing.gate import (
    Decision,
    DenialReason,
    Gate,
    Question,
    tenant_in_scope,
)
from dataward.domain.subjects import Actor, Subject
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.processing.gate import decide, decide_many

PROCESSOR_CATEGORY = "telephony_activity"


@dataclass(frozen=True, slots=True)
class DisclosedIdentifier:
    type: str
    value: str

    def __repr__(self) -> str:  # never print the value by accident
        return f"DisclosedIdentifier(type={self.type!r}, value=<{len(self.value)} chars>)"


@dataclass(frozen=True, slots=True)
class Disclosure:
    subject_id: str
    purpose: str
    identifiers: tuple[DisclosedIdentifier, ...] = ()
    refused: dict[str, Decision] = field(default_factory=dict)
    """Category (and channel, for consent) -> the gate's refusal, for identifiers withheld."""


def identifier_category(kind: IdentifierType | str, subject: Subject) -> str:
    """The register category an identifier of `kind` belongs to, for this subject."""
    if subject.tenant_id is not None:
        return PROCESSOR_CATEGORY
    return REGISTER_FIELD[IdentifierType(kind)][0]


# The marketing channel an identifier serves: consent on one channel opens only its identifier.
CONSENT_CHANNEL: dict[IdentifierType, str] = {
    IdentifierType.EMAIL: "email",
    IdentifierType.PHONE: "sms",
    IdentifierType.POSTAL_ADDRESS: "post",
}


def _question(gate: Gate, purpose: str, kind: str, subject: Subject) -> tuple[str, str | None]:
    """(category, channel) to put to the gate for an identifier of `kind`."""
    category = identifier_category(kind, subject)
    rule = next((p for p in gate.register.purposes if p.key == purpose), None)
    channel = CONSENT_CHANNEL.get(IdentifierType(kind))
    if rule is None or channel not in rule.consent_channels:
        return category, None
    return category, channel


def _label(question: tuple[str, str | None]) -> str:
    category, channel = question
    return category if channel is None else f"{category} ({channel})"


@dataclass(frozen=True, slots=True)
class ReadIdentifiers:
    """The subject's identifiers (of `types`, or all) for `purpose`, as the gate decides at `at`."""

    subject_id: UUID | str
    purpose: str
    at: datetime
    types: Iterable[IdentifierType | str] | None = None


def read_identifiers(
    uow: UnitOfWork, vault: Vault, gate: Gate, actor: Actor, command: ReadIdentifiers
) -> Disclosure:
    """The subject's identifiers (of `command.types`, or all) that `actor` may read for
    `command.purpose`.

    Raises `AccessDenied` when the gate refuses every one asked for; withholds, and names in
    `refused`, those it refuses when it allows others.
    """
    purpose, at = command.purpose, command.at
    wanted = None if command.types is None else {IdentifierType(t).value for t in command.types}
    with uow:
        subject = uow.subjects.get(command.subject_id)
        if subject is None:
            raise NotFound("subject", str(command.subject_id))
        stored = [
            s for s in uow.subjects.identifiers_of(subject.id) if wanted is None or s.type in wanted
        ]
        # With nothing stored the question is still put, so the answer is on record.
        kinds = {s.type for s in stored} or wanted or {IdentifierType.NAME.value}
        questions = sorted({_question(gate, purpose, kind, subject) for kind in kinds})
        decisions = {
            (category, channel): decide(
                uow,
                gate,
                actor,
                subject.id,
                Question(category, purpose, at, channel=channel, decrypt=True),
            )
            for category, channel in questions
        }
        uow.commit()
    refused = {_label(q): d for q, d in decisions.items() if not d.allowed}
    if len(refused) == len(decisions):
        first = decisions[questions[0]]
        raise AccessDenied(first.reason.value, purpose, first.category)
    opened = tuple(
        DisclosedIdentifier(s.type, vault.open(str(subject.id), s.ciphertext))
        for s in stored
        if decisions[_question(gate, purpose, s.type, subject)].allowed
    )
    return Disclosure(str(subject.id), purpose, opened, refused)


@dataclass(frozen=True, slots=True)
class PartyDisclosure:
    """One party of a set of calls: its identifiers the gate allowed, or why it refused."""

    subject_id: str
    identifiers: tuple[DisclosedIdentifier, ...] = ()
    refused: str | None = None


@dataclass(frozen=True, slots=True)
class ReadParties:
    """The identifiers of these call parties for `purpose`, as the gate decides at `at`."""

    subject_ids: Iterable[str]
    purpose: str
    at: datetime


def read_parties(
    uow: UnitOfWork, vault: Vault, gate: Gate, actor: Actor, command: ReadParties
) -> dict[str, PartyDisclosure]:
    """The identifiers of many call parties for `command.purpose`, one gate decision each.

    Every decision is recorded and committed in one transaction before anything is opened. A
    party the gate refuses (erased, restricted, another tenant's, ...) is named with the
    reason and nothing of it is opened; a party that no longer exists is refused as erased.
    A party outside the role's tenant scope (an agent, one of our own subjects, seen by a
    tenant's administrator) is refused as `tenant_mismatch` before any of its data is read,
    as a look-up is, so no decision about it needs recording.
    """
    allowed: dict[str, list[tuple[str, bytes]]] = {}
    refused: dict[str, str] = {}
    questions: dict[str, Question] = {}  # one question per category, put to each party
    asked: list[tuple[str, Subject, Question, IdentifierType]] = []
    role = next((r for r in gate.register.staff_roles if r.key == actor.role), None)
    with uow:
        wanted = sorted(set(command.subject_ids))
        live = uow.subjects.get_many(wanted)
        for subject_id in wanted:
            subject = live.get(subject_id)
            if subject is None:
                refused[subject_id] = DenialReason.SUBJECT_ERASED.value
                continue
            if role is None or not tenant_in_scope(role.tenant_scope, actor, subject.tenant_id):
                refused[subject_id] = DenialReason.TENANT_MISMATCH.value
                continue
            # A caller is its number; one of our own subjects is in a call as an agent only.
            kind = IdentifierType.PHONE if subject.tenant_id else IdentifierType.AGENT_ID
            category = identifier_category(kind, subject)
            question = questions.get(category)
            if question is None:
                question = Question(category, command.purpose, command.at, decrypt=True)
                questions[category] = question
            asked.append((subject_id, subject, question, kind))
        decisions = decide_many(uow, gate, actor, [(s, q) for _id, s, q, _k in asked])
        may_open = [
            str(subject.id)
            for (_id, subject, _q, _k), decision in zip(asked, decisions, strict=True)
            if decision.allowed
        ]
        held = uow.subjects.identifiers_of_many(may_open) if may_open else {}
        for (subject_id, subject, _q, kind), decision in zip(asked, decisions, strict=True):
            if not decision.allowed:
                refused[subject_id] = decision.reason.value
                continue
            allowed[subject_id] = [
                (s.type, s.ciphertext)
                for s in held.get(str(subject.id), ())
                if s.type == kind.value
            ]
        uow.commit()
    out = {ref: PartyDisclosure(ref, refused=why) for ref, why in refused.items()}
    for ref, stored in allowed.items():
        opened = tuple(DisclosedIdentifier(kind, vault.open(ref, c)) for kind, c in stored)
        out[ref] = PartyDisclosure(ref, opened)
    return out
