"""Rights carried out end to end on real databases: withdrawal of consent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dataward.domain.calendar import bank_holidays
from dataward.domain.processing.consent import ConsentMethod, ConsentState
from dataward.domain.requests.workflow import (
    RequestEvent,
    RequestRefused,
    RequestState,
    RequestType,
)
from dataward.domain.subjects import Actor
from dataward.services.processing.consent import GiveConsent, consent_state_for, record_consent
from dataward.services.rights import fulfilment as fulfilment_module
from dataward.services.rights.fulfilment import fulfil_withdrawal
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance, request_timeline
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
HOLIDAYS = bank_holidays()


def test_a_withdrawal_request_withdraws_every_consent_at_once_and_completes(
    world: World,
) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", "buyer@example.org")]),
    )
    for channel in ("email", "post"):
        record_consent(
            world.use_case(DCO),
            GiveConsent(subject.id, "direct_marketing", channel, ConsentMethod.WEB_FORM, "2026-11"),
        )
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.WITHDRAW_CONSENT,
            received=date(2026, 11, 25),
            channel="email",
            contact_email="buyer@example.org",
        ),
    )
    assert view.request.subject_id == subject.id  # matched by the address
    request_id = view.request.id

    def step(event: RequestEvent) -> None:
        advance(world.use_case(DCO), request_id, Step(event))

    def fulfil() -> object:
        return fulfil_withdrawal(world.use_case(DCO), request_id, "2026-11")

    with pytest.raises(RequestRefused, match="start"):
        fulfil()
    step(RequestEvent.ASK_IDENTITY)
    advance(
        world.use_case(DCO),
        request_id,
        Step(RequestEvent.IDENTITY_VERIFIED, reason="a one-time code by e-mail"),
    )
    step(RequestEvent.START)
    world.clock.advance(timedelta(minutes=5))
    done = fulfil()
    assert sorted(done.withdrawn) == [("direct_marketing", "email"), ("direct_marketing", "post")]  # type: ignore[attr-defined]
    states = consent_state_for(world.use_case(DCO), subject.id)
    assert set(states.values()) == {ConsentState.WITHDRAWN}
    view, events, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.COMPLETED
    assert events[-1].reason == "withdrawn: direct_marketing/email, direct_marketing/post"
    assert [x.letter for x in letters] == ["acknowledgement", "identity_request", "completion"]


def test_nothing_is_withdrawn_without_verified_identity(world: World) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", "other@example.org")]),
    )
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.WITHDRAW_CONSENT,
            received=date(2026, 11, 25),
            channel="post",
            subject_id=subject.id,
        ),
    )
    advance(world.use_case(DCO), view.request.id, Step(RequestEvent.START))
    with pytest.raises(RequestRefused, match="identity"):
        fulfil_withdrawal(world.use_case(DCO), view.request.id, "2026-11")


def test_a_withdrawal_lands_whole_or_not_at_all(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction for the use case: the consents withdrawn and their audit entries are
    rolled back when its last step (completing the request) fails, and it can be done again."""
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", "third@example.org")]),
    )
    record_consent(
        world.use_case(DCO),
        GiveConsent(subject.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"),
    )
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.WITHDRAW_CONSENT,
            received=world.clock.now().date(),
            channel="post",
            subject_id=subject.id,
        ),
    )
    request_id = view.request.id
    for event in (RequestEvent.ASK_IDENTITY, RequestEvent.IDENTITY_VERIFIED, RequestEvent.START):
        advance(world.use_case(DCO), request_id, Step(event, reason="a one-time code by e-mail"))
    with world.uow() as uow:
        audit_before = uow.audit.count()

    def last_step_fails(*_args: object, **_kw: object) -> None:
        raise RuntimeError("the request could not be completed")

    with monkeypatch.context() as patch:
        patch.setattr(fulfilment_module, "advance", last_step_fails)
        with pytest.raises(RuntimeError, match="could not be completed"):
            fulfil_withdrawal(world.use_case(DCO), request_id, "2026-11")
    with world.uow() as uow:
        assert uow.audit.count() == audit_before
    states = consent_state_for(world.use_case(DCO), subject.id)
    assert set(states.values()) == {ConsentState.GIVEN}
    view, _, _ = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.IN_PROGRESS
    done = fulfil_withdrawal(world.use_case(DCO), request_id, "2026-11")
    assert done.withdrawn == [("direct_marketing", "email")]
