"""Erasure requests (Art. 17) carried out end to end on both backends."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.calendar import bank_holidays
from dataward.domain.consent import ConsentMethod
from dataward.domain.errors import ConsentRefused
from dataward.domain.gate import Gate
from dataward.domain.register import Register
from dataward.domain.requests import RequestEvent, RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.consent import GiveConsent, record_consent
from dataward.services.gate import authorize
from dataward.services.requests import NewRequest, advance, receive_request, request_timeline
from dataward.services.rights_erasure import finish_held_erasures, fulfil_erasure
from dataward.services.subjects import NewSubject, SubjectRefused, create_subject, find_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
MARKETING = Actor(id="staff-mkt", role="marketing")
SUPPORT = Actor(id="staff-support", role="support")
HOLIDAYS = bank_holidays()


def _started_erasure(world: World, subject_id: UUID, email: str) -> UUID:
    view = receive_request(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO,
        NewRequest(type=RequestType.ERASURE, received=date(2026, 11, 25), channel="email",
                   subject_id=subject_id, contact_email=email),
    )  # fmt: skip
    for event in (RequestEvent.ASK_IDENTITY, RequestEvent.IDENTITY_VERIFIED, RequestEvent.START):
        advance(world.uow(), world.clock, HOLIDAYS, world.register, DCO, view.request.id, event)
    return view.request.id


def _with_year_end(register: Register, year_end: str) -> Register:
    org = register.organisation.model_copy(update={"financial_year_end": year_end})
    return register.model_copy(update={"organisation": org})


def test_a_marketing_contact_is_erased_whole_and_stays_suppressed(
    world: World, fake: Faker
) -> None:
    email, phone = fake.email(), "+447700900123"
    subject = create_subject(
        world.uow(), world.vault, world.clock, world.register, DCO,
        NewSubject(kind="marketing_contact", identifiers=[("email", email), ("phone", phone)]),
    )  # fmt: skip
    record_consent(
        world.uow(), world.clock, world.register, DCO,
        GiveConsent(subject.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"),
    )  # fmt: skip
    request_id = _started_erasure(world, subject.id, email)
    world.clock.advance(timedelta(minutes=5))

    result = fulfil_erasure(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO, request_id
    )

    assert result.kept is None
    assert result.key_destroyed
    assert result.erased["identifiers.contact"] == 2
    assert result.erased["consent_events"] == 1
    assert result.suppressed == 2
    assert find_subject(world.uow(), world.vault, "email", email) is None
    view, events, letters = request_timeline(world.uow(), world.register, DCO, request_id)
    assert view.request.state is RequestState.COMPLETED
    assert email not in (events[-1].reason or "")
    assert "suppressed for marketing: 2" in (events[-1].reason or "")
    assert [x.letter for x in letters][-1] == "completion"
    # the suppression survives the erasure: the same address (any case) is refused again
    with pytest.raises(SubjectRefused, match="suppression list") as refused:
        create_subject(
            world.uow(), world.vault, world.clock, world.register, DCO,
            NewSubject(kind="marketing_contact", identifiers=[("email", email.upper())]),
        )  # fmt: skip
    assert email not in str(refused.value)
    assert email.split("@")[0] not in str(refused.value)
    # a customer with that address may be registered, but never given marketing consent
    customer = create_subject(
        world.uow(), world.vault, world.clock, world.register, DCO,
        NewSubject(kind="end_user", identifiers=[("email", email)]),
    )  # fmt: skip
    with pytest.raises(ConsentRefused, match="suppression list"):
        record_consent(
            world.uow(), world.clock, world.register, DCO,
            GiveConsent(customer.id, "direct_marketing", "email", ConsentMethod.WEB_FORM,
                        "2026-11"),
        )  # fmt: skip


def test_a_customer_is_erased_but_for_tax_records_until_the_exact_date(
    world: World, fake: Faker
) -> None:
    register = _with_year_end(world.register, "03-31")
    email = fake.email()
    subject = create_subject(
        world.uow(), world.vault, world.clock, register, DCO,
        NewSubject(kind="end_user", identifiers=[("email", email), ("name", fake.name())],
                   relationship_start=date(2019, 4, 1), relationship_end=date(2026, 3, 31)),
    )  # fmt: skip
    # the data was read for purposes Mondago, the group and providers may receive
    for actor, purpose in ((MARKETING, "mondago_marketing"), (SUPPORT, "correspondence")):
        decision = authorize(
            world.uow(), world.clock, Gate(register), actor, subject_id=subject.id,
            category="contact", purpose=purpose,
        )  # fmt: skip
        assert decision.allowed, decision.reason
    request_id = _started_erasure(world, subject.id, email)

    result = fulfil_erasure(
        world.uow(), world.vault, world.clock, HOLIDAYS, register, DCO, request_id,
        last_transaction=date(2026, 3, 31),
    )  # fmt: skip

    # 7y from relationship end: 2033-03-31; 6y from the end of the financial year of the last
    # transaction (FY ends 31 March, so 2026-03-31): 2032-03-31. The later applies.
    assert result.kept is not None
    assert result.kept.until == date(2033, 3, 31)
    assert result.kept.categories == ("contact", "identity")
    assert result.kept.ground == "legal_obligation_tax"
    assert result.kept.identifiers == 2
    assert not result.key_destroyed
    assert result.recipients == ["group_companies", "mondago", "service_providers"]
    assert world.vault.has_key(str(subject.id))
    view, events, letters = request_timeline(world.uow(), world.register, DCO, request_id)
    assert view.request.state is RequestState.PARTIALLY_COMPLETED
    reason = events[-1].reason or ""
    assert (
        "kept: contact, identity (legal_obligation_tax, customer_records) until 2033-03-31"
        in reason
    )
    assert email not in reason
    assert [x.letter for x in letters][-1] == "completion"
    with world.uow() as uow:
        hold = uow.holds.get(str(subject.id))
    assert hold is not None
    assert hold.delete_on == date(2033, 3, 31)

    # the sweep does nothing before the date, and shreds on it
    world.clock.advance(world.clock.now().replace(year=2033, month=3, day=30) - world.clock.now())
    assert finish_held_erasures(world.uow(), world.vault, world.clock, register, DCO) == []
    world.clock.advance(timedelta(days=1))
    assert finish_held_erasures(world.uow(), world.vault, world.clock, register, DCO) == [
        str(subject.id)
    ]
    assert not world.vault.has_key(str(subject.id))
    assert find_subject(world.uow(), world.vault, "email", email) is None
    with world.uow() as uow:
        assert uow.holds.get(str(subject.id)) is None
        assert uow.holds.due(date(2099, 1, 1)) == []


def test_an_unknown_last_transaction_is_said_not_invented(world: World, fake: Faker) -> None:
    email = fake.email()
    subject = create_subject(
        world.uow(), world.vault, world.clock, world.register, DCO,
        NewSubject(kind="customer_contact", identifiers=[("email", email)],
                   relationship_end=date(2026, 6, 30)),
    )  # fmt: skip
    request_id = _started_erasure(world, subject.id, email)
    result = fulfil_erasure(
        world.uow(), world.vault, world.clock, HOLIDAYS, world.register, DCO, request_id
    )
    assert result.kept is not None
    assert result.kept.until is None
    assert result.kept.waiting_for == ("financial_year_end_of_last_transaction",)
    assert "date unknown" in result.summary()
    with world.uow() as uow:
        assert [h.subject_id for h in uow.holds.undated()] == [str(subject.id)]
        assert uow.holds.due(date(2099, 1, 1)) == []
