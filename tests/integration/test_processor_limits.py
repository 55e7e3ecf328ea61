"""A tenant's caller is the tenant's (UK GDPR Art. 28(3)(a)): no staff role of ours erases one
on its own, whatever reason or reference it gives; the tenant's administrator does, directly or
by instructing us on a forwarded request; and our staff do once the caller is past the tenant's
call retention, counted on exact calendar days from the later of its last call and the day we
came to hold it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from faker import Faker

from dataward.adapters.ingest.files import file_source
from dataward.domain.processing.restrictions import RestrictionGround
from dataward.domain.register.model import Register, StaffAction, StaffRoleScope
from dataward.domain.requests.workflow import RequestType
from dataward.domain.subjects import Actor, ErasureReason
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.processing.erasure import Shred, shred
from dataward.services.processing.processor_limits import ControllerInstructionRequired
from dataward.services.processing.restrictions import (
    ApplyRestriction,
    LiftRestriction,
    apply_restriction,
    lift_restriction,
)
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.processor import (
    Instruction,
    carry_out_instruction,
    forward_to_controller,
)
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
OPERATOR = Actor(id="staff-operator", role="operator")
TENANT = "tenant-m"
ADMIN = Actor(id="admin-m", role="tenant_admin", tenant_id=TENANT)
OUR_ROLES = ("dco", "operator", "support", "marketing", "auditor")


def _every_role_may_erase(register: Register) -> Register:
    """The register with erase_subjects (and all tenants) given to every role of ours, so the
    processor's rule is what refuses, not a missing action."""
    roles = [
        r.model_copy(
            update={
                "actions": sorted({*r.actions, StaffAction.ERASE_SUBJECTS}),
                "tenant_scope": StaffRoleScope.ALL_TENANTS,
            }
        )
        if r.key in OUR_ROLES
        else r
        for r in register.staff_roles
    ]
    return register.model_copy(update={"staff_roles": roles})


def _tenant(world: World, retention: str, fake: Faker) -> None:
    create_tenant(
        world.use_case(DCO),
        NewTenant(
            name="Tenant M",
            id=TENANT,
            call_retention=retention,
            contact=ControllerContact(name=fake.name(), email=fake.email()),
        ),
    )


def _caller(world: World, number: str = "07700 900321") -> str:
    subject = create_subject(
        world.use_case(ADMIN),
        NewSubject(kind="caller", tenant_id=TENANT, identifiers=[("phone", number)]),
    )
    return str(subject.id)


def _alive(world: World, subject_id: str) -> bool:
    with world.uow() as uow:
        subject = uow.subjects.get(subject_id)
    return subject is not None and not subject.erased and world.vault.has_key(subject_id)


@pytest.mark.parametrize("role", OUR_ROLES)
def test_no_role_of_ours_erases_a_tenants_caller_whatever_it_says(
    world: World, fake: Faker, role: str
) -> None:
    _tenant(world, "P13M", fake)
    caller = _caller(world)
    register = _every_role_may_erase(world.register)
    actor = Actor(id=f"staff-{role}", role=role)
    for reason in ErasureReason:
        with pytest.raises(ControllerInstructionRequired) as refused:
            shred(world.use_case(actor, register), Shred(caller, reason, request_ref="R-2026-0042"))
        assert refused.value.code == "controller_instruction_required"
        assert "tenant scope" not in str(refused.value)  # a 403, not the 404 that hides one
    assert _alive(world, caller)
    with world.uow() as uow:
        shredded = [e for e in uow.audit.iter_entries() if e.action == "subject_shredded"]
    assert shredded == []


def test_no_role_of_ours_restricts_a_tenants_caller_or_lifts_its_restriction(
    world: World, fake: Faker
) -> None:
    """Restriction is the tenant's decision too (Art. 28(3)(a)): our DCO is refused with the
    processor's 403 both ways; the tenant's administrator restricts and lifts it."""
    _tenant(world, "P13M", fake)
    caller = _caller(world)
    apply = ApplyRestriction(subject_id=UUID(caller), ground=RestrictionGround.ACCURACY_CONTESTED)
    with pytest.raises(ControllerInstructionRequired, match="restricted, and its restriction"):
        apply_restriction(world.use_case(DCO), apply)
    restriction = apply_restriction(world.use_case(ADMIN), apply)
    lift = LiftRestriction(restriction.id, subject_told_at=world.clock.now())
    with pytest.raises(ControllerInstructionRequired, match="manage restrictions"):
        lift_restriction(world.use_case(DCO), lift)
    lifted = lift_restriction(world.use_case(ADMIN), lift)
    assert lifted.lifted_at is not None


def test_the_tenants_administrator_erases_its_caller(world: World, fake: Faker) -> None:
    _tenant(world, "P13M", fake)
    caller = _caller(world)
    report = shred(world.use_case(ADMIN), Shred(caller, ErasureReason.ERASURE_REQUEST))
    assert report.key_destroyed
    assert not _alive(world, caller)


def test_an_erasure_the_tenant_instructs_on_a_forwarded_request_is_carried_out(
    world: World, fake: Faker
) -> None:
    _tenant(world, "P13M", fake)
    caller = _caller(world)
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id=TENANT,
            subject_id=caller,  # type: ignore[arg-type]
            contact_email=fake.email(),
        ),
    )
    forward_to_controller(world.use_case(DCO), str(view.request.id))
    with pytest.raises(ControllerInstructionRequired):  # forwarded is not instructed
        shred(
            world.use_case(DCO),
            Shred(caller, ErasureReason.CONTROLLER_INSTRUCTION, request_ref=str(view.request.id)),
        )
    carried = carry_out_instruction(world.use_case(ADMIN), str(view.request.id), Instruction.ERASE)
    assert carried.outcome["key_destroyed"] is True
    assert not _alive(world, caller)


def _at(world: World, day: date) -> None:
    """Move the world's clock to 10:00 UTC on `day` (never backwards)."""
    target = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    world.clock.advance(target - world.clock.now())


def _sweep(world: World, caller: str) -> None:
    shred(world.use_case(DCO), Shred(caller, ErasureReason.NO_LONGER_NEEDED))


def test_a_caller_past_the_tenants_retention_is_erased_by_the_sweep_on_the_exact_day(
    world: World, fake: Faker
) -> None:
    _tenant(world, "P1M", fake)
    _at(world, date(2027, 1, 31))  # held from 31 January: a month later is 28 February
    caller = _caller(world)
    _at(world, date(2027, 2, 28))  # the retention's last day: still kept
    with pytest.raises(ControllerInstructionRequired):
        _sweep(world, caller)
    _at(world, date(2027, 3, 1))
    with pytest.raises(ControllerInstructionRequired):  # past retention, but not this reason
        shred(world.use_case(DCO), Shred(caller, ErasureReason.ERASURE_REQUEST))
    assert _alive(world, caller)
    _sweep(world, caller)  # 1 March 2027: past retention
    assert not _alive(world, caller)


def test_a_later_call_keeps_the_caller_until_its_own_retention_ends(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, "P1M", fake)
    caller = _caller(world, "07700 900654")  # held from 25 November 2026
    _at(world, date(2026, 12, 20))
    epoch = int(world.clock.now().timestamp())
    calls = tmp_path / "queue_log"
    calls.write_text(
        f"{epoch}|c1|sales|NONE|ENTERQUEUE||07700900654|1\n"
        f"{epoch + 9}|c1|sales|NONE|ABANDON|1|1|9\n"
    )
    ingest(
        world.use_case(OPERATOR),
        IngestCalls(TENANT, [file_source(calls, format_name="asterisk-queue-log")]),
    )
    _at(world, date(2026, 12, 26))  # the holding's month ended on 25 December
    with pytest.raises(ControllerInstructionRequired):
        _sweep(world, caller)  # the call of 20 December is kept until 20 January
    _at(world, date(2027, 1, 20))
    with pytest.raises(ControllerInstructionRequired):
        _sweep(world, caller)
    world.clock.advance(timedelta(days=1))
    _sweep(world, caller)
    assert not _alive(world, caller)


def test_the_tenants_own_retention_counts_not_the_registers_default(
    world: World, fake: Faker
) -> None:
    _tenant(world, "P2D", fake)  # the register's default for call data is 13 months
    caller = _caller(world)  # held from 25 November 2026: kept to 27 November
    _at(world, date(2026, 11, 28))
    _sweep(world, caller)
    assert not _alive(world, caller)
