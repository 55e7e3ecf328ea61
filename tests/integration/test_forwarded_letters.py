"""A caller's request about a tenant's call data, as the requester reads it (UK GDPR Art.
28(3)(a); legal-rules A9): acknowledged and forwarded, the letters name the tenant, the
controller, and how to reach it, and promise no answer date of ours. Delivered to a real SMTP
server (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import date

from faker import Faker

from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer
from dataward.domain.calendar import bank_holidays
from dataward.domain.gate import Gate
from dataward.domain.requests import RequestType
from dataward.domain.subjects import Actor
from dataward.services.outbox import deliver
from dataward.services.processor import forward_to_controller
from dataward.services.requests import NewRequest, receive_request
from dataward.services.tenants import ControllerContact, NewTenant, create_tenant
from tests.integration.test_letters import Inbox, _text, smtp  # noqa: F401 - the SMTP fixture
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
HOLIDAYS = bank_holidays()
LONG_DATE = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4}\b"
)


def _send(world: World, port: int) -> None:
    deliver(
        world.uow(), world.vault, SmtpMailer("127.0.0.1", port, "dco@example.org"),
        render_letter, world.clock, world.register,
    )  # fmt: skip


def test_the_requester_is_told_who_answers_and_how_to_reach_them_and_no_date_of_ours(
    world: World,
    fake: Faker,
    smtp: tuple[Inbox, int],  # noqa: F811 - the fixture imported above
) -> None:
    inbox, port = smtp
    controller = ControllerContact(name=fake.name(), email=fake.email())
    create_tenant(
        world.uow(), world.vault, world.clock, world.register, DCO,
        NewTenant(name="Northwind Contact Centres Ltd", id="northwind", contact=controller),
    )  # fmt: skip
    requester = fake.email()
    view = receive_request(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO,
        NewRequest(type=RequestType.ACCESS, received=date(2026, 11, 25), channel="email",
                   tenant_id="northwind", contact_email=requester),
    )  # fmt: skip
    assert view.due == date(2026, 11, 27)  # our own deadline: to forward it, not to answer it
    _send(world, port)
    (acknowledgement,) = inbox.messages
    text = _text(acknowledgement)
    assert "Northwind Contact Centres Ltd" in text
    assert "the controller" in text
    assert "within 2 working days" in text
    assert "answer it by" not in text
    assert LONG_DATE.findall(text) == ["25 November 2026"]  # the day received: no other date
    forward_to_controller(
        world.uow(), world.vault, world.clock, HOLIDAYS, Gate(world.register), DCO,
        str(view.request.id),
    )  # fmt: skip
    _send(world, port)
    to_requester = [m for m in inbox.messages[1:] if m["To"] == requester.lower()]
    (forwarded,) = to_requester
    body = _text(forwarded)
    assert "Northwind Contact Centres Ltd" in body  # the controller, by name
    assert controller.email.lower() in body  # and its contact route
    assert "they, not we, who answer" in body
    assert LONG_DATE.findall(body) == ["25 November 2026"]  # no answer date of ours
    assert str(view.request.id) in body
