"""`/api/v1/subjects`: the subject registry. Identifiers go in once and come out only through
the gate; every route needs a staff token and acts as that staff member's register role.

Identifiers travel only in request bodies, never in a URL (where access logs, proxies and
browser histories would keep them). A subject that does not exist and one the caller may not
know of get the same 404, body and all (see `services.processing.lookup`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from dataward.domain.identifiers import IdentifierType
from dataward.domain.subjects import REQUEST_REF, ErasureReason, Subject
from dataward.entrypoints.api.deps import (
    GateDep,
    UseCaseDep,
    get_visible_subject,
)
from dataward.entrypoints.api.fields import Day, RegisterKey
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.processing import erasure, lookup
from dataward.services.subjects import contract_data, relationship
from dataward.services.subjects import registry as service

router = APIRouter(prefix="/api/v1/subjects", tags=["subjects"], route_class=TokenFirstRoute)


class IdentifierIn(BaseModel):
    type: IdentifierType
    value: str = Field(min_length=1, max_length=500, repr=False)


class LookupIn(BaseModel):
    """One identifier to look a subject up by, and the purpose the lookup serves."""

    model_config = ConfigDict(extra="forbid")

    type: IdentifierType
    value: str = Field(min_length=1, max_length=500, repr=False)
    purpose: str = Field(description="The register purpose the lookup serves")
    tenant_id: str | None = Field(None, description="The tenant, to find one of its callers")
    region: str | None = Field(None, description="Region to read a national phone number in")


class SubjectIn(BaseModel):
    model_config = ConfigDict(extra="allow")  # extras are refused by name in the service

    kind: RegisterKey = Field(description="Subject kind from the register, e.g. end_user")
    tenant_id: str | None = Field(None, description="The tenant, for its callers")
    identifiers: list[IdentifierIn] = Field(min_length=1)
    region: str | None = Field(None, description="Region to read national phone numbers in")
    birth_date: Day | None = None
    relationship_start: Day | None = None
    relationship_end: Day | None = None
    purpose: RegisterKey | None = Field(
        None,
        description="The contract purpose the subject is registered for: refused (422 "
        "`required_data_missing`) without the data that purpose requires",
    )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """Extra fields by name only: their values may be special category data."""
        extra = self.model_extra or {}
        for name, value in super().__repr_args__():
            yield (name, "...") if name in extra else (name, value)


class SubjectOut(BaseModel):
    """A subject as the registry holds it: references and status, never identifiers."""

    id: UUID
    kind: str
    tenant_id: str | None
    status: str
    created_at: datetime
    relationship_start: date | None
    relationship_end: date | None
    last_transaction: date | None
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
            last_transaction=subject.last_transaction,
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


class RelationshipIn(BaseModel):
    """When the customer relationship ended, and the day of the last transaction: the dates
    the customer-records and tax retention terms run from."""

    model_config = ConfigDict(extra="forbid")

    ended: Day = Field(description="The day the relationship ended; not after today")
    last_transaction: Day | None = Field(
        None,
        description="The day of the last transaction; not after `ended`. Omitted: the one "
        "recorded before is kept",
    )


class RequiredQuery(BaseModel):
    purpose: RegisterKey = Field(description="The contract purpose the subject is served for")


class AskIn(BaseModel):
    """The purpose whose required data to ask for, and the open request to write on."""

    model_config = ConfigDict(extra="forbid")

    purpose: RegisterKey = Field(description="The contract purpose the subject is served for")
    request_id: UUID | None = Field(
        None, description="The open rights request to write on; needed when more are open"
    )


class RequiredOut(BaseModel):
    """What a purpose requires that the subject does not hold: field names, never values."""

    subject_id: UUID
    purpose: str
    can_be_served: bool
    missing: list[str] = Field(description="Register fields (category.field) missing")
    needed: str = Field(description="The missing data in plain words")
    requirement: str = Field(description="A contractual or a statutory requirement")
    letter_request_id: UUID | None = Field(
        None, description="The request the letter asking for the data was queued on"
    )

    @classmethod
    def of(
        cls, subject_id: UUID, needed: contract_data.RequiredData, request: UUID | None = None
    ) -> RequiredOut:
        return cls(
            subject_id=subject_id,
            purpose=needed.purpose,
            can_be_served=not needed.missing,
            missing=list(needed.missing),
            needed=needed.words,
            requirement=needed.requirement,
            letter_request_id=request,
        )


class ReadQuery(BaseModel):
    """What a read of a subject is for, and which of its identifiers it wants (all if none)."""

    purpose: str = Field(description="The register purpose of this read")
    types: list[IdentifierType] | None = Field(None, alias="type")


class ErasureQuery(BaseModel):
    """Why a subject is erased, and the references that bear on it."""

    reason: ErasureReason = Field(description="Why, from a closed set")
    request_ref: str | None = Field(
        None, pattern=REQUEST_REF.pattern, description="The rights request"
    )
    override: str | None = Field(
        None,
        pattern=REQUEST_REF.pattern,
        description="Reference of the DCO's assessment, to erase despite a restriction "
        "that keeps the data",
    )


class ShredOut(BaseModel):
    subject_id: str
    key_destroyed: bool
    removed: dict[str, int]
    already_erased: bool


@router.post("", status_code=201, summary="Register a subject with its identifiers")
def create(body: SubjectIn, ctx: UseCaseDep) -> SubjectOut:
    command = service.NewSubject(
        kind=body.kind,
        tenant_id=body.tenant_id,
        identifiers=[(i.type, i.value) for i in body.identifiers],
        region=body.region,
        birth_date=body.birth_date,
        relationship_start=body.relationship_start,
        relationship_end=body.relationship_end,
        offered_fields=tuple(body.model_extra or ()),
        purpose=body.purpose,
    )
    return SubjectOut.of(service.create_subject(ctx, command))


@router.post("/lookup", summary="Find a subject by one identifier, for a purpose")
def lookup_subject(body: LookupIn, ctx: UseCaseDep, gate: GateDep) -> SubjectOut:
    """Confirming that someone is a subject is itself processing. What needs no subject is
    checked first (403 `access_denied`); then a miss, and a subject the gate keeps from the
    caller (its decision recorded), are the same 404."""
    command = lookup.LookUp(
        type=body.type,
        value=body.value,
        purpose=body.purpose,
        tenant_id=body.tenant_id,
        region=body.region,
    )
    return SubjectOut.of(lookup.look_up(ctx, gate, command))


@router.get("/{subject_id}", summary="A subject and the identifiers the gate allows")
def show(
    subject_id: UUID, ctx: UseCaseDep, gate: GateDep, query: Annotated[ReadQuery, Query()]
) -> DisclosureOut:
    read = lookup.read_subject(ctx, gate, subject_id, query.purpose, query.types)
    return DisclosureOut(
        subject=SubjectOut.of(read.subject),
        purpose=query.purpose,
        identifiers=[
            IdentifierOut(type=i.type, value=i.value) for i in read.disclosure.identifiers
        ],
        withheld={category: d.reason.value for category, d in read.disclosure.refused.items()},
    )


@router.get(
    "/{subject_id}/required",
    summary="The data a contract purpose requires that the subject does not hold",
)
def required(
    subject_id: UUID, ctx: UseCaseDep, query: Annotated[RequiredQuery, Query()]
) -> RequiredOut:
    """Which kinds of identifier the subject holds are read, never their values. Needs
    register_subjects within the role's tenant scope; a subject of a kind the purpose does not
    cover is 422."""
    return RequiredOut.of(subject_id, contract_data.missing_for(ctx, subject_id, query.purpose))


@router.post(
    "/{subject_id}/required/letter",
    status_code=201,
    summary="Queue the letter asking the person for the data a contract purpose requires",
)
def ask_for_required(subject_id: UUID, body: AskIn, ctx: UseCaseDep) -> RequiredOut:
    """On the open rights request about the subject (name it when more are open): says which
    data is needed, whose requirement it is and that the service cannot be provided without
    it. Needs manage_requests. Nothing missing is 422; no open request, several and none
    named, or no address to write to is 409. Audited."""
    command = contract_data.AskForData(subject_id, body.purpose, request_id=body.request_id)
    needed, request_id = contract_data.ask_for_missing(ctx, command)
    return RequiredOut.of(subject_id, needed, request_id)


@router.put(
    "/{subject_id}/relationship",
    summary="Record when the customer relationship ended, and the last transaction",
    dependencies=[Depends(get_visible_subject)],
)
def record_relationship(subject_id: UUID, body: RelationshipIn, ctx: UseCaseDep) -> SubjectOut:
    """Neither date after today (UK), the last transaction not after the end, the end not
    before the relationship began; a tenant's caller has none (422). The dates decide how long
    records are kept from erasure: needs manage_holds (the DCO) within the role's tenant scope
    (403 otherwise, register_subjects is not enough); audited with the dates before and
    after."""
    dates = relationship.RelationshipDates(ended=body.ended, last_transaction=body.last_transaction)
    subject = relationship.record_relationship(ctx, subject_id, dates)
    return SubjectOut.of(subject)


@router.delete(
    "/{subject_id}",
    summary="Crypto-shred a subject",
    dependencies=[Depends(get_visible_subject)],
)
def erase(subject_id: UUID, ctx: UseCaseDep, query: Annotated[ErasureQuery, Query()]) -> ShredOut:
    """Destroys the subject's key, deletes its identifiers, unlinks it from every store and
    leaves a tombstone. Needs the erase_subjects action (and the subject's tenant, for a
    tenant administrator)."""
    command = erasure.Shred(
        str(subject_id), query.reason, request_ref=query.request_ref, override=query.override
    )
    report = erasure.shred(ctx, command)
    return ShredOut(
        subject_id=report.subject_id,
        key_destroyed=report.key_destroyed,
        removed=report.removed,
        already_erased=report.already_erased,
    )
