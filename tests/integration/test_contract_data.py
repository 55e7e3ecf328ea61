"""Data a contract requires, on both backends: a subject registered for a contract purpose
without it is refused whole and nothing is stored; one already registered is checked before it
is served, and the person is written to on their open request through a real SMTP server,
told which data is needed and that the service cannot be provided without it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest
from faker import Faker

from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.errors import NoSuchSubject, NotInRegister
from dataward.domain.register.required import RequiredDataMissing
from dataward.domain.requests.workflow import RequestRefused, RequestType
from dataward.domain.subjects import Actor
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.outbox import deliver
from dataward.services.subjects.contract_data import (
    REQUIRED_DATA_LETTER,
    AskForData,
    ask_for_missing,
    missing_for,
)
from dataward.services.subjects.registry import (
    NewSubject,
    SubjectRefused,
    create_subject,
    create_subjects,
)
from tests.integration.world import World
from tests.support.smtp_inbox import Inbox, body, smtp_server

DCO = Actor(id="staff-dco", role="dco")
OPERATOR = Actor(id="staff-operator", role="operator")
TENANT_ADMIN = Actor(id="admin-a", role="tenant_admin", tenant_id="tenant-a")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


def _count_subjects(world: World) -> int:
    with world.uow() as uow:
        return sum(1 for e in uow.audit.iter_entries() if e.action == "subject_created")


def test_an_end_user_without_an_email_address_is_refused_naming_it_and_nothing_stored(
    world: World, fake: Faker
) -> None:
    name, phone = fake.name(), "+44 20 7946 0958"
    before = _count_subjects(world)
    command = NewSubject(
        kind="end_user",
        identifiers=[("name", name), ("phone", phone)],
        purpose="register_end_user",
    )
    with pytest.raises(RequiredDataMissing) as refused:
        create_subject(world.use_case(OPERATOR), command)
    message = str(refused.value)
    assert message == (
        "purpose 'register_end_user' requires your e-mail address (a contractual "
        "requirement): without it the service cannot be provided"
    )
    assert name not in message
    assert "7946" not in message
    assert refused.value.needed.missing == ("contact.email",)
    assert _count_subjects(world) == before


def test_one_subject_without_the_data_refuses_the_whole_batch(world: World, fake: Faker) -> None:
    good = NewSubject(
        kind="end_user",
        identifiers=[("name", fake.name()), ("email", fake.email())],
        purpose="register_end_user",
    )
    bad = NewSubject(
        kind="end_user", identifiers=[("email", fake.email())], purpose="register_end_user"
    )
    before = _count_subjects(world)
    with pytest.raises(RequiredDataMissing) as refused:
        create_subjects(world.use_case(OPERATOR), [good, bad])
    assert refused.value.needed.words == "your first name and your last name"
    assert _count_subjects(world) == before


def test_a_subject_with_the_data_is_registered_and_the_purpose_audited(
    world: World, fake: Faker
) -> None:
    subject = create_subject(
        world.use_case(OPERATOR),
        NewSubject(
            kind="end_user",
            identifiers=[("name", fake.name()), ("email", fake.email())],
            purpose="register_end_user",
        ),
    )
    with world.uow() as uow:
        (entry,) = [
            e for e in uow.audit.entries_about(str(subject.id)) if e.action == "subject_created"
        ]
    assert entry.details["purpose"] == "register_end_user"
    assert missing_for(world.use_case(OPERATOR), subject.id, "register_end_user").missing == ()


def test_without_a_purpose_nothing_is_required(world: World, fake: Faker) -> None:
    subject = create_subject(
        world.use_case(OPERATOR),
        NewSubject(
            kind="end_user",
            identifiers=[("phone", "+44 20 7946 0" + str(fake.random_int(100, 999)))],
        ),
    )
    needed = missing_for(world.use_case(OPERATOR), subject.id, "order_delivery")
    assert needed.missing == (
        "identity.first_name",
        "identity.last_name",
        "contact.billing_address",
    )
    assert needed.requirement == "a contractual requirement"


def test_a_purpose_that_does_not_cover_the_kind_or_is_unknown_is_refused(
    world: World, fake: Faker
) -> None:
    channel_partner = NewSubject(
        kind="channel_partner",
        identifiers=[("name", fake.name()), ("email", fake.email())],
        purpose="register_end_user",
    )
    with pytest.raises(SubjectRefused, match="does not cover a channel_partner"):
        create_subject(world.use_case(OPERATOR), channel_partner)
    unknown = NewSubject(
        kind="end_user", identifiers=[("email", fake.email())], purpose="no_such_purpose"
    )
    with pytest.raises(NotInRegister):
        create_subject(world.use_case(OPERATOR), unknown)


def test_a_subject_outside_the_roles_reach_is_no_such_subject(world: World, fake: Faker) -> None:
    subject = create_subject(
        world.use_case(OPERATOR), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    with pytest.raises(NoSuchSubject):
        missing_for(world.use_case(TENANT_ADMIN), subject.id, "register_end_user")


def _request(world: World, subject_id: UUID, email: str | None) -> UUID:
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.RECTIFICATION,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject_id,
            contact_email=email,
            contact_name="Ms Example" if email else None,
        ),  # type: ignore[arg-type]
    )
    return view.request.id


def test_the_person_is_told_on_their_open_request_what_is_needed(
    world: World, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    phone = "+44 20 7946 0" + str(fake.random_int(100, 999))
    email = fake.email()
    subject = create_subject(
        world.use_case(OPERATOR),
        NewSubject(kind="end_user", identifiers=[("phone", phone), ("email", email)]),
    )
    ctx = world.use_case(DCO)
    with pytest.raises(RequestRefused, match="no rights request about the subject is open"):
        ask_for_missing(ctx, AskForData(subject.id, "register_end_user"))
    request_id = _request(world, subject.id, email)

    needed, on = ask_for_missing(world.use_case(DCO), AskForData(subject.id, "register_end_user"))

    assert on == request_id
    assert needed.missing == ("identity.first_name", "identity.last_name")
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")
    deliver(world.use_case(DCO), mailer, render_letter)
    (letter,) = [m for m in inbox.to(email) if "Data we need" in str(m["Subject"])]
    text = body(letter)
    assert "For this we need your first name and your last name." in text
    assert "To register you as a new Akixi telephony reporting End User." in text
    assert "a contractual requirement: without it we cannot provide the service" in text
    assert str(request_id) in text
    assert phone not in text
    with world.uow() as uow:
        letters = [x for x, _, sent in uow.requests.letters_of(request_id) if sent is not None]
        (entry,) = [
            e for e in uow.audit.entries_about(str(subject.id)) if e.action == "required_data_asked"
        ]
    assert REQUIRED_DATA_LETTER in letters
    assert entry.details == {
        "request": str(request_id),
        "fields": ["identity.first_name", "identity.last_name"],
    }
    assert entry.purpose == "register_end_user"


def test_nothing_to_ask_several_requests_or_no_address_are_refused(
    world: World, fake: Faker
) -> None:
    email = fake.email()
    complete = create_subject(
        world.use_case(OPERATOR),
        NewSubject(kind="end_user", identifiers=[("name", fake.name()), ("email", email)]),
    )
    _request(world, complete.id, email)
    with pytest.raises(SubjectRefused, match="nothing to ask for"):
        ask_for_missing(world.use_case(DCO), AskForData(complete.id, "register_end_user"))

    lacking = create_subject(
        world.use_case(OPERATOR), NewSubject(kind="end_user", identifiers=[("name", fake.name())])
    )
    silent = _request(world, lacking.id, None)
    with pytest.raises(RequestRefused, match="no address to write to"):
        ask_for_missing(world.use_case(DCO), AskForData(lacking.id, "register_end_user"))
    other = _request(world, lacking.id, fake.email())
    with pytest.raises(RequestRefused, match="2 requests about the subject are open"):
        ask_for_missing(world.use_case(DCO), AskForData(lacking.id, "register_end_user"))
    with pytest.raises(RequestRefused, match="not an open request about the subject"):
        ask_for_missing(
            world.use_case(DCO),
            AskForData(lacking.id, "register_end_user", request_id=complete.id),
        )
    _, on = ask_for_missing(
        world.use_case(DCO), AskForData(lacking.id, "register_end_user", request_id=other)
    )
    assert on == other
    with world.uow() as uow:
        assert [x for x, _, _ in uow.requests.letters_of(silent) if x == "required_data"] == []
