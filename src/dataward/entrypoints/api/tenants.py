"""`/api/v1/tenants`: customer organisations and their call-data settings."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from dataward.domain.tenants import Tenant
from dataward.entrypoints.api.deps import UseCaseDep
from dataward.entrypoints.api.routing import TokenFirstRoute
from dataward.services.organisation import tenants as service

router = APIRouter(prefix="/api/v1/tenants", tags=["tenants"], route_class=TokenFirstRoute)


class ContactIn(BaseModel):
    """The tenant's controller contact: plain identifiers, so none of them is in the repr."""

    name: str = Field(min_length=1, max_length=200, repr=False)
    email: str = Field(min_length=3, max_length=320, repr=False)
    phone: str | None = Field(None, repr=False)


class TenantIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    id: str | None = Field(None, description="Short id; default: made from the name")
    region: str = Field("GB", description="Dialling region of national numbers")
    timezone: str = Field("Europe/London", description="Zone of local times in its files")
    call_retention: str | None = Field(
        None, description="ISO 8601 duration from the contract; default: the register's"
    )
    service_level_seconds: int = 20
    short_abandon_seconds: int = 5
    breach_notice_hours: int = Field(
        24, ge=1, le=72, description="Hours the contract gives us to tell it of a breach"
    )
    controller_contact: ContactIn | None = None


class TenantOut(BaseModel):
    id: str
    name: str
    region: str
    timezone: str
    call_retention: str
    service_level_seconds: int
    short_abandon_seconds: int
    breach_notice_hours: int
    has_controller_contact: bool
    created_at: datetime

    @classmethod
    def of(cls, t: Tenant) -> TenantOut:
        return cls(
            id=t.id,
            name=t.name,
            region=t.region,
            timezone=t.timezone,
            call_retention=t.call_retention,
            service_level_seconds=t.service_level_seconds,
            short_abandon_seconds=t.short_abandon_seconds,
            breach_notice_hours=t.breach_notice_hours,
            has_controller_contact=t.controller_contact is not None,
            created_at=t.created_at,
        )


@router.post("", status_code=201, summary="Onboard a tenant")
def create(body: TenantIn, ctx: UseCaseDep) -> TenantOut:
    contact = body.controller_contact
    tenant = service.create_tenant(
        ctx,
        service.NewTenant(
            name=body.name,
            id=body.id,
            region=body.region,
            timezone=body.timezone,
            call_retention=body.call_retention,
            service_level_seconds=body.service_level_seconds,
            short_abandon_seconds=body.short_abandon_seconds,
            breach_notice_hours=body.breach_notice_hours,
            contact=(
                service.ControllerContact(contact.name, contact.email, contact.phone)
                if contact
                else None
            ),
        ),
    )
    return TenantOut.of(tenant)


@router.get("", summary="The tenants you may see")
def listing(ctx: UseCaseDep) -> list[TenantOut]:
    return [TenantOut.of(t) for t in service.list_tenants(ctx)]
