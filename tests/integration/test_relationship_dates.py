"""Recording the end of a customer relationship and the last transaction for a subject that
exists, on both backends: exact UK dates, the order of the dates, who may, the audit, and the
erasure's tax hold dated from what was recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from faker import Faker

from dataward.adapters.documents.subject_export import render_export
from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import ActionNotAllowed, NoSuchSubject, OutOfRange
from dataward.domain.requests.workflow import RequestRefused, RequestState, RequestType
from dataward.domain.subjects import Actor, ErasureReason, Subject
from dataward.services.processing.erasure import Shred, shred
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.erasure import fulfil_erasure
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.requests import request_timeline
from dataward.services.subjects.registry import NewSubject, SubjectRefused, create_subject
from dataward.services.subjects.relationship import RelationshipDates, record_relationship
from tests.builders import TENANT_A, an_actor
from tests.integration.world import World

DCO = an_actor("dco")
HOLIDAYS = bank_holidays()


def _customer(
    world: World, fake: Faker, *, start: date | None = None
) -> tuple[UUID, dict[str, str]]:
    values = {"name": fake.name(), "postal_address": fake.address(), "email": fake.email()}
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=list(values.items()), relationship_start=start),
    )
    return subject.id, values


def _record(
    world: World, subject_id: UUID, ended: date, last: date | None = None, *, actor: Actor = DCO
) -> Subject:
    return record_relationship(
        world.use_case(actor),
        subject_id,
        RelationshipDates(ended=ended, last_transaction=last),
    )


def test_the_dates_are_recorded_for_an_existing_subject_and_audited(
    world: World, fake: Faker
) -> None:
    subject_id, values = _customer(world, fake)
    subject = record_relationship(
        world.use_case(DCO),
        subject_id,
        RelationshipDates(ended=date(2026, 10, 31), last_transaction=date(2026, 9, 30)),
    )
    assert (subject.relationship_end, subject.last_transaction) == (
        date(2026, 10, 31),
        date(2026, 9, 30),
    )
    # corrected later, the last transaction kept when not given again
    subject = record_relationship(
        world.use_case(DCO),
        subject_id,
        RelationshipDates(ended=date(2026, 11, 2)),
    )
    assert (subject.relationship_end, subject.last_transaction) == (
        date(2026, 11, 2),
        date(2026, 9, 30),
    )
    with world.uow() as uow:
        stored = uow.subjects.get(subject_id)
        entries = [
            dict(e.details)
            for e in uow.audit.entries_about(str(subject_id))
            if e.action == "relationship_recorded"
        ]
    assert stored == subject
    assert entries == [
        {
            "ended": "2026-10-31",
            "last_transaction": "2026-09-30",
            "ended_before": "",
            "last_transaction_before": "",
        },
        {
            "ended": "2026-11-02",
            "last_transaction": "2026-09-30",
            "ended_before": "2026-10-31",
            "last_transaction_before": "2026-09-30",
        },
    ]
    assert all(value not in str(entries) for value in values.values())


def test_today_is_the_uk_date_across_the_spring_clock_change(world: World, fake: Faker) -> None:
    subject_id, _ = _customer(world, fake)
    # 29 March 2026: the clocks go forward at 01:00 UTC; 23:30 UTC is 00:30 on 30 March in London
    world.clock.current = datetime(2026, 3, 29, 22, 30, tzinfo=UTC)
    with pytest.raises(OutOfRange, match=r"ended: a date no later than today \(2026-03-29\)"):
        _record(world, subject_id, date(2026, 3, 30))
    world.clock.current = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    _record(world, subject_id, date(2026, 3, 30), date(2026, 3, 30))  # the same day: allowed
    with pytest.raises(OutOfRange, match="ended: a date no later than today"):
        _record(world, subject_id, date(2026, 3, 31))


def test_the_last_transaction_cannot_follow_the_end_nor_the_end_precede_the_start(
    world: World, fake: Faker
) -> None:
    subject_id, _ = _customer(world, fake, start=date(2024, 2, 29))
    with pytest.raises(OutOfRange, match=r"last_transaction: a date no later than the end"):
        _record(world, subject_id, date(2026, 2, 28), date(2026, 3, 1))
    with pytest.raises(OutOfRange, match=r"ended: a date no earlier than the start \(2024-02-29"):
        _record(world, subject_id, date(2024, 2, 28))
    _record(world, subject_id, date(2024, 2, 29), date(2024, 2, 29))  # one leap day long
    # the last transaction recorded counts against a later, earlier end
    _record(world, subject_id, date(2026, 6, 30), date(2026, 6, 15))
    with pytest.raises(OutOfRange, match="last_transaction: a date no later than the end"):
        _record(world, subject_id, date(2026, 6, 14))
    with pytest.raises(OutOfRange, match="ended: a date"):
        _record(world, subject_id, date(1899, 12, 31))


def test_who_may_record_and_for_whom(world: World, fake: Faker) -> None:
    subject_id, _ = _customer(world, fake)
    # the dates decide how long records are kept from erasure: the DCO's (manage_holds), not
    # every role that registers subjects (operators and marketing staff do)
    for role in ("operator", "marketing", "support", "auditor"):
        with pytest.raises(ActionNotAllowed, match="not allowed to manage holds"):
            _record(world, subject_id, date(2026, 1, 31), actor=an_actor(role))
    with world.uow() as uow:
        untouched = uow.subjects.get(subject_id)
        assert untouched is not None
        assert untouched.relationship_end is None
        assert [
            e
            for e in uow.audit.entries_about(str(subject_id))
            if e.action == "relationship_recorded"
        ] == []
    # a tenant administrator cannot know of our own customers
    with pytest.raises(NoSuchSubject):
        _record(world, subject_id, date(2026, 1, 31), actor=an_actor("tenant_admin", TENANT_A))
    # a tenant's caller has no relationship with us
    admin = an_actor("tenant_admin", TENANT_A)
    caller = create_subject(
        world.use_case(admin),
        NewSubject(kind="caller", tenant_id=TENANT_A, identifiers=[("phone", "+447700900321")]),
    )
    with pytest.raises(SubjectRefused, match="no relationship with us"):
        _record(world, caller.id, date(2026, 1, 31), actor=admin)
    shred(world.use_case(DCO), Shred(str(subject_id), ErasureReason.ERASURE_REQUEST))
    with pytest.raises(SubjectRefused, match="erased"):
        _record(world, subject_id, date(2026, 1, 31))


def test_an_erasure_dates_its_tax_hold_from_the_recorded_dates(world: World, fake: Faker) -> None:
    subject_id, values = _customer(world, fake)
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject_id,
            contact_email=values["email"],
        ),
    )
    # nothing recorded: the hold cannot be dated, and nothing is erased
    with pytest.raises(RequestRefused, match="cannot be dated without"):
        fulfil_erasure(world.use_case(DCO), request_id)
    # the relationship ended on a leap day: seven years on is 28 February 2031; the last
    # transaction's financial year ended 31 December 2024, six years on 31 December 2030
    _record(world, subject_id, date(2024, 2, 29), date(2024, 2, 29))

    result = fulfil_erasure(world.use_case(DCO), request_id)

    assert result.kept is not None
    assert result.kept.until == date(2031, 2, 28)
    with world.uow() as uow:
        hold = uow.holds.get(str(subject_id))
    assert hold is not None
    assert hold.delete_on == date(2031, 2, 28)
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.PARTIALLY_COMPLETED


def test_the_recorded_dates_are_in_the_persons_access_package(world: World, fake: Faker) -> None:
    subject_id, values = _customer(world, fake)
    _record(world, subject_id, date(2026, 10, 31), date(2026, 9, 30))
    request_id = world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject_id,
            contact_email=values["email"],
        ),
    )
    done = fulfil_access(
        world.use_case(DCO), request_id, Delivery("https://privacy.example.test", render_export)
    )
    record = done.package.dataset("subject")
    (row,) = record.rows
    found = dict(zip(record.columns, row, strict=True))
    assert (found["relationship_end"], found["last_transaction"]) == ("2026-10-31", "2026-09-30")
