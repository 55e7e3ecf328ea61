"""Actions beyond the gate follow the register's staff roles and their tenant scope."""

from __future__ import annotations

import pytest

from dataward.domain.clock import FixedClock
from dataward.domain.errors import ActionNotAllowed
from dataward.domain.permissions import require, tenants_in_reach
from dataward.domain.processing.gate import tenant_in_scope
from dataward.domain.processing.restrictions import RestrictionGround
from dataward.domain.register.model import StaffAction
from dataward.domain.register.terms import GLOBAL_ACTIONS, StaffRoleScope
from dataward.domain.subjects import Actor
from dataward.services.processing.erasure import Shred, shred
from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import NOW, TENANT_A, TENANT_B, a_caller, an_actor, shipped_register
from tests.fakes import FakeUnitOfWork, FakeVault, use_case

REGISTER = shipped_register()


@pytest.mark.parametrize(
    ("role", "action"),
    [
        ("operator", StaffAction.ERASE_SUBJECTS),
        ("operator", StaffAction.READ_AUDIT_LOG),
        ("support", StaffAction.MANAGE_RESTRICTIONS),
        ("marketing", StaffAction.MANAGE_OBJECTIONS),
        ("auditor", StaffAction.REGISTER_SUBJECTS),
        ("tenant_admin", StaffAction.MANAGE_REGISTER),
        ("no_such_role", StaffAction.READ_AUDIT_LOG),
    ],
)
def test_a_role_without_the_action_is_refused(role: str, action: StaffAction) -> None:
    with pytest.raises(ActionNotAllowed, match="the role does not have this action"):
        require(REGISTER, an_actor(role, TENANT_A if role == "tenant_admin" else None), action)


def test_a_tenant_administrator_acts_only_on_its_own_tenant() -> None:
    admin = an_actor("tenant_admin", TENANT_A)
    require(REGISTER, admin, StaffAction.ERASE_SUBJECTS, tenant_id=TENANT_A)
    with pytest.raises(ActionNotAllowed, match="outside the role's tenant scope"):
        require(REGISTER, admin, StaffAction.ERASE_SUBJECTS, tenant_id=TENANT_B)
    with pytest.raises(ActionNotAllowed, match="outside the role's tenant scope"):
        require(REGISTER, admin, StaffAction.ERASE_SUBJECTS, tenant_id=None)


def test_marketing_cannot_register_a_tenants_caller() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ActionNotAllowed):
        create_subject(
            use_case(uow, FixedClock(NOW), REGISTER, an_actor("marketing"), FakeVault()),
            NewSubject(kind="caller", tenant_id=TENANT_A, identifiers=[("agent_id", "A-1")]),
        )
    assert uow.commits == 0


def test_another_tenants_administrator_cannot_shred_a_caller() -> None:
    uow = FakeUnitOfWork()
    vault = FakeVault()
    caller = a_caller(TENANT_B)
    uow.subjects.add(caller)
    vault.create_keys([str(caller.id)])
    ctx = use_case(uow, FixedClock(NOW), REGISTER, an_actor("tenant_admin", TENANT_A), vault)
    with pytest.raises(ActionNotAllowed):
        shred(ctx, Shred(str(caller.id), "erasure_request"))
    assert vault.has_key(str(caller.id))
    assert uow.subjects.get(caller.id) == caller


def test_support_cannot_restrict_processing() -> None:
    uow = FakeUnitOfWork()
    caller = a_caller(TENANT_A)
    uow.subjects.add(caller)
    with pytest.raises(ActionNotAllowed):
        apply_restriction(
            use_case(uow, FixedClock(NOW), REGISTER, an_actor("support")),
            ApplyRestriction(caller.id, RestrictionGround.ACCURACY_CONTESTED),
        )
    assert uow.restrictions.for_subject(caller.id) == []


def test_only_a_role_of_every_tenant_runs_maintenance() -> None:
    require(REGISTER, an_actor("dco"), StaffAction.RUN_MAINTENANCE)
    for role in ("operator", "support", "marketing", "auditor"):
        with pytest.raises(ActionNotAllowed, match="the role does not have this action"):
            require(REGISTER, an_actor(role), StaffAction.RUN_MAINTENANCE)
    with pytest.raises(ActionNotAllowed, match="the role does not have this action"):
        require(REGISTER, an_actor("tenant_admin", TENANT_A), StaffAction.RUN_MAINTENANCE)


@pytest.mark.parametrize(
    ("scope", "why"),
    [
        (StaffRoleScope.OWN_TENANT, "reaches one tenant's data only"),
        (StaffRoleScope.NONE, "reaches no tenant's data"),
    ],
)
def test_maintenance_stays_refused_to_a_narrower_role_that_a_register_lists_it_for(
    scope: StaffRoleScope, why: str
) -> None:
    """A stored register is parsed with its checks, which refuse such a grant; this is the
    second line: the permission itself never reaches past the role's tenant scope."""
    roles = [
        r.model_copy(update={"tenant_scope": scope, "actions": [*r.actions, *GLOBAL_ACTIONS]})
        if r.key == "tenant_admin"
        else r
        for r in REGISTER.staff_roles
    ]
    generous = REGISTER.model_copy(update={"staff_roles": roles})
    # the role's actor carries a tenant exactly when the role acts for one
    admin = an_actor("tenant_admin", TENANT_A if scope is StaffRoleScope.OWN_TENANT else None)
    for tenant in (TENANT_A, None):
        with pytest.raises(ActionNotAllowed, match=f"every tenant's data and the role {why}"):
            require(generous, admin, StaffAction.RUN_MAINTENANCE, tenant_id=tenant)
        with pytest.raises(ActionNotAllowed):
            require(generous, admin, StaffAction.RUN_MAINTENANCE)
    if scope is StaffRoleScope.OWN_TENANT:  # the role's other actions stand
        require(generous, admin, StaffAction.ERASE_SUBJECTS, tenant_id=TENANT_A)


@pytest.mark.parametrize(
    ("role", "tenant", "why"),
    [
        ("dco", "tenant-a", "the role is not tied to a tenant, and one is given"),
        ("operator", "tenant-a", "the role is not tied to a tenant, and one is given"),
        ("marketing", "tenant-a", "the role is not tied to a tenant, and one is given"),
        ("tenant_admin", None, "the role acts for one tenant and none is given"),
    ],
)
def test_an_actor_carries_a_tenant_exactly_when_its_role_acts_for_one(
    role: str, tenant: str | None, why: str
) -> None:
    """A DCO "of tenant-a" would pass every check that asks whether the tenant itself acts
    (the processor's limits); every action refuses the pairing, whatever its subject."""
    actor = Actor(id="someone", role=role, tenant_id=tenant)
    with pytest.raises(ActionNotAllowed, match=why):
        require(REGISTER, actor, StaffAction.REGISTER_SUBJECTS)
    with pytest.raises(ActionNotAllowed, match=why):
        require(REGISTER, actor, StaffAction.REGISTER_SUBJECTS, tenant_id="tenant-a")


def test_a_role_of_ours_given_a_tenant_reaches_nothing_through_the_gate_either() -> None:
    """Reads go through the gate's tenant scope, not `require`: the pairing reaches no subject,
    neither the tenant's nor ours."""
    mismatched = Actor(id="someone", role="dco", tenant_id="tenant-a")
    for scope in (StaffRoleScope.ALL_TENANTS, StaffRoleScope.NONE):
        for tenant in ("tenant-a", None):
            assert not tenant_in_scope(scope, mismatched, tenant)
    assert tenant_in_scope(StaffRoleScope.ALL_TENANTS, Actor(id="x", role="dco"), "tenant-a")


def test_the_tenants_a_list_or_a_count_may_take_follow_the_roles_scope() -> None:
    assert tenants_in_reach(REGISTER, Actor(id="d", role="dco")) is None  # every one
    assert tenants_in_reach(REGISTER, an_actor("tenant_admin", TENANT_A)) == [TENANT_A]
    assert tenants_in_reach(REGISTER, Actor(id="m", role="marketing")) == [None]  # our own
    for nothing in (
        Actor(id="a", role="tenant_admin"),  # an administrator of no tenant
        Actor(id="d", role="dco", tenant_id=TENANT_B),  # a role of ours given a tenant
        Actor(id="x", role="no_such_role"),
    ):
        assert tenants_in_reach(REGISTER, nothing) == []
