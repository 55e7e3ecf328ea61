"""Fees only where the law allows, with an amount, on real databases: the fee letter, sent
through a real SMTP server, states the amount and how to pay; a further-copy fee asked of an
erasure requester, or an amount past the register's bounds, changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.errors import OutOfRange
from dataward.domain.requests.fees import FeeNotAllowed, FeeSchedule
from dataward.domain.requests.workflow import (
    FeeGround,
    RefusalGround,
    RequestEvent,
    RequestState,
    RequestType,
)
from dataward.domain.subjects import Actor
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance, request_timeline
from tests.builders import a_subject
from tests.integration.test_letters import Inbox, _send, _server, _text
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server in process (aiosmtpd), and its port."""
    yield from _server()


def _receive(
    world: World, kind: RequestType, email: str | None = None, subject_id: UUID | None = None
) -> str:
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=kind,
            received=date(2026, 11, 20),
            channel="email",
            contact_email=email,
            subject_id=subject_id,
        ),
    )
    return str(view.request.id)


def _subject(world: World) -> UUID:
    subject = a_subject("end_user")
    with world.uow() as uow:
        uow.subjects.add(subject)
        uow.commit()
    return subject.id


def _answered_access(
    world: World, subject_id: UUID, end: RequestEvent, kind: RequestType = RequestType.ACCESS
) -> None:
    """An earlier request of the subject's, received 5 October 2026, worked and ended by `end`."""
    request_id = world.working_request(
        DCO,
        NewRequest(type=kind, received=date(2026, 10, 5), channel="post", subject_id=subject_id),
    )
    ground = RefusalGround.MANIFESTLY_UNFOUNDED if end is RequestEvent.REFUSE else None
    advance(
        world.use_case(DCO), request_id, Step(end, ground=ground, reason="the copy sent by post")
    )


def _ask_fee(world: World, request_id: str, ground: FeeGround, **kw: object) -> object:
    return advance(
        world.use_case(DCO),
        request_id,
        Step(
            RequestEvent.ASK_FEE,
            ground=ground,
            reason="the fourth copy of the same calls this month",
            **kw,
        ),
    )


def test_the_fee_letter_states_the_amount_and_how_to_pay(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    subject_id = _subject(world)
    _answered_access(world, subject_id, RequestEvent.COMPLETE)
    copy = _receive(world, RequestType.ACCESS, fake.email(), subject_id=subject_id)
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
    assert [d.get("fee_pence") for d in audited if d.get("fee_pence")] == [1000, 1250]


def test_an_erasure_requester_is_not_asked_for_a_further_copy_fee(
    world: World, fake: Faker
) -> None:
    request_id = _receive(world, RequestType.ERASURE, fake.email())
    with pytest.raises(FeeNotAllowed, match="access requests only"):
        _ask_fee(world, request_id, FeeGround.FURTHER_COPY)
    view, events, letters = request_timeline(world.use_case(DCO), request_id)
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


# -- a further copy is a copy after the first (Art. 15(3)) ------------------------------------


def _unchanged(world: World, request_id: str) -> None:
    view, events, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.RECEIVED
    assert (view.request.fee_ground, view.request.fee_pence) == (None, None)
    assert [e.event for e in events] == [RequestEvent.RECEIVE]
    assert [x.letter for x in letters] == ["acknowledgement"]  # no fee letter


def test_a_further_copy_fee_is_refused_on_a_subjects_first_access_request(
    world: World, fake: Faker
) -> None:
    subject_id = _subject(world)
    first = _receive(world, RequestType.ACCESS, fake.email(), subject_id=subject_id)
    with pytest.raises(FeeNotAllowed) as refused:
        _ask_fee(world, first, FeeGround.FURTHER_COPY)
    assert str(refused.value) == (
        "ground: further_copy is for copies after the first (Art. 15(3)): no earlier access "
        "request of this subject was completed; manifestly_unfounded or manifestly_excessive"
    )
    assert refused.value.code == "fee_not_allowed"
    _unchanged(world, first)
    # on the grounds the law allows for any request, a fee may still be asked
    asked = _ask_fee(world, first, FeeGround.MANIFESTLY_EXCESSIVE)
    assert asked.request.state is RequestState.AWAITING_FEE  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("end", "kind"),
    [
        (RequestEvent.REFUSE, RequestType.ACCESS),  # refused: no copy was supplied
        (RequestEvent.WITHDRAW, RequestType.ACCESS),
        (RequestEvent.START, RequestType.ACCESS),  # still being worked
        (RequestEvent.COMPLETE, RequestType.PORTABILITY),  # data, but not an access copy
        (RequestEvent.COMPLETE, RequestType.ERASURE),
    ],
)
def test_a_further_copy_fee_needs_an_access_request_completed_before(
    world: World, fake: Faker, end: RequestEvent, kind: RequestType
) -> None:
    subject_id = _subject(world)
    if end is RequestEvent.START:
        world.working_request(
            DCO,
            NewRequest(
                type=kind, received=date(2026, 10, 5), channel="post", subject_id=subject_id
            ),
        )
    else:
        _answered_access(world, subject_id, end, kind)
    second = _receive(world, RequestType.ACCESS, fake.email(), subject_id=subject_id)
    with pytest.raises(FeeNotAllowed, match="no earlier access request of this subject"):
        _ask_fee(world, second, FeeGround.FURTHER_COPY)
    _unchanged(world, second)


def test_a_request_that_names_no_subject_had_no_copy_before(world: World, fake: Faker) -> None:
    nobody = _receive(world, RequestType.ACCESS, fake.email())  # matches no subject of ours
    with pytest.raises(FeeNotAllowed) as refused:
        _ask_fee(world, nobody, FeeGround.FURTHER_COPY)
    assert str(refused.value) == (
        "ground: further_copy is for copies after the first (Art. 15(3)): the request names "
        "no subject, so no copy was supplied before; manifestly_unfounded or "
        "manifestly_excessive"
    )
    _unchanged(world, nobody)


@pytest.mark.parametrize("end", [RequestEvent.COMPLETE, RequestEvent.COMPLETE_PARTIALLY])
def test_a_further_copy_fee_is_asked_after_a_completed_access_request(
    world: World, end: RequestEvent
) -> None:
    subject_id = _subject(world)
    _answered_access(world, subject_id, end)
    other = _subject(world)  # another person's first request stays free of it
    mine, theirs = (
        _receive(world, RequestType.ACCESS, subject_id=who) for who in (subject_id, other)
    )
    asked = _ask_fee(world, mine, FeeGround.FURTHER_COPY)
    assert (asked.request.state, asked.request.fee_pence) == (RequestState.AWAITING_FEE, 1000)  # type: ignore[attr-defined]
    with pytest.raises(FeeNotAllowed, match="no earlier access request of this subject"):
        _ask_fee(world, theirs, FeeGround.FURTHER_COPY)
