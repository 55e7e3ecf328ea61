"""Closed rights requests under the rights-records rule (6 years from the UK day the request
closed), on exact dates: a request is kept through the term's last day and goes the day after,
with its timeline, letters and key; the UK day counts (a request closed at 23:30 UTC on 30 June
closed on 1 July in London); an open request, and one whose subject a hold keeps (a litigation
hold, a restriction that keeps the data), stay."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.sql.rights.requests import outbox, request_events, rights_requests
from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.processing.restrictions import Restriction, RestrictionGround
from dataward.domain.requests.workflow import RequestEvent, RequestType
from dataward.domain.retention.sweeps import SweepStore
from dataward.domain.subjects import Actor
from dataward.services.processing.holds import PlaceHold, place_hold
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")


def _closed(world: World, fake: Faker, at: datetime, subject: str | None = None) -> str:
    world.clock.current = at
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=at.astimezone(UTC).date(),
            channel="email",
            subject_id=subject,  # type: ignore[arg-type]
            contact_email=fake.email(),
            contact_name=fake.name(),
        ),
    )
    advance(world.use_case(DCO), view.request.id, Step(RequestEvent.WITHDRAW))
    return str(view.request.id)


def _open(world: World, fake: Faker, at: datetime) -> str:
    world.clock.current = at
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ERASURE,
            received=at.astimezone(UTC).date(),
            channel="email",
            contact_email=fake.email(),
            contact_name=fake.name(),
        ),
    )
    return str(view.request.id)


def _at(world: World, day: date) -> None:
    world.clock.current = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def _left(world: World, request_id: str) -> tuple[int, int, int]:
    with world.engine.connect() as c:
        return tuple(  # type: ignore[return-value]
            c.execute(select(func.count()).where(table.c[column] == request_id)).scalar_one()
            for table, column in (
                (rights_requests, "id"),
                (request_events, "request_id"),
                (outbox, "request_id"),
            )
        )


def _line(world: World) -> tuple[int, dict[str, tuple[str, ...]]]:
    plan = retention_plan(world.use_case(DCO))
    [line] = [line for line in plan.lines if line.target.store is SweepStore.RIGHTS_REQUESTS]
    return line.due, {item.subject_id: item.holds for item in line.held}


def test_a_closed_request_goes_on_its_day_with_everything_hung_on_it(
    world: World, fake: Faker
) -> None:
    leap = _closed(world, fake, datetime(2020, 2, 29, 10, 0, tzinfo=UTC))  # kept to 2026-02-28
    summer = _closed(world, fake, datetime(2020, 6, 30, 23, 30, tzinfo=UTC))  # UK 1 July
    still_open = _open(world, fake, datetime(2020, 3, 2, 10, 0, tzinfo=UTC))
    assert _left(world, leap)[0:2] == (1, 2)  # received, withdrawn
    assert world.vault.has_key(leap)  # the requester's contact is sealed under it

    _at(world, date(2026, 2, 28))
    assert _line(world)[0] == 0
    sweep_retention(world.use_case(DCO), SweepRetention())
    assert _left(world, leap)[0] == 1
    _at(world, date(2026, 3, 1))
    assert _line(world)[0] == 1
    records = sweep_retention(world.use_case(DCO), SweepRetention())
    [record] = [r for r in records if r.target.store is SweepStore.RIGHTS_REQUESTS]
    assert (record.removed, record.oldest) == (1, date(2020, 2, 29))
    assert _left(world, leap) == (0, 0, 0)
    assert not world.vault.has_key(leap)  # its key went with it

    _at(world, date(2026, 7, 1))  # gone by the UTC day it closed; kept by the UK day
    sweep_retention(world.use_case(DCO), SweepRetention())
    assert _left(world, summer)[0] == 1
    _at(world, date(2026, 7, 2))
    sweep_retention(world.use_case(DCO), SweepRetention())
    assert _left(world, summer)[0] == 0
    assert _left(world, still_open)[0] == 1  # an open request is never swept


def test_a_request_whose_subject_is_held_stays_and_is_listed(world: World, fake: Faker) -> None:
    world.clock.current = datetime(2020, 1, 6, 10, 0, tzinfo=UTC)
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    held = _closed(world, fake, datetime(2020, 1, 6, 11, 0, tzinfo=UTC), str(subject.id))
    free = _closed(world, fake, datetime(2020, 1, 6, 12, 0, tzinfo=UTC))
    _at(world, date(2026, 1, 1))
    place_hold(
        world.use_case(DCO),
        PlaceHold(UUID(str(subject.id)), HoldGround.LEGAL_CLAIMS, date(2026, 3, 1), "Claim"),
    )
    _at(world, date(2026, 1, 6) + timedelta(days=2))
    due, listed = _line(world)
    assert (due, listed) == (1, {str(subject.id): ("legal_claims",)})
    sweep_retention(world.use_case(DCO), SweepRetention())
    assert _left(world, held)[0] == 1
    assert _left(world, free)[0] == 0


def test_a_restriction_that_keeps_the_data_keeps_the_requests_too(
    world: World, fake: Faker
) -> None:
    world.clock.current = datetime(2020, 1, 6, 10, 0, tzinfo=UTC)
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    kept = _closed(world, fake, datetime(2020, 1, 6, 11, 0, tzinfo=UTC), str(subject.id))
    with world.uow() as uow:
        uow.restrictions.add(
            Restriction(
                id=uuid.uuid4(),
                subject_id=subject.id,
                scope=None,
                ground=RestrictionGround.NEEDED_FOR_LEGAL_CLAIMS,
                starts_at=datetime(2025, 12, 1, tzinfo=UTC),
            )
        )
        uow.commit()
    _at(world, date(2026, 1, 8))
    due, listed = _line(world)
    assert (due, listed) == (0, {str(subject.id): ("legal_claims",)})
    sweep_retention(world.use_case(DCO), SweepRetention())
    assert _left(world, kept)[0] == 1


def test_only_the_holds_the_rule_names_keep_a_closed_request(world: World, fake: Faker) -> None:
    """The rights-records rule names legal claims, a regulator's investigation and an open
    request about the subject: a tax enquiry, which it does not name, keeps nothing of it."""
    world.clock.current = datetime(2020, 1, 6, 10, 0, tzinfo=UTC)
    taxed, claimed, asking = (
        create_subject(
            world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
        )
        for _ in range(3)
    )
    closed = {
        name: _closed(world, fake, datetime(2020, 1, 6, 11, 0, tzinfo=UTC), str(subject.id))
        for name, subject in (("taxed", taxed), ("claimed", claimed), ("asking", asking))
    }
    _at(world, date(2026, 1, 1))
    for subject, ground in ((taxed, HoldGround.TAX_ENQUIRY), (claimed, HoldGround.LEGAL_CLAIMS)):
        place_hold(
            world.use_case(DCO),
            PlaceHold(UUID(str(subject.id)), ground, date(2026, 3, 1), "Enquiry"),
        )
    receive_request(  # a new request about the subject, still open
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 1, 1),
            channel="email",
            subject_id=asking.id,
            contact_email=fake.email(),
            contact_name=fake.name(),
        ),
    )
    _at(world, date(2026, 1, 8))
    due, listed = _line(world)
    assert (due, listed) == (
        1,
        {str(claimed.id): ("legal_claims",), str(asking.id): ("open_rights_request",)},
    )
    sweep_retention(world.use_case(DCO), SweepRetention())
    assert _left(world, closed["taxed"])[0] == 0  # a tax enquiry keeps no rights record
    assert _left(world, closed["claimed"])[0] == 1
    assert _left(world, closed["asking"])[0] == 1
