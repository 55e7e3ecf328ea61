"""The edges of what an erasure keeps of a tenant's caller or agent: its time joins nothing,
a call past the tenant's retention names nobody (so an expired entry cannot matter), an agent
stays erased like a caller, and a tenant's retention never carries a date off the calendar.
On both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from faker import Faker
from sqlalchemy import func, select, update

from dataward.adapters.sql.audit import audit_log
from dataward.adapters.sql.calls.erased_numbers import erased_numbers
from dataward.adapters.sql.calls.tables import calls
from dataward.adapters.sql.registry.tables import subjects, tombstones
from dataward.adapters.sql.tenants import tenants
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.processing.erased_numbers import expire_erased_numbers
from dataward.services.processing.erasure import Shred, shred
from tests.integration.test_erased_numbers import (
    DCO,
    NUMBER,
    TENANT,
    _caller,
    _calls,
    _counts,
    _erased_parties,
    _ingest,
    _log,
    _tenant,
)
from tests.integration.world import World


def _shred(world: World, subject_id: str) -> None:
    shred(world.use_case(world.who_erases(subject_id)), Shred(subject_id, "erasure_request"))


def _agents(world: World) -> list[str]:
    with world.engine.connect() as connection:
        rows = connection.execute(select(subjects.c.id).where(subjects.c.kind == "end_user"))
        return list(rows.scalars())


def test_the_time_an_erasure_is_remembered_by_is_no_other_records_time(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    _ingest(world, _log(("1.1", world.clock.now() - timedelta(days=3), NUMBER)))
    caller = _caller(world)
    assert caller is not None
    world.clock.advance(timedelta(minutes=17, seconds=23, microseconds=456))
    _shred(world, caller)
    with world.engine.connect() as connection:
        (entry,) = connection.execute(select(erased_numbers)).all()
        stone = connection.execute(select(tombstones.c.erased_at)).scalar_one()
        audit_times = set(connection.execute(select(audit_log.c.at)).scalars())
        joined = connection.execute(
            select(func.count()).select_from(
                erased_numbers.join(
                    tombstones, tombstones.c.erased_at == erased_numbers.c.erased_at
                )
            )
        ).scalar_one()
    assert stone == world.clock.now()
    assert entry.erased_at == datetime(2026, 11, 25, 11, 0, tzinfo=stone.tzinfo)
    assert joined == 0
    assert entry.erased_at not in audit_times


def test_a_call_in_the_hour_after_an_erasure_is_taken_as_the_erased_persons(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    _ingest(world, _log(("1.1", world.clock.now() - timedelta(days=3), NUMBER)))
    caller = _caller(world)
    assert caller is not None
    erased = world.clock.now()  # 10:00, remembered as 11:00
    _shred(world, caller)
    world.clock.advance(timedelta(hours=3))
    later = _ingest(world, _log(("2.1", erased + timedelta(minutes=59), NUMBER)))
    assert (later.subjects_created, _erased_parties(world)) == (0, 1)
    new = _ingest(world, _log(("2.2", erased + timedelta(hours=1), NUMBER)))
    assert (new.subjects_created, _erased_parties(world)) == (1, 0)


def test_only_a_role_that_may_read_the_audit_log_is_told_of_erased_parties(
    world: World, fake: Faker
) -> None:
    """Single-call ingests would tell a role that may ingest in which hour a number it knows
    was erased: the report leaves the count out for it, the audit entry keeps it."""
    _tenant(world, fake)
    _ingest(world, _log(("1.1", world.clock.now() - timedelta(days=3), NUMBER)))
    caller = _caller(world)
    assert caller is not None
    _shred(world, caller)
    report = _ingest(world, _log(("2.1", world.clock.now() - timedelta(days=2), NUMBER)))
    assert report.stored == 1
    assert report.erased_parties is None
    assert report.as_dict()["erased_parties"] is None
    assert _erased_parties(world) == 1


def test_once_an_entry_expires_an_older_call_is_past_retention_and_names_nobody(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    before = world.clock.now() - timedelta(days=3)
    _ingest(world, _log(("1.1", before, NUMBER)))
    caller = _caller(world)
    assert caller is not None
    _shred(world, caller)
    world.clock.advance(timedelta(days=600))  # past the tenant's P13M, and the day more
    assert expire_erased_numbers(world.uow(), world.clock) == 1
    counted = _counts(world)

    late = _ingest(world, _log(("1.2", before + timedelta(hours=1), NUMBER)), name="late.log")

    assert (late.stored, late.subjects_created, late.past_retention) == (1, 0, 1)
    assert _counts(world) == counted  # no subject, no identifier, no key: no number sealed
    assert _caller(world) is None
    stored = _calls(world)[(before + timedelta(hours=1)).isoformat()]
    assert (stored.caller_ref, stored.agent_ref) == (None, None)


def test_a_call_past_retention_names_nobody_and_one_within_it_names_its_parties(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    now = world.clock.now()
    old, recent = now - timedelta(days=400), now - timedelta(days=380)  # P13M: 2025-10-25
    report = _ingest(world, _log(("1.1", old, NUMBER), ("1.2", recent, "07700 900418")))
    assert (report.stored, report.past_retention, report.subjects_created) == (2, 1, 2)
    assert _caller(world) is None  # the old call's caller was never resolved
    assert _caller(world, "07700 900418") is not None
    stored = _calls(world)
    assert (stored[old.isoformat()].caller_ref, stored[old.isoformat()].agent_ref) == (None, None)
    assert stored[recent.isoformat()].agent_ref is not None
    with world.uow() as uow:
        (entry,) = [e for e in uow.audit.iter_entries() if e.action == "calls_ingested"]
    assert entry.details["past_retention"] == 1


def test_an_erased_agent_is_not_brought_back_by_an_old_call(world: World, fake: Faker) -> None:
    _tenant(world, fake)
    _ingest(world, _log(("1.1", world.clock.now() - timedelta(days=3), NUMBER)))
    (agent,) = _agents(world)
    world.clock.advance(timedelta(hours=1))
    erased = world.clock.now()
    _shred(world, agent)
    with world.engine.connect() as connection:
        (entry,) = connection.execute(select(erased_numbers)).all()
    assert entry.tenant_id == TENANT

    old = _ingest(world, _log(("2.1", erased - timedelta(days=1), "07700 900418")))
    assert (old.stored, _erased_parties(world)) == (1, 1)
    assert _agents(world) == []  # the agent id was not sealed again
    assert _calls(world)[(erased - timedelta(days=1)).isoformat()].agent_ref is None

    world.clock.advance(timedelta(days=1))
    new = _ingest(world, _log(("3.1", erased + timedelta(hours=2), "07700 900418")))
    assert _erased_parties(world) == 0
    (again,) = _agents(world)  # new processing on the tenant's instructions
    assert again != agent
    assert new.subjects_created == 1
    assert _calls(world)[(erased + timedelta(hours=2)).isoformat()].agent_ref == again


def test_a_tenant_whose_stored_retention_passes_the_calendar_can_still_erase(
    world: World, fake: Faker
) -> None:
    """A retention stored before retentions were bounded: the entry is kept to the calendar's
    last day instead of the erasure failing."""
    _tenant(world, fake)
    _ingest(world, _log(("1.1", world.clock.now() - timedelta(days=3), NUMBER)))
    with world.engine.begin() as connection:
        connection.execute(
            update(tenants).where(tenants.c.id == TENANT).values(call_retention="P8000Y")
        )
    caller = _caller(world)
    assert caller is not None
    _shred(world, caller)
    assert _caller(world) is None
    with world.engine.connect() as connection:
        (entry,) = connection.execute(select(erased_numbers)).all()
        linked = connection.execute(
            select(func.count()).select_from(calls).where(calls.c.caller_ref == caller)
        ).scalar_one()
    assert entry.keep_until == date.max
    assert linked == 0
    # and ingest still takes calls for the tenant: none is past such a retention
    report = _ingest(world, _log(("2.1", world.clock.now() - timedelta(days=2), NUMBER)))
    assert (report.stored, report.past_retention, report.subjects_created) == (1, 0, 0)


def test_a_northern_ireland_caller_erased_in_an_irish_tenant_stays_erased_as_ireland_dials_them(
    world: World, fake: Faker
) -> None:
    create_tenant(
        world.use_case(DCO),
        NewTenant(
            name="Tenant E",
            id=TENANT,
            region="IE",
            timezone="Europe/Dublin",
            contact=ControllerContact(name=fake.name(), email=fake.email()),
        ),
    )
    before = world.clock.now() - timedelta(days=3)
    _ingest(world, _log(("1.1", before, "+44 28 9012 3456")))
    caller = _caller(world, "048 9012 3456")
    assert caller is not None  # one subject, however the number is spelled
    _shred(world, caller)
    late = _ingest(world, _log(("1.2", before + timedelta(hours=1), "048 9012 3456")))
    assert (late.stored, late.subjects_created, _erased_parties(world)) == (1, 0, 1)
    assert _caller(world, "+44 28 9012 3456") is None
