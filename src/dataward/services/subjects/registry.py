"""Use cases of the subject registry: register a person, find them, shred them.

Reading a subject's identifiers in plain text is not here: it goes through the gate
(`services.processing.disclosure`), so no code path decrypts without a decision on record.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.bounds import check_day
from dataward.domain.errors import DatawardError, NotFound
from dataward.domain.identifiers import UNIQUE_TYPES, Identifier, IdentifierType, normalise
from dataward.domain.permissions import require
from dataward.domain.processing.gate import child_flag as gate_child_flag
from dataward.domain.register.model import Register, Role, StaffAction
from dataward.domain.register.prohibited import refuse_prohibited
from dataward.domain.register.required import RequiredDataMissing, missing_fields, required_data
from dataward.domain.requests.workflow import uk_date
from dataward.domain.subjects import (
    Subject,
    SubjectStatus,
    age_on,
)
from dataward.services.context import UseCase
from dataward.services.keys.batches import SUBJECTS, enrolling
from dataward.services.ports import UnitOfWork, Vault
from dataward.services.processing.suppression import MARKETING_CONTACT, refusal, suppressed_kinds

CONTROLLER_SCOPE = ""


class SubjectRefused(DatawardError):
    code = "subject_refused"


class DuplicateIdentifier(DatawardError):
    """The identifier belongs to a subject already; which one is not said (it would map a
    number or an address to a subject id for whoever asked)."""

    code = "duplicate_identifier"

    def __init__(self, kind: str, existing: str) -> None:
        self.kind = kind
        self.existing = existing
        super().__init__(f"that {kind} already belongs to a subject")


@dataclass(frozen=True, slots=True)
class NewSubject:
    kind: str
    identifiers: Sequence[tuple[IdentifierType | str, str]] = field(repr=False)
    tenant_id: str | None = None
    region: str | None = None
    birth_date: date | None = None
    relationship_start: date | None = None
    relationship_end: date | None = None
    offered_fields: Sequence[str] = ()
    """Names of any further fields the caller sent: refused, prohibited ones by name."""
    purpose: str | None = None
    """The contract (or statutory) purpose the subject is registered for: the identifiers
    must hold every field it requires (`domain.register.required`), or nothing is stored."""


def scope_of(tenant_id: str | None) -> str:
    return tenant_id if tenant_id is not None else CONTROLLER_SCOPE


def child_flag(register: Register, birth_date: date | None, today: date) -> str | None:
    """The DCO flag for a subject under the register's minimum age on `today` (a UK date),
    or None."""
    if birth_date is None:
        return None
    if age_on(birth_date, today) < register.minimum_age:
        return gate_child_flag(register.minimum_age)
    return None


def create_subject(ctx: UseCase, command: NewSubject) -> Subject:
    """Register a subject with its identifiers, each normalised, indexed and encrypted once."""
    (subject,) = create_subjects(ctx, [command])
    return subject


def create_subjects(ctx: UseCase, commands: Sequence[NewSubject]) -> list[Subject]:
    """Register many subjects in one transaction: all land, or none (a duplicate refuses all).

    Their keys are made under a key batch (`services.keys.batches`) that the transaction
    joins: destroyed if it fails before its commit, and settled by `dataward keys sweep` if the
    process dies or the commit's outcome is unknown.
    """
    uow, vault, clock, register, actor = ctx.uow, ctx.vault, ctx.clock, ctx.register, ctx.actor
    tenant_ids = {command.tenant_id for command in commands}
    for tenant in tenant_ids:
        require(register, actor, StaffAction.REGISTER_SUBJECTS, tenant_id=tenant)
    for command in commands:
        check_day("birth_date", command.birth_date)
        check_day("relationship_start", command.relationship_start)
        check_day("relationship_end", command.relationship_end)
        refuse_prohibited(register, command.offered_fields)
        if command.offered_fields:  # counted, never named: the names are the caller's
            raise SubjectRefused(
                f"{len(command.offered_fields)} unknown field(s), not named here; a subject "
                "holds only its identifiers and the dates the register needs"
            )
    regions = _tenant_regions(uow, tenant_ids)
    now = clock.now()
    subjects: list[Subject] = []
    pending: list[tuple[Subject, str, Identifier, bytes]] = []
    seen: set[tuple[str, str, bytes]] = set()
    for command in commands:
        subject = _new_subject(register, command, now)
        scope = scope_of(command.tenant_id)
        subjects.append(subject)
        for kind, raw in command.identifiers:
            region = command.region or regions.get(command.tenant_id)
            ident = normalise(kind, raw, region=region)
            index = vault.blind_index(scope, ident.type.value, ident.index_form)
            if ident.type in UNIQUE_TYPES:
                if (scope, ident.type.value, index) in seen:
                    raise DuplicateIdentifier(ident.type.value, "another subject in this batch")
                seen.add((scope, ident.type.value, index))
            pending.append((subject, scope, ident, index))
        if command.purpose is not None:
            refuse_missing(register, command, [i.type for s, _, i, _ in pending if s is subject])
    purposes = {
        s.id: {"purpose": c.purpose} if c.purpose else {}
        for s, c in zip(subjects, commands, strict=True)
    }
    with enrolling(vault, SUBJECTS) as keys, uow:
        keys.join(uow)  # the key sweep leaves this transaction's keys alone until it ends
        _refuse_existing(uow, pending)
        blocked = suppressed_kinds(
            uow, [(i.type.value, x) for s, _, i, x in pending if s.kind == MARKETING_CONTACT]
        )
        if blocked:  # erased or objected to marketing: never added for it again
            raise SubjectRefused(refusal(blocked))
        plaintexts: dict[str, list[str]] = {str(s.id): [] for s in subjects}
        for subject, _scope, ident, _index in pending:
            plaintexts[str(subject.id)].append(ident.value)
        sealed = {key: iter(values) for key, values in keys.enrol(plaintexts).items()}
        uow.subjects.add_many(subjects)
        uow.audit.append(
            *(
                AuditDraft(
                    at=now,
                    actor=actor.id,
                    action=AuditAction.SUBJECT_CREATED,
                    subject_ref=s.id,
                    details={"kind": s.kind, "tenant": s.tenant_id or "", **purposes[s.id]},
                )
                for s in subjects
            )
        )
        uow.subjects.add_identifiers(
            [
                _identifier_row(subject, scope, ident, index, next(sealed[str(subject.id)]))
                for subject, scope, ident, index in pending
            ]
        )
        keys.commit(uow)  # refused if the key sweep claimed the batch meanwhile
    return subjects


def refuse_missing(register: Register, command: NewSubject, held: Sequence[IdentifierType]) -> None:
    """Refuse a subject registered for a purpose without the data the purpose requires, or
    of a kind the purpose does not cover; nothing is stored (Art. 13(2)(e): the service cannot
    be provided without it)."""
    purpose = register.purpose(command.purpose or "")
    if command.kind not in purpose.subject_kinds:
        raise SubjectRefused(f"purpose {purpose.key!r} does not cover a {command.kind}")
    missing = missing_fields(purpose, held)
    if missing:
        raise RequiredDataMissing(required_data(register, purpose, missing))


def _tenant_regions(uow: UnitOfWork, tenant_ids: set[str | None]) -> dict[str | None, str]:
    """Each tenant's dialling region (national numbers are read in it); unknown tenants refused."""
    regions: dict[str | None, str] = {}
    wanted = sorted(t for t in tenant_ids if t is not None)
    if not wanted:
        return regions
    with uow:
        for tenant_id in wanted:
            tenant = uow.tenants.get(tenant_id)
            if tenant is None:
                raise NotFound("tenant", tenant_id)
            regions[tenant_id] = tenant.region
    return regions


def _new_subject(register: Register, command: NewSubject, now: datetime) -> Subject:
    kind = register.subject_kind(command.kind)
    if kind.role is Role.PROCESSOR and command.tenant_id is None:
        raise SubjectRefused(f"a {kind.key} belongs to a tenant: give the tenant")
    if kind.role is Role.CONTROLLER and command.tenant_id is not None:
        raise SubjectRefused(f"a {kind.key} is the organisation's own subject: no tenant")
    return Subject(
        id=uuid.uuid4(),
        kind=kind.key,
        tenant_id=command.tenant_id,
        status=SubjectStatus.ACTIVE,
        created_at=now,
        relationship_start=command.relationship_start,
        relationship_end=command.relationship_end,
        birth_date=command.birth_date,
        dco_flag=child_flag(register, command.birth_date, uk_date(now)),
    )


def _refuse_existing(
    uow: UnitOfWork, pending: Sequence[tuple[Subject, str, Identifier, bytes]]
) -> None:
    wanted: dict[tuple[str, str], list[bytes]] = {}
    for _subject, scope, ident, index in pending:
        if ident.type not in UNIQUE_TYPES:
            continue
        wanted.setdefault((scope, ident.type.value), []).append(index)
    for (scope, kind), indexes in wanted.items():
        found = uow.subjects.find_many_by_index(scope, kind, indexes)
        if found:
            raise DuplicateIdentifier(kind, next(iter(found.values())))


@dataclass(frozen=True, slots=True)
class FindSubject:
    """One identifier as given, to find its subject in a tenant (or among our own subjects)."""

    type: IdentifierType | str
    value: str = field(repr=False)
    tenant_id: str | None = None
    region: str | None = None
    """Region to read a national phone number in; default: the tenant's."""


def find_subject(uow: UnitOfWork, vault: Vault, wanted: FindSubject) -> Subject | None:
    """The subject with this identifier in this tenant (or among our own subjects).

    Only identifiers that single out one person can be looked up: not names or addresses.
    """
    kind, tenant_id, region = wanted.type, wanted.tenant_id, wanted.region
    if IdentifierType(kind) not in UNIQUE_TYPES:
        unique = ", ".join(sorted(t.value for t in UNIQUE_TYPES))
        raise SubjectRefused(f"look a subject up by one of: {unique}")
    scope = scope_of(tenant_id)
    with uow:  # one read transaction: the tenant's region, the index, the subject
        if region is None and tenant_id is not None:
            tenant = uow.tenants.get(tenant_id)
            if tenant is None:
                raise NotFound("tenant", tenant_id)
            region = tenant.region
        ident = normalise(kind, wanted.value, region=region)
        index = vault.blind_index(scope, ident.type.value, ident.index_form)
        subject_id = uow.subjects.find_by_index(scope, ident.type.value, index)
        return uow.subjects.get(subject_id) if subject_id else None


def _identifier_row(
    subject: Subject, scope: str, ident: Identifier, index: bytes, ciphertext: bytes
) -> dict[str, object]:
    return {
        "subject_id": str(subject.id),
        "scope": scope,
        "type": ident.type.value,
        "blind_index": index,
        "ciphertext": ciphertext,
        "created_at": subject.created_at,
    }
