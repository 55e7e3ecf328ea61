"""Letters to requesters through a real SMTP server (aiosmtpd, in process): queued with the
change that causes them, sent by the outbox job, retried when the server is away."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

import pytest
from aiosmtpd.controller import Controller
from faker import Faker

from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer
from dataward.domain.calendar import bank_holidays
from dataward.domain.requests import RefusalGround, RequestEvent, RequestType
from dataward.domain.subjects import Actor
from dataward.services.outbox import deliver
from dataward.services.requests import NewRequest, advance, receive_request, request_timeline
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
HOLIDAYS = bank_holidays()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, _server: object, _session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's hook name
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _text(message: Message) -> str:
    assert isinstance(message, EmailMessage)
    return str(message.get_content())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _send(world: World, port: int) -> object:
    mailer = SmtpMailer("127.0.0.1", port, "dco@example.org")
    return deliver(world.uow(), world.vault, mailer, render_letter, world.clock, world.register)


def test_an_acknowledgement_and_a_refusal_reach_the_requester(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    email, name = fake.email(), fake.name()
    view = receive_request(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO,
        NewRequest(type=RequestType.ACCESS, received=date(2026, 11, 20), channel="email",
                   contact_email=email, contact_name=name),
    )  # fmt: skip
    advance(
        world.uow(), world.clock, HOLIDAYS, world.register, DCO, view.request.id,
        RequestEvent.REFUSE, ground=RefusalGround.MANIFESTLY_EXCESSIVE,
        reason="it repeats the request you made on 2 November, answered on 10 November",
    )  # fmt: skip
    result = _send(world, port)
    assert (result.sent, result.failed) == (2, 0)  # type: ignore[attr-defined]
    acknowledgement, refusal = inbox.messages
    assert acknowledgement["To"] == email.lower()
    text = _text(acknowledgement)
    assert f"Dear {name}" in text
    assert "21 December 2026" in text  # the due date, 20 December being a Sunday
    body = _text(refusal)
    assert "manifestly excessive" in body
    assert "answered on 10 November" in body  # the reasons recorded with the refusal
    assert "https://ico.org.uk/make-a-complaint/" in body  # the right to complain to the ICO
    assert "judicial remedy" in body
    assert "https://www.akixi.com/privacy/complaints" in body  # our own complaints route
    assert str(view.request.id) in body
    assert email not in refusal["Subject"]
    assert _send(world, port).sent == 0  # type: ignore[attr-defined]  # each letter once
    _, _, letters = request_timeline(world.uow(), world.register, DCO, view.request.id)
    assert [(x.letter, x.sent_at is not None) for x in letters] == [
        ("acknowledgement", True),
        ("refusal", True),
    ]


def test_no_contact_no_letter(world: World, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    receive_request(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO,
        NewRequest(type=RequestType.ERASURE, received=date(2026, 11, 20), channel="post"),
    )  # fmt: skip
    assert _send(world, port).sent == 0  # type: ignore[attr-defined]
    assert inbox.messages == []


def test_a_letter_is_retried_when_the_server_is_away(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    receive_request(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO,
        NewRequest(type=RequestType.ACCESS, received=date(2026, 11, 24), channel="email",
                   contact_email=fake.email()),
    )  # fmt: skip
    away = _send(world, _free_port())
    assert (away.sent, away.failed) == (0, 1)  # type: ignore[attr-defined]
    assert _send(world, port).sent == 0  # type: ignore[attr-defined]  # not due again yet
    world.clock.advance(timedelta(minutes=3))
    assert _send(world, port).sent == 1  # type: ignore[attr-defined]
    assert len(inbox.messages) == 1
