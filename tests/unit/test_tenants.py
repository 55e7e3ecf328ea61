"""Onboarding tenants: settings checked, the contact kept in the vault, visibility by role."""

from __future__ import annotations

import pytest

from dataward.domain.clock import FixedClock
from dataward.domain.errors import ActionNotAllowed, InvalidValue
from dataward.domain.subjects import Actor
from dataward.domain.tenants import CALL_RETENTIONS, Tenant, TenantRefused
from dataward.services.organisation.tenants import (
    ControllerContact,
    NewTenant,
    create_tenant,
    list_tenants,
    slug,
)
from tests.builders import NOW, an_actor, shipped_register
from tests.fakes import FakeUnitOfWork, FakeVault, use_case

REGISTER = shipped_register()
OPERATOR = an_actor("operator")


def onboard(uow: FakeUnitOfWork, command: NewTenant, actor: Actor = OPERATOR) -> Tenant:
    return create_tenant(use_case(uow, FixedClock(NOW), REGISTER, actor, FakeVault()), command)


def seen_by(uow: FakeUnitOfWork, actor: Actor) -> list[str]:
    return [t.id for t in list_tenants(use_case(uow, FixedClock(NOW), REGISTER, actor))]


def test_a_tenant_gets_the_registers_default_retention_and_a_slug_id() -> None:
    uow = FakeUnitOfWork()
    tenant = onboard(uow, NewTenant(name="Acmé Telecom Ltd"))
    assert tenant.id == "acme-telecom-ltd"
    assert tenant.call_retention == "P13M"
    assert uow.tenants.get("acme-telecom-ltd") == tenant


def test_the_controller_contact_is_a_vault_subject_not_a_column() -> None:
    uow = FakeUnitOfWork()
    tenant = onboard(
        uow,
        NewTenant(
            name="Beta Calls",
            contact=ControllerContact("Test Person", "privacy@beta.example", "020 7946 0123"),
        ),
    )
    contact_id = tenant.controller_contact
    assert contact_id is not None
    contact = uow.subjects.get(contact_id)
    assert contact is not None
    assert contact.kind == "customer_contact"
    assert contact.tenant_id is None
    assert "privacy@beta.example" not in repr(tenant)


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (NewTenant(name="X", id="Bad Id"), "id:"),
        (NewTenant(name="Gamma", region="XX"), "region:"),
        (NewTenant(name="Gamma", timezone="Mars/Olympus"), "timezone:"),
        (NewTenant(name="Gamma", service_level_seconds=0), "service_level_seconds:"),
        (NewTenant(name="Gamma", short_abandon_seconds=-1), "short_abandon_seconds:"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(command: NewTenant, field: str) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(TenantRefused, match=field):
        onboard(uow, command)
    assert uow.tenants.all() == []


@pytest.mark.parametrize(
    "retention", ["13 months", "P0D", "P", "P8000Y", "P101Y", "P1201M", "P36526D", "P100Y1D"]
)
def test_a_call_retention_is_a_duration_from_a_day_to_a_hundred_years(retention: str) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidValue) as refused:
        onboard(uow, NewTenant(name="Gamma", call_retention=retention))
    assert str(refused.value) == f"call_retention: {CALL_RETENTIONS}"
    assert uow.tenants.all() == []


@pytest.mark.parametrize("retention", ["P1D", "P13M", "P7Y", "P100Y", "P1200M", "P36524D"])
def test_a_call_retention_within_the_bounds_is_taken(retention: str) -> None:
    uow = FakeUnitOfWork()
    onboard(uow, NewTenant(name="Gamma", call_retention=retention))
    (tenant,) = uow.tenants.all()
    assert tenant.call_retention == retention


def test_a_tenant_id_is_taken_once() -> None:
    uow = FakeUnitOfWork()
    onboard(uow, NewTenant(name="Delta"))
    with pytest.raises(TenantRefused, match="exists already"):
        onboard(uow, NewTenant(name="Delta"))


def test_roles_without_the_action_cannot_onboard() -> None:
    for role in ("support", "marketing", "auditor"):
        with pytest.raises(ActionNotAllowed):
            onboard(FakeUnitOfWork(), NewTenant(name="Epsilon"), an_actor(role))


def test_a_tenant_administrator_sees_only_its_own_tenant() -> None:
    uow = FakeUnitOfWork()
    for name in ("Alpha", "Bravo", "Charlie"):
        onboard(uow, NewTenant(name=name))
    assert seen_by(uow, OPERATOR) == ["alpha", "bravo", "charlie"]
    assert seen_by(uow, an_actor("tenant_admin", "bravo")) == ["bravo"]
    with pytest.raises(ActionNotAllowed):
        seen_by(uow, an_actor("marketing"))


def test_slugs() -> None:
    assert slug("  O'Brien & Sons (UK)  ") == "o-brien-sons-uk"
