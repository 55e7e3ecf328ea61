"""Issuing tokens and loading registers are staff actions of the register, like any other."""

from __future__ import annotations

import pytest

from dataward.adapters.register_file import (
    LoadedRegister,
    load_register_file,
    parse_register,
    shipped_register_text,
)
from dataward.bootstrap import parse_stored
from dataward.domain.clock import FixedClock
from dataward.domain.errors import ActionNotAllowed, NotFound
from dataward.domain.register.model import StaffAction
from dataward.services.organisation.staff import IssueToken, issue_token, list_tokens, revoke
from dataward.services.register.store import ActiveRegister, require_may_replace, store_register
from tests.builders import NOW, a_tenant, an_actor, shipped_register
from tests.fakes import FakeUnitOfWork, use_case

ACTIVE = ActiveRegister(parse_stored)

REGISTER = shipped_register()
CLOCK = FixedClock(NOW)


def test_only_the_dco_manages_staff_in_the_shipped_register() -> None:
    managers = [r.key for r in REGISTER.staff_roles if StaffAction.MANAGE_STAFF in r.actions]
    assert managers == ["dco"]


@pytest.mark.parametrize("role", ["operator", "support", "marketing", "auditor", "tenant_admin"])
def test_a_role_without_manage_staff_cannot_issue_a_token(role: str) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ActionNotAllowed, match="manage staff"):
        issue_token(
            use_case(uow, CLOCK, REGISTER, an_actor(role, "tenant-a")), IssueToken("x", "dco")
        )
    assert uow.staff.rows == []
    assert (uow.commits, uow.audit.count()) == (0, 0)


def test_a_role_without_manage_staff_cannot_revoke_a_token() -> None:
    uow = FakeUnitOfWork()
    issue_token(use_case(uow, CLOCK, REGISTER, an_actor("dco")), IssueToken("dco-two", "dco"))
    with pytest.raises(ActionNotAllowed, match="manage staff"):
        revoke(use_case(uow, CLOCK, REGISTER, an_actor("operator")), "dco-two")
    assert all(t.revoked_at is None for t in uow.staff.rows)
    assert revoke(use_case(uow, CLOCK, REGISTER, an_actor("dco")), "dco-two") == 1


def test_no_token_is_issued_for_the_administrator_of_a_tenant_that_does_not_exist() -> None:
    uow = FakeUnitOfWork()
    uow.tenants.add(a_tenant("tenant-a"))
    with pytest.raises(NotFound, match="no such tenant"):
        issue_token(
            use_case(uow, CLOCK, REGISTER, an_actor("dco")),
            IssueToken("x", "tenant_admin", "tenant-z"),
        )
    assert uow.staff.rows == []
    assert (uow.commits, uow.audit.count()) == (0, 0)
    issued = issue_token(
        use_case(uow, CLOCK, REGISTER, an_actor("dco")), IssueToken("x", "tenant_admin", "tenant-a")
    )
    assert issued.actor.tenant_id == "tenant-a"


def _loaded(version: str, *, operator_manages: bool = False) -> LoadedRegister:
    text = shipped_register_text().replace('version: "2026.1"', f'version: "{version}"')
    if operator_manages:
        text = text.replace(
            "    actions: [register_subjects, manage_tenants, ingest_calls, read_call_reports]\n",
            "    actions: [register_subjects, manage_tenants, ingest_calls, read_call_reports,"
            " manage_register]\n",
        )
    return parse_register(text, source=version)


def test_loading_a_register_needs_manage_register_in_the_one_in_force() -> None:
    uow = FakeUnitOfWork()
    store_register(uow, CLOCK, load_register_file(), "system:init", ACTIVE)
    generous = _loaded("2026.2", operator_manages=True)
    for actor in (an_actor("operator"), an_actor("auditor")):
        with pytest.raises(ActionNotAllowed, match="manage register"):
            store_register(uow, CLOCK, generous, actor, ACTIVE)
        with pytest.raises(ActionNotAllowed, match="manage register"):
            require_may_replace(uow, actor, generous, ACTIVE)
    assert [r.version for r in uow.registers.history()] == ["2026.1"]
    assert uow.audit.count() == 1
    loaded = store_register(uow, CLOCK, generous, an_actor("dco"), ACTIVE)
    assert loaded.stored.version == "2026.2"
    # Now the register in force lets the operator load registers.
    store_register(uow, CLOCK, _loaded("2026.3"), an_actor("operator"), ACTIVE)


def test_on_a_fresh_database_the_loaded_register_decides() -> None:
    uow = FakeUnitOfWork()
    require_may_replace(uow, an_actor("operator"), load_register_file(), ACTIVE)  # nothing in force
    with pytest.raises(ActionNotAllowed):
        store_register(uow, CLOCK, load_register_file(), an_actor("operator"), ACTIVE)
    assert store_register(uow, CLOCK, load_register_file(), an_actor("dco"), ACTIVE).new_version


def test_only_a_role_that_manages_staff_lists_tokens() -> None:
    register = shipped_register()
    uow = FakeUnitOfWork()
    issue_token(
        use_case(uow, FixedClock(NOW), register, an_actor("dco")), IssueToken("op", "operator")
    )
    assert [t.actor_id for t in list_tokens(use_case(uow, CLOCK, register, an_actor("dco")))] == [
        "op"
    ]
    with pytest.raises(ActionNotAllowed):
        list_tokens(use_case(uow, CLOCK, register, an_actor("operator")))
