"""Deadlines never reset by lateness, on real databases: the date fixed when something is asked
after it, the days late of an answer in the timeline, the queue and the audit log, and the
DCO's flags. Today is Wednesday 25 November 2026 (the world's clock)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from faker import Faker

from dataward.domain.requests.workflow import (
    UK,
    AuthorityProof,
    FeeGround,
    RefusalGround,
    RequestEvent,
    RequestRefused,
    RequestType,
    Urgency,
    urgency,
)
from dataward.domain.subjects import Actor
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance, request_queue, request_timeline
from tests.integration.test_letters import Inbox, _send, _server, _text
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
# Thursday 1 October 2026: due Monday 2 November (the 1st is a Sunday), 23 days ago.
RECEIVED, DUE = date(2026, 10, 1), date(2026, 11, 2)


def _receive(world: World, received: date = RECEIVED, **kw: object) -> str:
    view = receive_request(
        world.use_case(DCO),
        NewRequest(type=RequestType.ACCESS, received=received, channel="post", **kw),  # type: ignore[arg-type]
    )
    return str(view.request.id)


def _advance(world: World, request_id: str, event: RequestEvent, **kw: object):  # type: ignore[no-untyped-def]
    return advance(world.use_case(DCO), request_id, Step(event, **kw))


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server in process (aiosmtpd), and its port."""
    yield from _server()


def _today(world: World) -> date:
    return world.clock.now().astimezone(UK).date()


def test_identity_asked_after_the_due_date_leaves_it_overdue_and_flagged(world: World) -> None:
    request_id = _receive(world)
    asked = _advance(world, request_id, RequestEvent.ASK_IDENTITY)
    assert (asked.due, asked.request.fixed_due) == (DUE, DUE)
    world.clock.advance(timedelta(days=2))
    verified = _advance(world, request_id, RequestEvent.IDENTITY_VERIFIED, reason="passport")
    assert verified.due == DUE  # not 27 December: the clock did not restart
    (queued,) = request_queue(world.use_case(DCO))
    assert queued.due == DUE
    assert urgency(queued.request, queued.due, _today(world)) is Urgency.OVERDUE
    assert queued.flag is not None
    assert queued.flag.splitlines() == [
        "identity asked after the due date 2026-11-02: the date stands, the request is overdue",
        (
            "identity asked 2026-11-25, more than 5 working days after receipt (2026-10-01): it "
            "is due without undue delay"
        ),
    ]
    with world.uow() as uow:
        stored, _, due = uow.requests.get(request_id)  # type: ignore[misc]
    assert (stored.fixed_due, due) == (DUE, DUE)


def test_a_late_completion_is_recorded_with_its_days_in_timeline_queue_and_audit(
    world: World,
) -> None:
    request_id = _receive(world)
    _advance(world, request_id, RequestEvent.START)
    done = _advance(world, request_id, RequestEvent.COMPLETE, reason="sent by post")
    assert done.request.days_late == 23
    view, events, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.days_late == 23
    assert [(e.event, e.days_late) for e in events] == [
        (RequestEvent.RECEIVE, None),
        (RequestEvent.START, None),
        (RequestEvent.COMPLETE, 23),
    ]
    assert view.flag == "complete 23 days late"
    (closed,) = request_queue(world.use_case(DCO), include_closed=True)
    assert closed.request.days_late == 23
    with world.uow() as uow:
        last = list(uow.audit.iter_entries())[-1]
    assert (last.details["event"], last.details["days_late"]) == ("complete", 23)


def test_a_late_refusal_is_accepted_and_recorded_late(world: World) -> None:
    request_id = _receive(world, received=date(2026, 10, 23))  # due Monday 23 November
    refused = _advance(
        world,
        request_id,
        RequestEvent.REFUSE,
        ground=RefusalGround.MANIFESTLY_UNFOUNDED,
        reason="it offers to withdraw the request for payment",
    )
    assert refused.request.closed
    assert refused.request.days_late == 2


def test_an_answer_in_time_is_not_late_nor_flagged(world: World) -> None:
    request_id = _receive(world, received=date(2026, 11, 20))
    _advance(world, request_id, RequestEvent.ASK_IDENTITY)  # three working days on
    _advance(world, request_id, RequestEvent.IDENTITY_VERIFIED, reason="passport")
    _advance(world, request_id, RequestEvent.START)
    done = _advance(world, request_id, RequestEvent.COMPLETE)
    assert (done.request.days_late, done.flag) == (None, None)


def test_how_many_working_days_identity_may_wait_is_configurable(world: World) -> None:
    # Monday 16 November: the 25th is the seventh working day after it
    request_id = _receive(world, received=date(2026, 11, 16))
    assert _advance(world, request_id, RequestEvent.ASK_IDENTITY, identity_within=7).flag is None
    other = _receive(world, received=date(2026, 11, 16))
    flagged = _advance(world, other, RequestEvent.ASK_IDENTITY, identity_within=6)
    assert flagged.flag is not None
    assert "more than 6 working days after receipt (2026-11-16)" in flagged.flag


def test_an_answer_to_a_clarification_before_it_was_asked_is_refused(world: World) -> None:
    request_id = _receive(world, received=date(2026, 11, 20))
    _advance(world, request_id, RequestEvent.START)
    _advance(world, request_id, RequestEvent.ASK_CLARIFICATION)
    with pytest.raises(RequestRefused, match=r"no earlier than the day the question was asked"):
        _advance(world, request_id, RequestEvent.CLARIFIED, on=date(2026, 11, 24))
    world.clock.advance(timedelta(days=1))
    answered = _advance(world, request_id, RequestEvent.CLARIFIED, on=date(2026, 11, 25))
    assert answered.request.paused_days == 1


def test_a_representatives_proof_asked_late_does_not_move_the_due_date(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    request_id = _receive(world, representative=True, contact_email=fake.email())
    _advance(world, request_id, RequestEvent.ASK_IDENTITY)  # asks for the authority too
    assert _send(world, port).sent == 2  # type: ignore[attr-defined]
    letter = _text(inbox.messages[-1]).replace("\r\n", "\n")
    assert "please also send proof that you may do so for them" in letter
    _advance(world, request_id, RequestEvent.AUTHORITY_RECEIVED, ground=AuthorityProof.SOLICITOR)
    proved = _advance(world, request_id, RequestEvent.IDENTITY_VERIFIED, reason="passport")
    assert (proved.request.authority_received, proved.due) == (_today(world), DUE)


def test_an_identity_letter_to_a_person_asking_for_themselves_asks_no_authority(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    request_id = _receive(world, received=date(2026, 11, 20), contact_email=fake.email())
    _advance(world, request_id, RequestEvent.ASK_IDENTITY)
    _send(world, port)
    letter = _text(inbox.messages[-1])
    assert "proof of who you are" in letter
    assert "acting for someone else" not in letter


@pytest.mark.parametrize("within", [0, -1, 31])
def test_the_working_days_identity_may_wait_are_bounded(world: World, within: int) -> None:
    request_id = _receive(world)
    with pytest.raises(RequestRefused, match="identity_within: 1 to 30 working days"):
        _advance(world, request_id, RequestEvent.ASK_IDENTITY, identity_within=within)


# -- the letters asking for something say what happens to the date --------------------------


def _letter(world: World, port: int, inbox: Inbox, subject: str) -> str:
    _send(world, port)
    (letter,) = [m for m in inbox.messages if subject in str(m["Subject"])]
    return " ".join(_text(letter).split())


@dataclass(frozen=True)
class Ask:
    """An event that asks the requester for something, the words of its letter's subject
    line, what the event carries, and what the letter says of the date (or of what is asked)."""

    event: RequestEvent
    subject: str
    kw: dict[str, object]
    says: str


FEE = {"ground": FeeGround.MANIFESTLY_EXCESSIVE, "reason": "the fifth copy this month"}


def _event(ask: Ask) -> str:
    return ask.event.value


@pytest.mark.parametrize(
    "ask",
    [
        Ask(
            RequestEvent.ASK_IDENTITY,
            "confirm who you are",
            {},
            "the time we have to answer runs from when we receive it",
        ),
        Ask(
            RequestEvent.ASK_FEE,
            "About a fee",
            FEE,
            "the time we have to answer runs from that day",
        ),
        Ask(
            RequestEvent.ASK_CLARIFICATION,
            "tell us more",
            {},
            "The time we have to answer stops until we receive your answer",
        ),
    ],
    ids=_event,
)
def test_a_letter_asked_in_time_says_the_clock_waits_for_the_answer(
    world: World, smtp: tuple[Inbox, int], fake: Faker, ask: Ask
) -> None:
    inbox, port = smtp
    # Friday 20 November 2026: due Monday 21 December (the 20th is a Sunday)
    request_id = _receive(world, received=date(2026, 11, 20), contact_email=fake.email())
    if ask.event is RequestEvent.ASK_CLARIFICATION:
        _advance(world, request_id, RequestEvent.START)
    asked = _advance(world, request_id, ask.event, **ask.kw)
    assert (asked.due, asked.request.fixed_due) == (date(2026, 12, 21), None)
    letter = _letter(world, port, inbox, ask.subject)
    assert ask.says in letter
    assert "stays" not in letter
    assert "21 December 2026" not in letter  # the date moves with the answer: none is promised


@pytest.mark.parametrize(
    "ask",
    [
        Ask(RequestEvent.ASK_IDENTITY, "confirm who you are", {}, "your proof"),
        Ask(RequestEvent.ASK_FEE, "About a fee", FEE, "the fee"),
        Ask(RequestEvent.ASK_CLARIFICATION, "tell us more", {}, "your answer"),
    ],
    ids=_event,
)
def test_a_letter_asked_after_the_due_date_says_the_date_stays(
    world: World, smtp: tuple[Inbox, int], fake: Faker, ask: Ask
) -> None:
    inbox, port = smtp
    # Thursday 1 October 2026: due Monday 2 November, 23 days before today
    request_id = _receive(world, contact_email=fake.email())
    if ask.event is RequestEvent.ASK_CLARIFICATION:
        _advance(world, request_id, RequestEvent.START)
    asked = _advance(world, request_id, ask.event, **ask.kw)
    assert (asked.due, asked.request.fixed_due) == (DUE, DUE)
    letter = _letter(world, port, inbox, ask.subject)
    assert (
        "The date we must answer by stays 2 November 2026, which has passed: receiving "
        f"{ask.says} does not give us more time."
    ) in letter
    for promise in ("runs from when we receive it", "runs from that day", "stops until"):
        assert promise not in letter


def test_an_acknowledgement_of_a_request_entered_after_its_due_date_promises_no_past_date(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    """A letter that came by post on 1 October and is entered today, after its due date of
    2 November: the acknowledgement says that date has passed, not "we will answer it by"."""
    inbox, port = smtp
    _receive(world, contact_email=fake.email())
    _receive(world, received=date(2026, 11, 20), contact_email=fake.email())
    _send(world, port)
    late, in_time = (" ".join(_text(m).split()) for m in inbox.messages)
    assert "The date we had to answer it by, 2 November 2026, has passed" in late
    assert "We will answer it by" not in late
    assert "We will answer it by 21 December 2026" in in_time
