"""Use cases of tenants: onboard a customer organisation, list the ones an actor may see."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from dataward.domain.audit import AuditAction
from dataward.domain.errors import NotFound
from dataward.domain.permissions import require, tenants_in_reach
from dataward.domain.register.model import Register, StaffAction, StaffRoleScope
from dataward.domain.tenants import Tenant, TenantRefused, check_tenant
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork
from dataward.services.subjects.registry import NewSubject, create_subject

CONTACT_KIND = "customer_contact"


@dataclass(frozen=True, slots=True)
class ControllerContact:
    """The person at the tenant who answers for its call data (rights requests go to them).

    Plain identifiers on their way to the vault: kept out of the repr, so a log line or a
    traceback that prints the command does not print the person.
    """

    name: str = field(repr=False)
    email: str = field(repr=False)
    phone: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class NewTenant:
    name: str
    id: str | None = None
    region: str = "GB"
    timezone: str = "Europe/London"
    call_retention: str | None = None
    service_level_seconds: int = 20
    short_abandon_seconds: int = 5
    breach_notice_hours: int = 24
    contact: ControllerContact | None = None


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64]


def default_call_retention(register: Register) -> str:
    """The register's default period for call data, where the tenant's contract is silent."""
    rule = register.retention_rule(register.default_call_retention)
    return rule.terms[0].duration


def create_tenant(ctx: UseCase, command: NewTenant) -> Tenant:
    """Onboard a customer organisation, with its controller contact registered as our subject
    when given; needs `manage_tenants`."""
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    require(register, actor, StaffAction.MANAGE_TENANTS)
    tenant = Tenant(
        id=command.id or slug(command.name),
        name=command.name.strip(),
        region=command.region.upper(),
        timezone=command.timezone,
        call_retention=command.call_retention or default_call_retention(register),
        service_level_seconds=command.service_level_seconds,
        short_abandon_seconds=command.short_abandon_seconds,
        breach_notice_hours=command.breach_notice_hours,
        created_at=clock.now(),
    )
    check_tenant(tenant)
    with uow:
        if uow.tenants.get(tenant.id) is not None:
            raise TenantRefused("id: a tenant with that id exists already")
    if command.contact is not None:
        identifiers: list[tuple[str, str]] = [
            ("name", command.contact.name),
            ("email", command.contact.email),
        ]
        if command.contact.phone:
            identifiers.append(("phone", command.contact.phone))
        contact = create_subject(
            ctx, NewSubject(kind=CONTACT_KIND, identifiers=identifiers, region=tenant.region)
        )
        tenant = replace(tenant, controller_contact=contact.id)
    with uow:
        uow.tenants.add(tenant)
        record(
            uow,
            clock,
            actor,
            Audited(
                AuditAction.TENANT_CREATED,
                subject_ref=tenant.controller_contact,
                details={"tenant": tenant.id, "call_retention": tenant.call_retention},
            ),
        )
        uow.commit()
    return tenant


def list_tenants(ctx: UseCase) -> list[Tenant]:
    """Every tenant for roles that manage tenants; a tenant administrator sees its own only."""
    uow, register, actor = ctx.uow, ctx.register, ctx.actor
    role = next((r for r in register.staff_roles if r.key == actor.role), None)
    own_only = role is not None and role.tenant_scope is StaffRoleScope.OWN_TENANT
    if not own_only:
        require(register, actor, StaffAction.MANAGE_TENANTS)
    with uow:
        found = list(uow.tenants.all())
    return [t for t in found if t.id == actor.tenant_id] if own_only else found


def show_tenant(ctx: UseCase, tenant_id: str) -> Tenant:
    """One tenant, as `list_tenants` lets the actor see it: another tenant is not found."""
    found = next((t for t in list_tenants(ctx) if t.id == tenant_id), None)
    if found is None:
        raise NotFound("tenant", tenant_id)
    return found


def tenants_for(ctx: UseCase, action: StaffAction) -> list[Tenant]:
    """The tenants whose data the actor's role may take `action` on (to choose one from):
    refused without the action; a tenant administrator's own only."""
    register, actor = ctx.register, ctx.actor
    require(register, actor, action)
    reach = tenants_in_reach(register, actor)
    with ctx.uow as uow:
        found = list(uow.tenants.all())
    return found if reach is None else [t for t in found if t.id in reach]


def get_tenant(uow: UnitOfWork, tenant_id: str) -> Tenant:
    with uow:
        tenant = uow.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound("tenant", tenant_id)
    return tenant
