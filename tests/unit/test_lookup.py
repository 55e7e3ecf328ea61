"""Looking a subject up: what needs no subject is checked first; every miss is the same miss."""

from __future__ import annotations

import pytest

from dataward.domain.clock import FixedClock
from dataward.domain.errors import AccessDenied, NoSuchSubject
from dataward.domain.identifiers import IdentifierType
from dataward.domain.processing.gate import Gate
from dataward.domain.subjects import Actor
from dataward.services.processing.lookup import (
    LookUp,
    check_lookup,
    look_up,
    require_restriction_of,
    visible_subject,
)
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import NOW, TENANT_A, TENANT_B, a_tenant, an_actor, restricted, shipped_register
from tests.fakes import FakeUnitOfWork, FakeVault, use_case

REGISTER = shipped_register()
GATE = Gate(REGISTER)
CLOCK = FixedClock(NOW)
DCO = an_actor("dco")
SUPPORT = an_actor("support")
NUMBER = "020 7946 0321"
EMAIL = "someone@example.org"


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        self.vault = FakeVault()
        for tenant in (TENANT_A, TENANT_B):
            self.uow.tenants.add(a_tenant(tenant))
        self.caller = create_subject(
            use_case(self.uow, CLOCK, REGISTER, DCO, self.vault),
            NewSubject(kind="caller", tenant_id=TENANT_A, identifiers=[("phone", NUMBER)]),
        )
        self.end_user = create_subject(
            use_case(self.uow, CLOCK, REGISTER, DCO, self.vault),
            NewSubject(kind="end_user", identifiers=[("email", EMAIL)]),
        )

    def look_up(self, actor: Actor, command: LookUp) -> str:
        ctx = use_case(self.uow, CLOCK, REGISTER, actor, self.vault)
        return str(look_up(ctx, GATE, command).id)

    def decisions(self) -> list[tuple[str | None, str | None]]:
        return [
            (e.purpose, e.decision) for e in self.uow.audit.entries if e.action == "gate_decision"
        ]


@pytest.fixture
def world() -> World:
    return World()


def a_caller_lookup(purpose: str = "telephony_support", tenant: str | None = TENANT_A) -> LookUp:
    return LookUp(IdentifierType.PHONE, NUMBER, purpose, tenant_id=tenant)


@pytest.mark.parametrize(
    ("actor", "command", "reason"),
    [
        (DCO, LookUp(IdentifierType.EMAIL, EMAIL, "no_such_purpose"), "unregistered_purpose"),
        (DCO, LookUp(IdentifierType.EMAIL, EMAIL, "analytics"), "category_not_in_purpose"),
        (an_actor("auditor"), LookUp(IdentifierType.EMAIL, EMAIL, "correspondence"), "role_lacks"),
        (an_actor("operator"), a_caller_lookup("telephony_reporting"), "role_lacks_need_to_know"),
        (an_actor("marketing"), a_caller_lookup("telephony_reporting"), "role_lacks_need_to_know"),
        (an_actor("no_such_role"), a_caller_lookup(), "role_lacks_need_to_know"),
        (an_actor("tenant_admin", TENANT_B), a_caller_lookup("telephony_reporting"), "tenant_"),
        (DCO, LookUp(IdentifierType.PHONE, NUMBER, "telephony_support", TENANT_A), "role_lacks"),
    ],
)
def test_refusals_that_need_no_subject_come_before_any_lookup(
    world: World, actor: Actor, command: LookUp, reason: str
) -> None:
    with pytest.raises(AccessDenied, match=reason):
        check_lookup(REGISTER, actor, command)
    with pytest.raises(AccessDenied, match=reason):
        world.look_up(actor, command)
    assert world.decisions() == []


def test_a_caller_is_found_in_its_tenant_and_the_decision_recorded(world: World) -> None:
    assert world.look_up(SUPPORT, a_caller_lookup()) == str(world.caller.id)
    assert world.decisions() == [("telephony_support", "permitted")]
    admin = an_actor("tenant_admin", TENANT_A)
    assert world.look_up(admin, a_caller_lookup("telephony_reporting")) == str(world.caller.id)


@pytest.mark.parametrize(
    "command",
    [
        a_caller_lookup(tenant=TENANT_B),  # another tenant's caller
        a_caller_lookup(tenant="tenant-zzz"),  # no such tenant
        LookUp(IdentifierType.PHONE, NUMBER, "telephony_support", "tenant-zzz", region="GB"),
        LookUp(IdentifierType.PHONE, "020 7946 0999", "telephony_support", TENANT_A),
    ],
)
def test_every_miss_is_no_such_subject(world: World, command: LookUp) -> None:
    with pytest.raises(NoSuchSubject) as raised:
        world.look_up(SUPPORT, command)
    assert str(raised.value) == "no such subject"


def test_a_subject_the_gate_refuses_is_a_miss_and_the_refusal_is_recorded(world: World) -> None:
    world.uow.restrictions.add(restricted(world.end_user))
    command = LookUp(IdentifierType.EMAIL, EMAIL.upper(), "correspondence")
    with pytest.raises(NoSuchSubject):
        world.look_up(DCO, command)
    assert world.decisions() == [("correspondence", "processing_restricted")]
    legal = LookUp(IdentifierType.EMAIL, EMAIL, "legal_claims")
    assert world.look_up(DCO, legal) == str(world.end_user.id)


def test_marketing_looks_an_address_up_only_with_consent_to_its_channel(world: World) -> None:
    command = LookUp(IdentifierType.EMAIL, EMAIL, "direct_marketing")
    with pytest.raises(NoSuchSubject):
        world.look_up(an_actor("marketing"), command)
    assert world.decisions() == [("direct_marketing", "no_consent")]


def test_a_subject_out_of_the_roles_reach_is_not_visible(world: World) -> None:
    assert visible_subject(world.uow, REGISTER, DCO, world.caller.id) == world.caller
    for actor in (an_actor("tenant_admin", TENANT_B), an_actor("marketing")):
        with pytest.raises(NoSuchSubject):
            visible_subject(world.uow, REGISTER, actor, world.caller.id)


def test_a_restriction_is_reached_only_through_its_own_subject(world: World) -> None:
    restriction = restricted(world.end_user)
    world.uow.restrictions.add(restriction)
    ctx = use_case(world.uow, CLOCK, REGISTER, DCO, world.vault)
    require_restriction_of(ctx, world.end_user.id, restriction.id)
    with pytest.raises(NoSuchSubject):
        require_restriction_of(ctx, world.caller.id, restriction.id)


def test_a_lookup_command_does_not_show_its_identifier() -> None:
    assert NUMBER not in repr(a_caller_lookup())
