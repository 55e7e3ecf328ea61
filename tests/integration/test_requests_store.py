"""Rights requests on real databases: intake, transitions stored with their timeline and audit,
a concurrent change refused, another tenant's request unseen, erasure unlinking."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from dataward.adapters.vault.keystore_tables import data_keys
from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import ActionNotAllowed, InvalidValue, NotFound, OutOfRange
from dataward.domain.requests.workflow import (
    FeeGround,
    Move,
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
    transition,
)
from dataward.domain.subjects import Actor
from dataward.services.processing.erasure import Shred, shred
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance, request_queue, request_timeline
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
ADMIN_A = Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A)
ADMIN_B = Actor(id="admin-b", role="tenant_admin", tenant_id=TENANT_B)
HOLIDAYS = bank_holidays()


def _receive(world: World, actor: Actor = DCO, **kw: object):  # type: ignore[no-untyped-def]
    command = NewRequest(
        **{"type": RequestType.ACCESS, "received": date(2026, 11, 20), "channel": "post", **kw}  # type: ignore[arg-type]
    )
    return receive_request(world.use_case(actor), command)


def _advance(
    world: World, request_id: object, event: RequestEvent, actor: Actor = DCO, **kw: object
):  # type: ignore[no-untyped-def]
    return advance(world.use_case(actor), str(request_id), Step(event, **kw))


def test_a_request_received_by_post_moves_through_its_states_with_a_timeline(
    world: World,
) -> None:
    view = _receive(world)  # Friday 20 November 2026
    assert view.due == date(2026, 12, 21)  # 20 December is a Sunday
    request_id = view.request.id
    _advance(world, request_id, RequestEvent.ASK_IDENTITY)
    world.clock.advance(timedelta(days=3))  # identity arrives on 28 November (a Saturday)
    verified = _advance(world, request_id, RequestEvent.IDENTITY_VERIFIED, reason="passport seen")
    # the clock restarted: 28 Dec is the substitute for Boxing Day (a Saturday in 2026)
    assert verified.due == date(2026, 12, 29)
    _advance(world, request_id, RequestEvent.START)
    done = _advance(world, request_id, RequestEvent.COMPLETE, reason="package sent")
    assert done.request.state is RequestState.COMPLETED
    view, events, letters = request_timeline(world.use_case(DCO), request_id)
    assert letters == []  # no contact given: nothing to send
    assert [e.event for e in events] == [
        RequestEvent.RECEIVE,
        RequestEvent.ASK_IDENTITY,
        RequestEvent.IDENTITY_VERIFIED,
        RequestEvent.START,
        RequestEvent.COMPLETE,
    ]
    assert events[-1].reason == "package sent"
    assert view.due == date(2026, 12, 29)
    with world.uow() as uow:
        audited = [e for e in uow.audit.iter_entries() if e.details.get("request")]
    assert [e.details.get("event", "received") for e in audited] == [
        "received",
        "ask_identity",
        "identity_verified",
        "start",
        "complete",
    ]


def test_a_refused_transition_changes_nothing(world: World) -> None:
    request_id = _receive(world).request.id
    with pytest.raises(RequestRefused):
        _advance(world, request_id, RequestEvent.COMPLETE)
    with pytest.raises(RequestRefused, match="ground"):
        _advance(world, request_id, RequestEvent.ASK_FEE, reason="a further copy")
    _advance(
        world,
        request_id,
        RequestEvent.ASK_FEE,
        ground=FeeGround.MANIFESTLY_EXCESSIVE,
        reason="six requests for the same calls this month",
    )
    _, events, _ = request_timeline(world.use_case(DCO), request_id)
    assert len(events) == 2


def test_a_change_made_meanwhile_wins_and_the_late_one_is_refused(world: World) -> None:
    request_id = _receive(world).request.id
    with world.uow() as uow:
        stale, version, _ = uow.requests.get(request_id)  # type: ignore[misc]
    _advance(world, request_id, RequestEvent.START)
    late, change = transition(
        stale, Move(RequestEvent.WITHDRAW, at=world.clock.now(), actor="x"), holidays=HOLIDAYS
    )
    with world.uow() as uow:
        assert not uow.requests.save(late, version=version, due=date(2026, 12, 21), change=change)
    with world.uow() as uow:
        current, _, _ = uow.requests.get(request_id)  # type: ignore[misc]
    assert current.state is RequestState.IN_PROGRESS


def test_received_in_the_future_or_by_an_unknown_channel_is_refused(world: World) -> None:
    with pytest.raises(RequestRefused, match="future"):
        _receive(world, received=date(2026, 11, 26))
    with pytest.raises(InvalidValue, match=r"^channel: one of api, ") as refused:
        _receive(world, channel="pigeon")
    assert "pigeon" not in str(refused.value)


def test_received_before_the_first_day_is_refused_before_any_arithmetic(world: World) -> None:
    """0001-01-01 would underflow the repeat window (received less 90 days)."""
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", f"{uuid.uuid4().hex}@example.org")]),
    )
    with pytest.raises(OutOfRange, match=r"^received: a date"):
        _receive(world, received=date(1, 1, 1), subject_id=subject.id)
    assert _receive(world, received=date(1900, 1, 1), subject_id=subject.id).due


def test_a_tenant_admin_works_only_its_own_tenants_requests(world: World) -> None:
    mine = _receive(world, ADMIN_A, tenant_id=TENANT_A).request.id
    ours = _receive(world).request.id  # the organisation's own: the DCO's
    with pytest.raises(ActionNotAllowed):
        _receive(world, ADMIN_A, tenant_id=TENANT_B)
    with pytest.raises(NotFound):
        _advance(world, mine, RequestEvent.START, actor=ADMIN_B)
    with pytest.raises(NotFound):
        request_timeline(world.use_case(ADMIN_B), mine)
    with pytest.raises(NotFound):  # not even that it exists
        _advance(world, ours, RequestEvent.START, actor=ADMIN_A)
    assert [v.request.id for v in request_queue(world.use_case(ADMIN_A))] == [mine]
    assert {v.request.id for v in request_queue(world.use_case(DCO))} == {mine, ours}
    # recorded by its administrator, the request is its controller's: ours to leave alone
    for event in (RequestEvent.START, RequestEvent.FORWARD, RequestEvent.WITHDRAW):
        with pytest.raises(RequestRefused, match="its controller's to answer"):
            _advance(world, mine, event)
    # one we received about the tenant's calls: we only forward it or close it
    received = _receive(world, tenant_id=TENANT_A).request.id
    with pytest.raises(RequestRefused, match="forward"):  # the tenant answers, not us
        _advance(world, received, RequestEvent.START)
    with pytest.raises(RequestRefused, match="forward_to_controller"):  # with its letter
        _advance(world, received, RequestEvent.FORWARD)
    withdrawn = _advance(world, received, RequestEvent.WITHDRAW)  # the processor route
    assert withdrawn.request.closed


def test_the_queue_is_sorted_by_due_date(world: World) -> None:
    later = _receive(world, received=date(2026, 11, 24)).request.id
    sooner = _receive(world, received=date(2026, 11, 2)).request.id
    assert [v.request.id for v in request_queue(world.use_case(DCO))] == [
        sooner,
        later,
    ]


def test_a_request_names_only_a_subject_of_its_own_tenant(world: World) -> None:
    ours = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", "ours@example.org")]),
    )
    with pytest.raises(NotFound):
        _receive(world, ADMIN_A, tenant_id=TENANT_A, subject_id=ours.id)
    with pytest.raises(NotFound):
        _receive(world, ADMIN_A, tenant_id=TENANT_A, subject_id=uuid.uuid4())


def test_erasing_the_subject_keeps_the_request_unlinked(world: World) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", "someone@example.org")]),
    )
    view = _receive(world, type=RequestType.ERASURE, subject_id=subject.id)
    shred(
        world.use_case(DCO),
        Shred(str(subject.id), "erasure_request", request_ref=str(view.request.id)),
    )
    with world.uow() as uow:
        kept, _, _ = uow.requests.get(view.request.id)  # type: ignore[misc]
    assert kept.subject_id is None
    assert kept.type is RequestType.ERASURE


def test_a_repeated_request_is_flagged_for_the_dco(world: World) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", "again@example.org")]),
    )
    first = _receive(world, subject_id=subject.id, received=date(2026, 9, 1))
    assert first.flag is None
    other_type = _receive(world, subject_id=subject.id, type=RequestType.ERASURE)
    assert other_type.flag is None
    again = _receive(world, subject_id=subject.id, received=date(2026, 11, 20))
    assert again.flag is not None
    assert "repeats 1 access" in again.flag
    queued = {v.request.id: v.flag for v in request_queue(world.use_case(DCO))}
    assert queued[again.request.id] == again.flag
    assert queued[first.request.id] is None


def test_a_refused_intake_leaves_no_key_behind(world: World) -> None:
    def keys() -> int:
        with world.keystore.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(data_keys)).scalar_one())

    before = keys()
    with pytest.raises(NotFound):
        _receive(world, tenant_id="no-such-tenant", contact_email="someone@example.org")
    assert keys() == before
    _receive(world, contact_email="someone@example.org")
    assert keys() == before + 1
