"""The outreach outbox on real databases and a real SMTP server: a message is made as it goes,
sent once, withheld when its maker says so, retried when the server is away, kept waiting
when its channel has no carrier, and gone with its subject's erasure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.mail.smtp import SmtpMailer, SmtpServer
from dataward.adapters.sql.outreach.messages import outbound_messages
from dataward.domain.outreach import (
    KEEP_DONE,
    Email,
    MessageChannel,
    MessageKind,
    OutboundMessage,
    Withheld,
)
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.outreach.outbox import deliver_messages
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World
from tests.support.smtp_inbox import Inbox, body, smtp_server

DCO = Actor(id="staff-dco", role="dco")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


class _Maker:
    """Makes a message to a fixed address, or withholds those it is told to, and notes the
    role it was asked to act as."""

    def __init__(self, address: str, withhold: set[UUID] | None = None) -> None:
        self.address, self.withhold, self.roles = address, withhold or set(), []

    def __call__(self, ctx: UseCase, message: OutboundMessage) -> Email | Withheld:
        self.roles.append(ctx.actor.role)
        if message.subject_id in self.withhold:
            return Withheld("objection_upheld")
        return Email(
            self.address,
            "Akixi Marketing <marketing@akixi.com>",
            f"News {message.ref}",
            "Hello\n",
            (("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),),
        )


def _subject(world: World, fake: Faker) -> UUID:
    made = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", fake.email())]),
    )
    return made.id


def _queue(world: World, subject: UUID, channel: MessageChannel = MessageChannel.EMAIL) -> UUID:
    message = OutboundMessage(
        uuid4(), MessageKind.MARKETING, subject, channel, "c1", "marketing", world.clock.now()
    )
    with world.uow() as uow:
        uow.messages.queue([message])
        uow.commit()
    return message.id


def _status(world: World) -> dict[str, str]:
    t = outbound_messages.c
    with world.engine.connect() as connection:
        return {row.id: row.status for row in connection.execute(select(t.id, t.status))}


def test_a_message_is_made_as_it_goes_and_sent_once(
    world: World, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    sent, held = _subject(world, fake), _subject(world, fake)
    first, second = _queue(world, sent), _queue(world, held)
    address = fake.email()
    maker = _Maker(address, withhold={held})
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")

    result = deliver_messages(
        world.use_case(DCO), {"email": mailer}, {MessageKind.MARKETING: maker}
    )

    assert (result.sent, result.withheld, result.failed) == (1, 1, 0)
    assert maker.roles == ["marketing", "marketing"]  # made as the role it was queued under
    [message] = inbox.messages
    assert str(message["To"]) == address
    assert str(message["From"]) == "Akixi Marketing <marketing@akixi.com>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert body(message).strip() == "Hello"
    assert _status(world) == {str(first): "sent", str(second): "withheld"}
    again = deliver_messages(world.use_case(DCO), {"email": mailer}, {MessageKind.MARKETING: maker})
    assert again.sent == 0
    assert len(inbox.messages) == 1


def test_a_server_away_is_retried_later_and_nothing_is_marked_sent(
    world: World, fake: Faker
) -> None:
    subject = _subject(world, fake)
    message = _queue(world, subject)
    away = SmtpMailer(SmtpServer("127.0.0.1", 9, timeout=2), "dco@akixi.com")
    maker = _Maker(fake.email())

    result = deliver_messages(world.use_case(DCO), {"email": away}, {MessageKind.MARKETING: maker})

    assert (result.sent, result.failed) == (0, 1)
    t = outbound_messages.c
    with world.engine.connect() as connection:
        row = connection.execute(select(outbound_messages).where(t.id == str(message))).one()
    assert row.status == "queued"
    assert row.attempts == 1
    assert row.last_error
    assert "@" not in row.last_error
    assert row.due_at > world.clock.now()  # not due again at once
    later = deliver_messages(world.use_case(DCO), {"email": away}, {MessageKind.MARKETING: maker})
    assert later.failed == 0  # waits for its retry time


def test_a_channel_without_a_carrier_keeps_its_messages_queued(world: World, fake: Faker) -> None:
    subject = _subject(world, fake)
    message = _queue(world, subject, MessageChannel.SMS)
    maker = _Maker(fake.email())

    result = deliver_messages(world.use_case(DCO), {}, {MessageKind.MARKETING: maker})

    assert result.waiting == 1
    assert maker.roles == []
    assert _status(world) == {str(message): "queued"}


def test_done_messages_go_after_their_time_and_erasure_takes_the_rest(
    world: World, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    _inbox, port = smtp
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")
    maker = _Maker(fake.email())
    done, waiting = _subject(world, fake), _subject(world, fake)
    _queue(world, done)
    deliver_messages(world.use_case(DCO), {"email": mailer}, {MessageKind.MARKETING: maker})
    _queue(world, waiting, MessageChannel.POST)

    world.clock.advance(KEEP_DONE + timedelta(minutes=1))
    deliver_messages(world.use_case(DCO), {"email": mailer}, {MessageKind.MARKETING: maker})
    assert list(_status(world).values()) == ["queued"]

    with world.uow() as uow:
        held = uow.subjects.get(waiting)
        assert held is not None
        uow.subjects.erase(held, at=world.clock.now(), reason="erasure_request", request_ref=None)
        uow.commit()
    with world.engine.connect() as connection:
        left = connection.execute(select(func.count()).select_from(outbound_messages)).scalar()
    assert left == 0


def test_messages_waiting_for_a_carrier_never_hold_up_the_others(
    world: World, fake: Faker, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    for _ in range(3):  # older, on a channel no carrier takes yet
        _queue(world, _subject(world, fake), MessageChannel.SMS)
    world.clock.advance(timedelta(minutes=1))
    address = fake.email()
    _queue(world, _subject(world, fake))
    mailer = SmtpMailer(SmtpServer("127.0.0.1", port), "dco@akixi.com")

    result = deliver_messages(
        world.use_case(DCO), {"email": mailer}, {MessageKind.MARKETING: _Maker(address)}, limit=3
    )

    assert (result.sent, result.waiting) == (1, 3)
    assert inbox.recipients == [address]
