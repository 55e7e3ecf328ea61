"""The customer-records rule, swept on exact dates: the later of 7 years after the relationship
ended and 6 years after the end of the financial year (31 December) of the last transaction.
A record is kept through the last day of its terms and goes the day after (the Limitation Act
does not count the day of the event: a claim can still be made on the anniversary); one whose
relationship has not ended, or whose last transaction was not recorded, waits and is counted, as
does one a call still names as its agent; a held one is kept and listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from faker import Faker

from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.retention.sweeps import SweepStore
from dataward.domain.subjects import Actor
from dataward.services.processing.holds import PlaceHold, place_hold
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import a_stored_call, a_tenant
from tests.integration.world import World

TENANT = "tenant-c"

DCO = Actor(id="staff-dco", role="dco")

# (relationship ended, last transaction) -> the last day the record is kept
CASES = {
    "seven years": (date(2019, 3, 15), date(2019, 3, 1), date(2026, 3, 15)),  # 2025-12-31 < 7Y
    "tax year": (date(2018, 1, 10), date(2019, 12, 31), date(2025, 12, 31)),  # FY 2019 + 6Y
    "leap day": (date(2020, 2, 29), date(2020, 1, 15), date(2027, 2, 28)),  # 7Y: no 29 Feb 2027
    "year end": (date(2019, 12, 31), date(2020, 1, 1), date(2026, 12, 31)),  # FY 2020 + 6Y
}


def _customer(world: World, fake: Faker, ended: date | None, last: date | None) -> str:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="customer_contact", identifiers=[("email", fake.email())]),
    )
    if ended is not None:
        with world.uow() as uow:
            uow.subjects.set_relationship(subject.id, ended=ended, last_transaction=last)
            uow.commit()
    return str(subject.id)


def _at(world: World, day: date) -> None:
    world.clock.current = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _due(world: World) -> tuple[int, int, dict[str, tuple[str, ...]]]:
    plan = retention_plan(world.use_case(DCO))
    [line] = [line for line in plan.lines if line.target.store is SweepStore.CUSTOMER_RECORDS]
    return line.due, line.waiting, {item.subject_id: item.holds for item in line.held}


def _exists(world: World, subject_id: str) -> bool:
    with world.uow() as uow:
        subject = uow.subjects.get(subject_id)
    return subject is not None and not subject.erased


def test_each_record_goes_the_day_after_its_last_day(world: World, fake: Faker) -> None:
    _at(world, date(2019, 1, 1))
    made = {name: _customer(world, fake, ended, last) for name, (ended, last, _) in CASES.items()}
    ongoing = _customer(world, fake, None, None)
    unknown = _customer(world, fake, date(2018, 6, 30), None)
    for name, (_ended, _last, day) in sorted(CASES.items(), key=lambda case: case[1][2]):
        _at(world, day)
        due_before, waiting, _held = _due(world)
        assert waiting == 2  # the ongoing relationship, and the one with no last transaction
        sweep_retention(world.use_case(DCO), SweepRetention())
        assert _exists(world, made[name]), name  # kept through its last day
        _at(world, day + timedelta(days=1))
        due, _waiting, _held = _due(world)
        assert due == due_before + 1, name
        records = sweep_retention(world.use_case(DCO), SweepRetention())
        assert not _exists(world, made[name]), name  # the day after
        [record] = [r for r in records if r.target.store is SweepStore.CUSTOMER_RECORDS]
        assert record.removed == 1, name
    assert _exists(world, ongoing)
    assert _exists(world, unknown)


def test_a_held_customer_record_is_kept_and_listed(world: World, fake: Faker) -> None:
    _at(world, date(2019, 1, 1))
    ended, last, day = CASES["tax year"]
    held, free = (_customer(world, fake, ended, last) for _ in range(2))
    _at(world, day - timedelta(days=3))
    place_hold(
        world.use_case(DCO),
        PlaceHold(UUID(held), HoldGround.TAX_ENQUIRY, day + timedelta(days=60), "HMRC check"),
    )
    _at(world, day + timedelta(days=1))
    due, _waiting, listed = _due(world)
    assert (due, listed) == (1, {held: ("tax_enquiry",)})
    [record] = [
        r
        for r in sweep_retention(world.use_case(DCO), SweepRetention())
        if r.target.store is SweepStore.CUSTOMER_RECORDS
    ]
    assert (record.removed, record.held) == (1, 1)
    assert _exists(world, held)
    assert not _exists(world, free)


def test_a_user_a_kept_call_names_as_agent_waits_for_that_call(world: World, fake: Faker) -> None:
    _at(world, date(2019, 1, 1))
    ended, last, day = CASES["tax year"]
    agent = _customer(world, fake, ended, last)
    with world.uow() as uow:
        start = datetime(2025, 12, 1, 10, tzinfo=UTC)
        uow.tenants.add(a_tenant(TENANT))
        uow.calls.prepare_months([(2025, 12)])
        uow.calls.add_calls([replace(a_stored_call(TENANT, start), agent_ref=agent)])
        uow.commit()
    _at(world, day + timedelta(days=1))
    due, waiting, _held = _due(world)
    assert (due, waiting) == (0, 1)  # its customer record is due, but a call names it
    sweep_retention(world.use_case(DCO), SweepRetention())
    assert _exists(world, agent)
    with world.uow() as uow:
        [call] = list(uow.calls.iter_calls(TENANT))
    assert call.agent_ref == agent  # the kept call still names its agent
