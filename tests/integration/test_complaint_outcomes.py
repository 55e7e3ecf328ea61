"""Complaints have outcomes (DUAA s.103), on real databases: an acknowledged complaint is not
overdue, its outcome has a target date of its own, and completing it records what was found
and what was done, sealed, and tells the complainant in a letter sent through a real SMTP
server, with the right to complain to the ICO."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from faker import Faker
from sqlalchemy import select

from dataward.adapters.sql.rights.requests import SqlRequestRepository, rights_requests
from dataward.domain.requests.workflow import (
    UK,
    DueFor,
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    due_for,
    urgency,
)
from dataward.domain.subjects import Actor
from dataward.services.processing.erasure import Shred, shred
from dataward.services.rights.complaints import (
    ComplaintOutcome,
    complaint_outcome,
    complete_complaint,
)
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance, request_queue, request_timeline
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.test_letters import Inbox, _send, _server, _text
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
# Friday 20 November 2026: to be acknowledged by Saturday 19 December; its outcome's target,
# 56 days on counting the 20th, is Thursday 14 January 2027.
RECEIVED, ACKNOWLEDGE_BY, TARGET = date(2026, 11, 20), date(2026, 12, 19), date(2027, 1, 14)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server in process (aiosmtpd), and its port."""
    yield from _server()


def _complaint(world: World, **kw: object) -> str:
    fields = {"type": RequestType.COMPLAINT, "received": RECEIVED, "channel": "email", **kw}
    view = receive_request(world.use_case(DCO), NewRequest(**fields))  # type: ignore[arg-type]
    return str(view.request.id)


def _start(world: World, request_id: str) -> None:
    advance(world.use_case(DCO), request_id, Step(RequestEvent.START))


def _complete(world: World, request_id: str, outcome: ComplaintOutcome):  # type: ignore[no-untyped-def]
    return complete_complaint(world.use_case(DCO), request_id, outcome)


OUTCOME = ComplaintOutcome(
    found="Your call recordings were kept 40 days past our retention period.",
    done="We deleted them on 24 November and fixed the retention job that missed them.",
)


def test_an_acknowledged_complaint_is_due_by_its_outcomes_target_not_overdue(
    world: World, fake: Faker
) -> None:
    by_post = _complaint(world, channel="post")
    by_email = _complaint(world, contact_email=fake.email())  # its letter acknowledges it
    world.clock.advance(timedelta(days=30))  # 25 December: past the 30 days
    today = world.clock.now().astimezone(UK).date()
    queue = {str(v.request.id): v for v in request_queue(world.use_case(DCO))}
    unacknowledged, acknowledged = queue[by_post], queue[by_email]
    assert (unacknowledged.due, due_for(unacknowledged.request)) == (
        ACKNOWLEDGE_BY,
        DueFor.ACKNOWLEDGEMENT,
    )
    assert urgency(unacknowledged.request, unacknowledged.due, today) is not None
    assert acknowledged.request.acknowledged == date(2026, 11, 25)
    assert (acknowledged.due, due_for(acknowledged.request)) == (TARGET, DueFor.OUTCOME_TARGET)
    assert urgency(acknowledged.request, acknowledged.due, today) is None
    _start(world, by_post)  # acknowledged by post, late: flagged
    view, _, _ = request_timeline(world.use_case(DCO), by_post)
    assert view.due == TARGET
    assert view.flag == "complaint acknowledged 6 days after its 30 days"


def test_a_complaint_is_due_to_be_acknowledged_within_the_registers_days(
    world: World,
) -> None:
    """The register promises 14 days: a complaint received on Friday 20 November is due to be
    acknowledged by Thursday 3 December, stored with it, and a register changed afterwards does
    not move it."""
    complaints = world.register.contacts.complaints
    world.register = world.register.model_copy(
        update={
            "contacts": world.register.contacts.model_copy(
                update={"complaints": complaints.model_copy(update={"acknowledge_within_days": 14})}
            )
        }
    )
    request_id = _complaint(world, channel="post")
    world.register = world.register.model_copy(
        update={"contacts": world.register.contacts.model_copy(update={"complaints": complaints})}
    )
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert (view.request.acknowledge_within, view.due) == (14, date(2026, 12, 3))
    with world.engine.connect() as connection:
        stored = connection.execute(
            select(rights_requests.c.acknowledge_within, rights_requests.c.due)
        ).one()
    assert tuple(stored) == (14, date(2026, 12, 3))


def test_the_outcome_is_sealed_and_the_letter_states_it_with_the_right_to_go_to_the_ico(
    world: World, smtp: tuple[Inbox, int], fake: Faker
) -> None:
    inbox, port = smtp
    request_id = _complaint(world, contact_email=fake.email(), contact_name=fake.name())
    _start(world, request_id)
    with pytest.raises(RequestRefused, match="completed with its outcome"):
        advance(world.use_case(DCO), request_id, Step(RequestEvent.COMPLETE))
    done = _complete(world, request_id, OUTCOME)
    assert done.request.state is RequestState.COMPLETED
    with world.engine.connect() as connection:
        sealed = connection.execute(
            select(rights_requests.c.complaint_outcome).where(rights_requests.c.id == request_id)
        ).scalar_one()
    assert b"retention" not in sealed
    assert b"deleted" not in sealed
    assert complaint_outcome(world.use_case(DCO), request_id) == OUTCOME
    with world.uow() as uow:  # the opening is audited: who and which request, never the text
        read = uow.audit.head()
    assert read is not None
    assert (read.action, read.actor, dict(read.details)) == (
        "complaint_outcome_read",
        DCO.id,
        {"request": request_id},
    )
    assert _send(world, port).sent == 2  # type: ignore[attr-defined]
    acknowledgement, letter = inbox.messages
    assert "We have received your complaint" in _text(acknowledgement)
    assert str(letter["Subject"]).startswith("The outcome of your complaint")
    text = _text(letter).replace("\r\n", "\n")
    assert f"What we found:\n\n{OUTCOME.found}" in text
    assert f"What we have done:\n\n{OUTCOME.done}" in text
    assert "complain to the Information Commissioner's Office (ICO)" in text
    assert "https://ico.org.uk/make-a-complaint/" in text
    assert world.register.contacts.supervisory_authority.phone in text  # type: ignore[operator]
    assert "judicial remedy" in text
    assert request_id in text
    _, _, letters = request_timeline(world.use_case(DCO), request_id)
    assert [x.letter for x in letters] == ["acknowledgement", "complaint_outcome"]


def test_a_complaint_by_post_gets_a_key_for_its_outcome_and_no_letter(world: World) -> None:
    request_id = _complaint(world, channel="post")
    assert not world.vault.has_key(request_id)
    with pytest.raises(RequestRefused, match="received cannot complete"):
        _complete(world, request_id, OUTCOME)
    assert not world.vault.has_key(request_id)  # the key made for it went with the refusal
    _start(world, request_id)
    _complete(world, request_id, OUTCOME)
    assert world.vault.has_key(request_id)
    assert complaint_outcome(world.use_case(DCO), request_id) == OUTCOME
    _, _, letters = request_timeline(world.use_case(DCO), request_id)
    assert letters == []


def test_a_complaints_completion_lands_whole_or_not_at_all(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction for the use case: the completion, its audit entry and the key made for
    the outcome are gone when its last step (storing the sealed outcome) fails, and the
    complaint can be completed again."""
    request_id = _complaint(world, channel="post")
    _start(world, request_id)
    with world.uow() as uow:
        audit_before = uow.audit.count()

    def last_step_fails(*_args: object, **_kw: object) -> None:
        raise RuntimeError("the outcome could not be stored")

    with monkeypatch.context() as patch:
        patch.setattr(SqlRequestRepository, "set_complaint_outcome", last_step_fails)
        with pytest.raises(RuntimeError, match="could not be stored"):
            _complete(world, request_id, OUTCOME)
    view, events, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.IN_PROGRESS
    assert [e.event for e in events] == [RequestEvent.RECEIVE, RequestEvent.START]
    assert letters == []
    assert not world.vault.has_key(request_id)
    assert complaint_outcome(world.use_case(DCO), request_id) is None
    with world.uow() as uow:
        assert uow.audit.count() == audit_before
    assert _complete(world, request_id, OUTCOME).request.state is RequestState.COMPLETED
    assert complaint_outcome(world.use_case(DCO), request_id) == OUTCOME


@pytest.mark.parametrize(
    ("outcome", "refusal"),
    [
        (ComplaintOutcome(found=" ", done="fixed"), "found: say what was found"),
        (ComplaintOutcome(found="found", done=""), "done: say what was done"),
        (ComplaintOutcome(found="x" * 2001, done="fixed"), "found: at most 2000 characters"),
    ],
)
def test_an_outcome_without_what_was_found_and_done_is_refused(
    world: World, outcome: ComplaintOutcome, refusal: str
) -> None:
    request_id = _complaint(world, channel="post")
    _start(world, request_id)
    with pytest.raises(RequestRefused, match=refusal) as refused:
        _complete(world, request_id, outcome)
    assert "x" * 10 not in str(refused.value)
    with world.uow() as uow:
        kept, _, _ = uow.requests.get(request_id)  # type: ignore[misc]
    assert kept.state is RequestState.IN_PROGRESS


def test_only_a_complaint_is_completed_with_an_outcome(world: World) -> None:
    view = receive_request(
        world.use_case(DCO), NewRequest(type=RequestType.ACCESS, received=RECEIVED, channel="post")
    )
    with pytest.raises(RequestRefused, match="only a complaint"):
        _complete(world, str(view.request.id), OUTCOME)


def test_the_complaint_and_its_outcome_outlive_the_complainants_erasure_unlinked(
    world: World, fake: Faker
) -> None:
    subject = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", fake.email())])
    )
    request_id = _complaint(world, channel="post", subject_id=subject.id)
    _start(world, request_id)
    _complete(world, request_id, OUTCOME)
    shred(world.use_case(DCO), Shred(str(subject.id), "erasure_request", request_ref=request_id))
    with world.uow() as uow:
        kept, _, _ = uow.requests.get(request_id)  # type: ignore[misc]
    assert kept.subject_id is None  # the requests' unlink step reached it
    # the record of how the complaint was handled stays (docs/legal-rules.md A9: keep records)
    assert complaint_outcome(world.use_case(DCO), request_id) == OUTCOME


def test_a_complaint_is_ours_a_customers_administrator_cannot_record_one(
    world: World, fake: Faker
) -> None:
    """A complaint is made to us about our processing and answered by our DCO: a customer's
    administrator recording one could send its own words as our DCO's outcome, and one about a
    customer's call data is the customer's to hear."""
    admin = Actor(id="admin-a", role="tenant_admin", tenant_id="tenant-a")
    for actor, tenant in ((admin, "tenant-a"), (DCO, "tenant-a")):
        with pytest.raises(RequestRefused, match="made to us about our own processing"):
            receive_request(
                world.use_case(actor),
                NewRequest(
                    type=RequestType.COMPLAINT,
                    received=RECEIVED,
                    channel="email",
                    tenant_id=tenant,
                    contact_email=fake.email(),
                ),
            )
    with world.uow() as uow:
        assert uow.requests.queue(tenant_id=None, include_closed=True) == []
