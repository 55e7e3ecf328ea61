"""Letters to requesters through a real SMTP server (aiosmtpd, in process): queued with the
change that causes them, sent by the outbox job, retried when the server is away."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

import pytest
from aiosmtpd.controller import Controller
from faker import Faker
from sqlalchemy import select

from dataward.adapters.mail.letters import render_letter
from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.adapters.sql.rights.requests import verification_codes
from dataward.domain.requests.workflow import (
    RefusalGround,
    RequestEvent,
    RequestRefused,
    RequestType,
)
from dataward.domain.subjects import Actor
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.outbox import deliver
from dataward.services.rights.requests import Step, advance, request_timeline
from dataward.services.rights.verification import REQUESTER, check_code, send_code
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.recipients: list[str] = []
        """Every envelope recipient (RCPT TO), in order: where the server delivers."""

    async def handle_DATA(self, _server: object, _session: object, envelope: object) -> str:  # noqa: N802 - aiosmtpd's hook name
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(content, policy=policy.default))
        self.recipients.extend(envelope.rcpt_tos)  # type: ignore[attr-defined]
        return "250 OK"


def _server(**options: object) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from _server()


@pytest.fixture
def smtputf8() -> Iterator[tuple[Inbox, int]]:
    """A server that takes internationalised addresses (RFC 6531)."""
    yield from _server(enable_SMTPUTF8=True)


def _text(message: Message) -> str:
    assert isinstance(message, EmailMessage)
    return str(message.get_content())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _send(world: World, port: int) -> object:
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@example.org")
    return deliver(world.use_case(DCO), mailer, render_letter)


def test_an_acknowledgement_and_a_refusal_reach_the_requester(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    email, name = fake.email(), fake.name()
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 20),
            channel="email",
            contact_email=email,
            contact_name=name,
        ),
    )
    advance(
        world.use_case(DCO),
        view.request.id,
        Step(
            RequestEvent.REFUSE,
            ground=RefusalGround.MANIFESTLY_EXCESSIVE,
            reason="it repeats the request you made on 2 November, answered on 10 November",
        ),
    )
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
    _, _, letters = request_timeline(world.use_case(DCO), view.request.id)
    assert [(x.letter, x.sent_at is not None) for x in letters] == [
        ("acknowledgement", True),
        ("refusal", True),
    ]


@pytest.mark.parametrize(
    ("typed", "delivered"),
    [
        ("Straße@Faß.example", "Straße@xn--fa-hia.example"),  # not strasse@fass.example
        ("Ann.Smith@Example.ORG", "Ann.Smith@example.org"),
    ],
)
def test_a_letter_goes_to_the_mailbox_typed(
    world: World, smtputf8: tuple[Inbox, int], typed: str, delivered: str
) -> None:
    inbox, port = smtputf8
    receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 20),
            channel="email",
            contact_email=typed,
        ),
    )
    assert _send(world, port).sent == 1  # type: ignore[attr-defined]
    assert inbox.recipients == [delivered]
    (letter,) = inbox.messages
    assert letter["To"] == delivered


def test_no_contact_no_letter(world: World, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    receive_request(
        world.use_case(DCO),
        NewRequest(type=RequestType.ERASURE, received=date(2026, 11, 20), channel="post"),
    )
    assert _send(world, port).sent == 0  # type: ignore[attr-defined]
    assert inbox.messages == []


def test_a_letter_is_retried_when_the_server_is_away(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 24),
            channel="email",
            contact_email=fake.email(),
        ),
    )
    away = _send(world, _free_port())
    assert (away.sent, away.failed) == (0, 1)  # type: ignore[attr-defined]
    assert _send(world, port).sent == 0  # type: ignore[attr-defined]  # not due again yet
    world.clock.advance(timedelta(minutes=3))
    assert _send(world, port).sent == 1  # type: ignore[attr-defined]
    assert len(inbox.messages) == 1


def test_a_one_time_code_by_email_verifies_identity(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=date(2026, 11, 24),
            channel="portal",
            contact_email=fake.email(),
        ),
    )
    request_id = view.request.id
    with pytest.raises(RequestRefused, match="awaits identity"):
        send_code(world.use_case(DCO), request_id)
    advance(world.use_case(DCO), request_id, Step(RequestEvent.ASK_IDENTITY))
    send_code(world.use_case(DCO), request_id)
    with world.engine.connect() as connection:
        stored = connection.execute(select(verification_codes.c.code_hash)).scalar_one()
    _send(world, port)
    letter = next(m for m in inbox.messages if "code" in str(m["Subject"]))
    code = re.search(r"^\s+(\d{6})\s*$", _text(letter), re.MULTILINE).group(1)  # type: ignore[union-attr]
    assert code.encode() not in stored  # kept as a keyed hash only
    wrong = "000000" if code != "000000" else "111111"
    assert not check_code(world.use_case(REQUESTER), request_id, wrong)
    world.clock.advance(timedelta(days=2))  # identity arrives on 26 November
    with pytest.raises(RequestRefused, match="no longer works"):  # expired after a day
        check_code(world.use_case(REQUESTER), request_id, code)
    send_code(world.use_case(DCO), request_id)
    _send(world, port)
    latest = [m for m in inbox.messages if "code" in str(m["Subject"])][-1]
    fresh = re.search(r"^\s+(\d{6})\s*$", _text(latest), re.MULTILINE).group(1)  # type: ignore[union-attr]
    assert check_code(world.use_case(REQUESTER), request_id, fresh)
    _, events, _ = request_timeline(world.use_case(DCO), request_id)
    assert events[-1].event is RequestEvent.IDENTITY_VERIFIED
    assert events[-1].actor == "requester"
    with pytest.raises(RequestRefused):  # used once
        check_code(world.use_case(REQUESTER), request_id, fresh)


def test_five_wrong_codes_and_the_code_is_dead(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    _inbox, _port = smtp
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 24),
            channel="portal",
            contact_email=fake.email(),
        ),
    )
    advance(world.use_case(DCO), view.request.id, Step(RequestEvent.ASK_IDENTITY))
    send_code(world.use_case(DCO), view.request.id)
    for _ in range(5):
        check_code(world.use_case(REQUESTER), view.request.id, "x")
    with pytest.raises(RequestRefused, match="no longer works"):
        check_code(world.use_case(REQUESTER), view.request.id, "123456")


def test_every_state_that_sends_a_letter_reaches_the_server(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    from dataward.adapters.mail.letters import SUBJECTS
    from dataward.domain.requests.workflow import LETTER_FOR, FeeGround
    from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
    from dataward.services.rights.processor import forward_to_controller

    inbox, port = smtp

    def receive(**kw: object) -> object:
        return receive_request(
            world.use_case(DCO),
            NewRequest(
                **{  # type: ignore[arg-type]
                    "type": RequestType.ACCESS,
                    "received": date(2026, 11, 20),
                    "channel": "email",
                    "contact_email": fake.email(),
                    **kw,
                }
            ),
        )

    def step(request_id: object, event: RequestEvent, **kw: object) -> None:
        advance(world.use_case(DCO), str(request_id), Step(event, **kw))

    worked = receive().request.id  # type: ignore[attr-defined]
    step(worked, RequestEvent.ASK_IDENTITY)
    step(worked, RequestEvent.IDENTITY_VERIFIED, reason="passport seen")
    step(
        worked,
        RequestEvent.ASK_FEE,
        ground=FeeGround.MANIFESTLY_EXCESSIVE,
        reason="the fourth copy this month",
    )
    step(worked, RequestEvent.FEE_PAID)
    step(worked, RequestEvent.START)
    step(worked, RequestEvent.ASK_CLARIFICATION)
    step(worked, RequestEvent.CLARIFIED)
    step(worked, RequestEvent.EXTEND, reason="thousands of calls to go through")
    step(worked, RequestEvent.COMPLETE, reason="sent by post")
    refused = receive().request.id  # type: ignore[attr-defined]
    step(
        refused,
        RequestEvent.REFUSE,
        ground=RefusalGround.MANIFESTLY_UNFOUNDED,
        reason="it offers to withdraw for payment",
    )
    create_tenant(
        world.use_case(DCO),
        NewTenant(
            name="Tenant C",
            id="tenant-c",
            contact=ControllerContact(name=fake.name(), email=fake.email()),
        ),
    )
    tenants = receive(tenant_id="tenant-c").request.id  # type: ignore[attr-defined]
    forward_to_controller(world.use_case(DCO), str(tenants))
    assert _send(world, port).sent == 6 + 2 + 3  # type: ignore[attr-defined]
    got = {str(m["Subject"]).rsplit(" (", 1)[0] for m in inbox.messages}
    wanted = {SUBJECTS[letter] for letter in LETTER_FOR.values()} | {SUBJECTS["controller_notice"]}
    assert wanted <= got
    for message in inbox.messages:  # every letter names its request by the reference
        short = str(message["Subject"]).rsplit(" (", 1)[1].rstrip(")")
        assert short in _text(message)
