"""`/api/v1/subjects`: the subject registry. Identifiers go in once and come out only through
the gate; every route needs a staff token and acts as that staff member's register role."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from dataward.domain.errors import AccessDenied, NotFound
from dataward.domain.identifiers import IdentifierType
from dataward.domain.subjects import Subject
from dataward.entrypoints.api.deps import ActorDep, ContainerDep, GateDep, RegisterDep
from dataward.services import disclosure
from dataward.services import subjects as service
from dataward.services.gate import authorize

router = APIRouter(prefix="/api/v1/subjects", tags=["subjects"])


class IdentifierIn(BaseModel):
    type: IdentifierType
    value: str = Field(min_length=1, max_length=500)


class SubjectIn(BaseModel):
    model_config = ConfigDict(extra="allow")  # extras are refused by name in the service

    kind: str = Field(description="Subject kind from the register, e.g. end_user or caller")
    tenant_id: str | None = Field(None, description="The tenant, for its callers")
    identifiers: list[IdentifierIn] = Field(min_length=1)
    region: str | None = Field(None, description="Region to read national phone numbers in")
    birth_date: date | None = None
    relationship_start: date | None = None
    relationship_end: date | None = None


class SubjectOut(BaseModel):
    """A subject as the registry holds it: references and status, never identifiers."""

    id: UUID
    kind: str
    tenant_id: str | None
    status: str
    created_at: datetime
    relationship_start: date | None
    relationship_end: date | None
    dco_flag: str | None

    @classmethod
    def of(cls, subject: Subject) -> SubjectOut:
        return cls(
            id=subject.id,
            kind=subject.kind,
            tenant_id=subject.tenant_id,
            status=subject.status.value,
            created_at=subject.created_at,
            relationship_start=subject.relationship_start,
            relationship_end=subject.relationship_end,
            dco_flag=subject.dco_flag,
        )


class IdentifierOut(BaseModel):
    type: str
    value: str


class DisclosureOut(BaseModel):
    subject: SubjectOut
    purpose: str
    identifiers: list[IdentifierOut]
    withheld: dict[str, str] = Field(description="Category -> the gate's reason for withholding")


class ShredOut(BaseModel):
    subject_id: str
    key_destroyed: bool
    removed: dict[str, int]
    already_erased: bool


@router.post("", status_code=201, summary="Register a subject with its identifiers")
def create(
    body: SubjectIn,
    container: ContainerDep,
    register: RegisterDep,
    actor: ActorDep,
) -> SubjectOut:
    subject = service.create_subject(
        container.uow(),
        container.vault(),
        container.clock,
        register,
        actor,
        service.NewSubject(
            kind=body.kind,
            tenant_id=body.tenant_id,
            identifiers=[(i.type, i.value) for i in body.identifiers],
            region=body.region,
            birth_date=body.birth_date,
            relationship_start=body.relationship_start,
            relationship_end=body.relationship_end,
            offered_fields=tuple(body.model_extra or ()),
        ),
    )
    return SubjectOut.of(subject)


@router.get("/lookup", summary="Find a subject by one identifier, for a purpose")
def lookup(
    container: ContainerDep,
    gate: GateDep,
    actor: ActorDep,
    identifier_type: Annotated[IdentifierType, Query(alias="type")],
    value: Annotated[str, Query(min_length=1, max_length=500)],
    purpose: Annotated[str, Query(description="The register purpose the lookup serves")],
    tenant_id: str | None = None,
    region: str | None = None,
) -> SubjectOut:
    """Confirming that someone is a subject is itself processing: the gate decides on the
    subject found, and a subject the caller may not see is reported as not found."""
    subject = service.find_subject(
        container.uow(read_only=True),
        container.vault(),
        identifier_type,
        value,
        tenant_id=tenant_id,
        region=region,
    )
    if subject is None:
        raise NotFound("subject", "with that identifier")
    decision = authorize(
        container.uow(),
        container.clock,
        gate,
        actor,
        subject_id=subject.id,
        category=disclosure.identifier_category(identifier_type, subject),
        purpose=purpose,
    )
    if not decision.allowed:
        raise AccessDenied(decision.reason.value, purpose, decision.category)
    return SubjectOut.of(subject)


@router.get("/{subject_id}", summary="A subject and the identifiers the gate allows")
def show(
    subject_id: UUID,
    container: ContainerDep,
    gate: GateDep,
    actor: ActorDep,
    purpose: Annotated[str, Query(description="The register purpose of this read")],
    types: Annotated[list[IdentifierType] | None, Query(alias="type")] = None,
) -> DisclosureOut:
    read = disclosure.read_identifiers(
        container.uow(),
        container.vault(),
        container.clock,
        gate,
        actor,
        subject_id=subject_id,
        purpose=purpose,
        types=types,
    )
    with container.uow(read_only=True) as uow:
        subject = uow.subjects.get(subject_id)
    assert subject is not None  # noqa: S101 - read_identifiers raised NotFound otherwise
    return DisclosureOut(
        subject=SubjectOut.of(subject),
        purpose=purpose,
        identifiers=[IdentifierOut(type=i.type, value=i.value) for i in read.identifiers],
        withheld={category: d.reason.value for category, d in read.refused.items()},
    )


@router.delete("/{subject_id}", summary="Crypto-shred a subject")
def erase(
    subject_id: UUID,
    container: ContainerDep,
    register: RegisterDep,
    actor: ActorDep,
    reason: Annotated[str, Query(min_length=3, max_length=200)],
    request_ref: Annotated[str | None, Query(max_length=64)] = None,
) -> ShredOut:
    """Destroys the subject's key, deletes its identifiers, unlinks it from every store and
    leaves a tombstone. Needs the erase_subjects action (and the subject's tenant, for a
    tenant administrator)."""
    report = service.shred(
        container.uow(),
        container.vault(),
        container.clock,
        register,
        actor,
        str(subject_id),
        reason=reason,
        request_ref=request_ref,
    )
    return ShredOut(
        subject_id=report.subject_id,
        key_destroyed=report.key_destroyed,
        removed=report.removed,
        already_erased=report.already_erased,
    )
