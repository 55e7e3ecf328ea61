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
from dataward.services.rights.fulfilment import fulfil_withdrawal
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import advance, request_timeline
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
            world.uow(), world.clock, world.register, DCO,
            GiveConsent(subject.id, "direct_marketing", channel, ConsentMethod.WEB_FORM,
                        "2026-11"),
        )  # fmt: skip
    view = receive_request(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO,
        NewRequest(type=RequestType.WITHDRAW_CONSENT, received=date(2026, 11, 25),
                   channel="email", contact_email="buyer@example.org"),
    )  # fmt: skip
    assert view.request.subject_id == subject.id  # matched by the address
    request_id = view.request.id

    def step(event: RequestEvent) -> None:
        advance(world.uow(), world.clock, HOLIDAYS, world.register, DCO, request_id, event)

    def fulfil() -> object:
        return fulfil_withdrawal(
            world.uow(), world.clock, HOLIDAYS, world.register, DCO, request_id,
            notice_version="2026-11",
        )  # fmt: skip

    with pytest.raises(RequestRefused, match="start"):
        fulfil()
    step(RequestEvent.ASK_IDENTITY)
    advance(world.uow(), world.clock, HOLIDAYS, world.register, DCO, request_id,
            RequestEvent.IDENTITY_VERIFIED, reason="a one-time code by e-mail")  # fmt: skip
    step(RequestEvent.START)
    world.clock.advance(timedelta(minutes=5))
    done = fulfil()
    assert sorted(done.withdrawn) == [("direct_marketing", "email"), ("direct_marketing", "post")]  # type: ignore[attr-defined]
    states = consent_state_for(world.uow(), world.clock, world.register, DCO, subject.id)
    assert set(states.values()) == {ConsentState.WITHDRAWN}
    view, events, letters = request_timeline(world.uow(), world.register, DCO, request_id)
    assert view.request.state is RequestState.COMPLETED
    assert events[-1].reason == "withdrawn: direct_marketing/email, direct_marketing/post"
    assert [x.letter for x in letters] == ["acknowledgement", "identity_request", "completion"]


def test_nothing_is_withdrawn_without_verified_identity(world: World) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", "other@example.org")]),
    )
    view = receive_request(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO,
        NewRequest(type=RequestType.WITHDRAW_CONSENT, received=date(2026, 11, 25),
                   channel="post", subject_id=subject.id),
    )  # fmt: skip
    advance(
        world.uow(), world.clock, HOLIDAYS, world.register, DCO, view.request.id,
        RequestEvent.START,
    )  # fmt: skip
    with pytest.raises(RequestRefused, match="identity"):
        fulfil_withdrawal(
            world.uow(), world.clock, HOLIDAYS, world.register, DCO, view.request.id,
            notice_version="2026-11",
        )  # fmt: skip
