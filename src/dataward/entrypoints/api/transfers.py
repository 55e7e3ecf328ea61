"""`/api/v1/processors` and `/api/v1/transfers`: who processes for us on what terms, and the
Chapter V controls on transfers abroad.

The processors list is the register's, for whoever may read the audit log or manage the
register (the DCO, an auditor). Suspending a transfer mechanism (an adequacy decision struck
down, say), lifting it, and the list of suspensions and refused exports need `manage_register`
(the DCO). A suspension is lifted by `POST .../suspensions/{mechanism}/lift`, not deleted: it
stays on record, lifted, and `GET /api/v1/transfers?lifted=true` shows it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from dataward.domain.register.model import ProcessorTerms, Transfer
from dataward.domain.sharing.records import MAX_REASON, RefusedExport, Suspension
from dataward.entrypoints.api.deps import ReadingDep, UseCaseDep
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.sharing import records as service

processors_router = APIRouter(
    prefix="/api/v1/processors", tags=["transfers"], route_class=TokenFirstRoute
)
router = APIRouter(prefix="/api/v1/transfers", tags=["transfers"], route_class=TokenFirstRoute)

MECHANISM = Field(
    min_length=1,
    max_length=100,
    description="adequacy, idta, uk_addendum, bcr, code_of_conduct, certification or "
    "derogation; narrowed with :CC (adequacy:US) or, for a derogation, :GROUND",
    examples=["adequacy:US"],
)


class TransferOut(BaseModel):
    country: str
    mechanism: str | None
    derogation: str | None
    dpf_uk_extension: bool
    dpf_certified_on: date | None

    @classmethod
    def of(cls, transfer: Transfer) -> TransferOut:
        return cls(
            country=transfer.country,
            mechanism=None if transfer.mechanism is None else transfer.mechanism.value,
            derogation=None if transfer.derogation is None else transfer.derogation.value,
            dpf_uk_extension=transfer.dpf_uk_extension,
            dpf_certified_on=transfer.dpf_certified_on,
        )


class TermsOut(BaseModel):
    """The Art. 28(3) contract on record."""

    contract_date: date
    instructions: str
    sub_processors: list[str]
    reference: str | None

    @classmethod
    def of(cls, terms: ProcessorTerms) -> TermsOut:
        return cls(
            contract_date=terms.contract_date,
            instructions=terms.instructions,
            sub_processors=list(terms.sub_processors),
            reference=terms.reference,
        )


class ProcessorOut(BaseModel):
    key: str
    name: str
    role: str
    listed_as: str = Field(description="recipient or processor: the register list it is in")
    transfers: list[TransferOut]
    terms: TermsOut | None
    transfer_problems: list[str] = Field(
        description="Why a destination could not be used today (suspensions included)"
    )

    @classmethod
    def of(cls, view: service.ProcessorView) -> ProcessorOut:
        return cls(
            key=view.key,
            name=view.name,
            role=view.role,
            listed_as=view.listed_as,
            transfers=[TransferOut.of(t) for t in view.transfers],
            terms=None if view.terms is None else TermsOut.of(view.terms),
            transfer_problems=list(view.transfer_problems),
        )


class SuspendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mechanism: str = MECHANISM
    reason: str = Field(
        min_length=1,
        max_length=MAX_REASON,
        description="The event behind it (e.g. the decision struck down), on one line",
    )


class SuspensionOut(BaseModel):
    id: UUID
    mechanism: str
    reason: str
    suspended_at: datetime
    suspended_by: str
    lifted_at: datetime | None
    lifted_by: str | None

    @classmethod
    def of(cls, s: Suspension) -> SuspensionOut:
        return cls(
            id=s.id,
            mechanism=s.mechanism,
            reason=s.reason,
            suspended_at=s.suspended_at,
            suspended_by=s.suspended_by,
            lifted_at=s.lifted_at,
            lifted_by=s.lifted_by,
        )


class RefusedOut(BaseModel):
    id: UUID
    recipient: str
    purpose: str
    reason: str
    at: datetime
    actor: str
    mechanism: str | None = Field(description="The suspension that refused it, if one did")

    @classmethod
    def of(cls, r: RefusedExport) -> RefusedOut:
        return cls(
            id=r.id,
            recipient=r.recipient,
            purpose=r.purpose,
            reason=r.reason,
            at=r.at,
            actor=r.actor,
            mechanism=r.mechanism,
        )


class TransfersOut(BaseModel):
    suspensions: list[SuspensionOut]
    refused: list[RefusedOut] = Field(description="Exports refused, newest first")


class LiftedOut(BaseModel):
    mechanism: str = Field(description="The mechanism no longer suspended, as the key it had")


@processors_router.get("", summary="The processors, with their Art. 28 terms and transfers")
def list_processors(
    ctx: ReadingDep,
    everyone: Annotated[
        bool, Query(alias="all", description="Every recipient, controllers too")
    ] = False,
) -> list[ProcessorOut]:
    """Each processor and sub-processor (and, with all, every recipient): where its data goes
    and on what, and any transfer that could not be made today. Needs read_audit_log or
    manage_register."""
    return [ProcessorOut.of(v) for v in service.list_processors(ctx, everyone=everyone)]


@router.get("", summary="The suspended mechanisms and the refused exports (the DCO's list)")
def overview(
    ctx: ReadingDep,
    lifted: Annotated[bool, Query(description="Lifted suspensions too")] = False,
) -> TransfersOut:
    """Needs manage_register."""
    found = service.transfers_overview(ctx, include_lifted=lifted)
    return TransfersOut(
        suspensions=[SuspensionOut.of(s) for s in found.suspensions],
        refused=[RefusedOut.of(r) for r in found.refused],
    )


@router.post("/suspensions", status_code=201, summary="Suspend a transfer mechanism")
def suspend(body: SuspendIn, ctx: UseCaseDep) -> SuspensionOut:
    """Every export relying on it is refused, and listed, until it is lifted; 409 if it is
    suspended already. Needs manage_register; audited."""
    return SuspensionOut.of(service.suspend_mechanism(ctx, body.mechanism, body.reason))


@router.post("/suspensions/{mechanism}/lift", summary="Lift a transfer mechanism's suspension")
def lift(mechanism: str, ctx: UseCaseDep) -> LiftedOut:
    """Exports may rely on it again; 404 when no suspension of it stands. The suspension stays
    on record, lifted. Needs manage_register; audited."""
    return LiftedOut(mechanism=service.lift_suspension(ctx, mechanism))
