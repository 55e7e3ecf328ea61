"""Fees only where the law allows, with an amount, on real databases: the fee letter, sent
through a real SMTP server, states the amount and how to pay; a further-copy fee asked of an
erasure requester, or an amount past the register's bounds, changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from faker import Faker

from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import OutOfRange
from dataward.domain.fees import FeeNotAllowed, FeeSchedule
from dataward.domain.requests import FeeGround, RequestEvent, RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.requests import NewRequest, advance, receive_request, request_timeline
from tests.integration.test_letters import Inbox, _send, _server, _text
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
HOLIDAYS = bank_holidays()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server in process (aiosmtpd), and its port."""
    yield from _server()


def _receive(world: World, kind: RequestType, email: str | None = None) -> str:
    view = receive_request(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO,
        NewRequest(type=kind, received=date(2026, 11, 20), channel="email", contact_email=email),
    )  # fmt: skip
    return str(view.request.id)


def _ask_fee(world: World, request_id: str, ground: FeeGround, **kw: object) -> object:
    return advance(
        world.uow(), world.clock, HOLIDAYS, world.register, DCO, request_id, RequestEvent.ASK_FEE,
        ground=ground, reason="the fourth copy of the same calls this month",
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_fee_letter_states_the_amount_and_how_to_pay(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    copy = _receive(world, RequestType.ACCESS, fake.email())
    view = _ask_fee(world, copy, FeeGround.FURTHER_COPY)
    assert view.request.fee_pence == 1000  # type: ignore[attr-defined]  # the register's amount
    chosen = _receive(world, RequestType.ERASURE, fake.email())
    _ask_fee(world, chosen, FeeGround.MANIFESTLY_EXCESSIVE, fee_pence=1250)
    assert _send(world, port).sent == 4  # type: ignore[attr-defined]
    fee_letters = [_text(m) for m in inbox.messages if "fee" in str(m["Subject"])]
    assert len(fee_letters) == 2
    further, excessive = fee_letters
    assert "a request for a further copy" in further
    assert "The fee is £10.00." in further
    assert "manifestly excessive" in excessive
    assert "The fee is £12.50." in excessive
    for letter in fee_letters:
        assert f"How to pay: {world.register.fees.how_to_pay}" in letter
        assert "Why: the fourth copy of the same calls this month" in letter
        assert "the time we have to answer runs from that day" in letter
        assert "https://ico.org.uk/make-a-complaint/" in letter
    with world.uow() as uow:
        audited = [e.details for e in uow.audit.iter_entries() if e.details.get("event")]
    assert [d.get("fee_pence") for d in audited] == [1000, 1250]


def test_an_erasure_requester_is_not_asked_for_a_further_copy_fee(
    world: World, fake: Faker
) -> None:
    request_id = _receive(world, RequestType.ERASURE, fake.email())
    with pytest.raises(FeeNotAllowed, match="access requests only"):
        _ask_fee(world, request_id, FeeGround.FURTHER_COPY)
    view, events, letters = request_timeline(world.uow(), world.register, DCO, request_id)
    assert view.request.state is RequestState.RECEIVED
    assert (view.request.fee_ground, view.request.fee_pence) == (None, None)
    assert [e.event for e in events] == [RequestEvent.RECEIVE]
    assert [x.letter for x in letters] == ["acknowledgement"]  # no fee letter


def test_the_amount_comes_from_the_registers_schedule_within_its_bounds(world: World) -> None:
    world.register = world.register.model_copy(
        update={"fees": FeeSchedule(manifestly_unfounded_pence=1800, max_pence=4000)}
    )
    request_id = _receive(world, RequestType.PORTABILITY)
    for beyond in (4001, 0):
        with pytest.raises(OutOfRange, match=r"^amount: whole pence from 1 to 4000 \(£40\.00\)$"):
            _ask_fee(world, request_id, FeeGround.MANIFESTLY_UNFOUNDED, fee_pence=beyond)
    with world.uow() as uow:
        unchanged, _, _ = uow.requests.get(request_id)  # type: ignore[misc]
    assert unchanged.state is RequestState.RECEIVED
    view = _ask_fee(world, request_id, FeeGround.MANIFESTLY_UNFOUNDED)
    assert view.request.fee_pence == 1800  # type: ignore[attr-defined]
    with world.uow() as uow:
        stored, _, _ = uow.requests.get(request_id)  # type: ignore[misc]
    assert (stored.fee_ground, stored.fee_pence) == (FeeGround.MANIFESTLY_UNFOUNDED, 1800)
