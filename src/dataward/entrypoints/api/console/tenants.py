"""The console's tenants: the list a role may see, a tenant's page, and onboarding one.

`list_tenants` decides who sees what (every tenant for a role that manages tenants, its own
for a tenant's administrator, a refusal otherwise), and a tenant's page is found through it:
another tenant's page is the same 404 as one that does not exist. Creating needs
`manage_tenants`, checked by `create_tenant`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dataward.domain.errors import InvalidValue, NotFound
from dataward.domain.register.model import StaffAction
from dataward.domain.tenants import TENANT_ID
from dataward.entrypoints.api.console import params
from dataward.entrypoints.api.console.web import (
    ConsoleFormDep,
    ConsoleReadingDep,
    ConsoleRoute,
    ConsoleUseCaseDep,
    ConsoleUserDep,
    Form,
    actions_of,
    console_page,
    see_other,
)
from dataward.services.organisation import tenants as service

router = APIRouter(tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

TENANTS = "/console/tenants"


@router.get(TENANTS, response_class=HTMLResponse)
def tenants_page(
    request: Request, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    tenants = service.list_tenants(reading)
    may_create = StaffAction.MANAGE_TENANTS in actions_of(reading.register, user.actor)
    return console_page(request, user, "tenants.html.j2", tenants=tenants, may_create=may_create)


@router.get(TENANTS + "/{tenant_id}", response_class=HTMLResponse)
def tenant_page(
    request: Request, tenant_id: str, user: ConsoleUserDep, reading: ConsoleReadingDep
) -> HTMLResponse:
    if len(tenant_id) > 64 or not TENANT_ID.fullmatch(tenant_id):
        raise NotFound("tenant", "given")  # no tenant is named so: the same 404
    tenant = service.show_tenant(reading, tenant_id)
    created = request.query_params.get("created") == "1"
    return console_page(
        request,
        user,
        "tenant.html.j2",
        tenant=tenant,
        flash="The tenant was created." if created else None,
    )


def _new_tenant(form: Form) -> service.NewTenant:
    name = params.text("name", form.get("name").strip(), most=200)
    if name is None:
        raise InvalidValue("name", "the organisation's name")
    contact_name = params.text("contact_name", form.get("contact_name").strip(), most=200)
    contact_email = params.text("contact_email", form.get("contact_email").strip(), most=320)
    if (contact_name is None) != (contact_email is None):
        raise InvalidValue("contact", "both the contact's name and e-mail address, or neither")
    contact = None
    if contact_name is not None and contact_email is not None:
        phone = params.text("contact_phone", form.get("contact_phone").strip(), most=40)
        contact = service.ControllerContact(contact_name, contact_email, phone)
    return service.NewTenant(
        name=name,
        id=params.tenant_id("id", form.get("id").strip()),
        region=params.text("region", form.get("region").strip(), most=2) or "GB",
        timezone=params.text("timezone", form.get("timezone").strip(), most=64) or "Europe/London",
        call_retention=params.text("call_retention", form.get("call_retention").strip(), most=32),
        service_level_seconds=_seconds(form, "service_level_seconds", 20, (1, 3600)),
        short_abandon_seconds=_seconds(form, "short_abandon_seconds", 5, (0, 600)),
        breach_notice_hours=_seconds(form, "breach_notice_hours", 24, (1, 72)),
        contact=contact,
    )


def _seconds(form: Form, field: str, default: int, bounds: tuple[int, int]) -> int:
    least, most = bounds
    value = params.number(field, form.get(field).strip(), least=least, most=most)
    return default if value is None else value


@router.post(TENANTS)
def create(form: ConsoleFormDep, ctx: ConsoleUseCaseDep) -> RedirectResponse:
    tenant = service.create_tenant(ctx, _new_tenant(form))
    return see_other(f"{TENANTS}/{tenant.id}?created=1")
