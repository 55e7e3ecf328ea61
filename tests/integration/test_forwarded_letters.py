"""A caller's request about a tenant's call data, as the requester reads it (UK GDPR Art.
28(3)(a); docs/legal-rules.md A9): acknowledged and forwarded, the letters name the tenant, the
controller, and how to reach it, and promise no answer date of ours. Delivered to a real SMTP
server (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from faker import Faker

from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.domain.requests.workflow import (
    DueFor,
    RequestEvent,
    RequestRefused,
    RequestType,
    due_for,
)
from dataward.domain.subjects import Actor
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.outbox import deliver
from dataward.services.rights.processor import forward_to_controller
from dataward.services.rights.requests import Step, advance
from tests.integration.test_letters import Inbox, _text, smtp  # noqa: F401 - the SMTP fixture
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
LONG_DATE = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4}\b"
)


def _send(world: World, port: int) -> None:
    deliver(
        world.use_case(DCO),
        SmtpMailer(SmtpServer("127.0.0.1", port), "dco@example.org"),
        render_letter,
    )


def test_the_requester_is_told_who_answers_and_how_to_reach_them_and_no_date_of_ours(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    controller = ControllerContact(name=fake.name(), email=fake.email())
    create_tenant(
        world.use_case(DCO),
        NewTenant(name="Northwind Contact Centres Ltd", id="northwind", contact=controller),
    )
    requester = fake.email()
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id="northwind",
            contact_email=requester,
        ),
    )
    assert view.due == date(2026, 11, 27)  # our own deadline: to forward it, not to answer it
    _send(world, port)
    (acknowledgement,) = inbox.messages
    text = _text(acknowledgement)
    assert "Northwind Contact Centres Ltd" in text
    assert "the controller" in text
    assert "within 2 working days" in text
    assert "answer it by" not in text
    assert LONG_DATE.findall(text) == ["25 November 2026"]  # the day received: no other date
    forward_to_controller(world.use_case(DCO), str(view.request.id))
    _send(world, port)
    to_requester = [m for m in inbox.messages[1:] if m["To"] == requester.lower()]
    (forwarded,) = to_requester
    body = _text(forwarded)
    assert "Northwind Contact Centres Ltd" in body  # the controller, by name
    assert controller.email.lower() in body  # and its contact route
    assert "they, not we, who answer" in body
    assert LONG_DATE.findall(body) == ["25 November 2026"]  # no answer date of ours
    assert str(view.request.id) in body


def test_a_request_the_tenants_administrator_records_is_with_its_controller_to_answer(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    """The tenant's own administrator records a request a caller made to the tenant: the
    controller has it, so it is due to be answered (one month), not forwarded; no letter of
    ours speaks for the controller (it writes to its caller itself); and our staff can neither
    forward it to a controller that has it nor close it."""
    inbox, port = smtp
    controller = ControllerContact(name=fake.name(), email=fake.email())
    create_tenant(
        world.use_case(DCO),
        NewTenant(name="Northwind Contact Centres Ltd", id="northwind", contact=controller),
    )
    admin = Actor(id="northwind-admin", role="tenant_admin", tenant_id="northwind")
    view = receive_request(
        world.use_case(admin),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id="northwind",
            contact_email=fake.email(),
        ),
    )
    assert view.request.by_controller
    # a month from Wednesday 25 November is Christmas Day; Boxing Day is a Saturday, its bank
    # holiday Monday the 28th: due Tuesday 29 December
    assert (view.due, due_for(view.request)) == (date(2026, 12, 29), DueFor.ANSWER)
    _send(world, port)
    assert inbox.messages == []
    with pytest.raises(RequestRefused, match="its controller's to answer"):
        advance(world.use_case(DCO), view.request.id, Step(RequestEvent.WITHDRAW))
    with pytest.raises(RequestRefused, match="with its controller already"):
        forward_to_controller(world.use_case(DCO), str(view.request.id))
    # a request we received about the same tenant's calls is still ours to forward
    ours = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 25),
            channel="email",
            tenant_id="northwind",
        ),
    )
    assert (ours.request.by_controller, due_for(ours.request)) == (False, DueFor.FORWARDING)


def test_a_tenants_request_entered_after_its_forwarding_date_promises_no_working_days(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    create_tenant(
        world.use_case(DCO),
        NewTenant(
            name="Northwind Contact Centres Ltd",
            id="northwind",
            contact=ControllerContact(name=fake.name(), email=fake.email()),
        ),
    )
    receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 9),
            channel="post",
            tenant_id="northwind",
            contact_email=fake.email(),
        ),
    )
    _send(world, port)
    text = " ".join(_text(inbox.messages[0]).split())
    assert "We will pass it to them without further delay" in text
    assert "working days" not in text
