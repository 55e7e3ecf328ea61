"""Erasure requests (Art. 17) carried out end to end on both backends."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest
from faker import Faker

from dataward.domain.audit import verify_chain
from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import AccessDenied, ConsentRefused
from dataward.domain.identifiers import normalise
from dataward.domain.processing.consent import ConsentMethod
from dataward.domain.processing.gate import DenialReason, Gate
from dataward.domain.register.model import Register
from dataward.domain.requests.workflow import RequestRefused, RequestState, RequestType
from dataward.domain.subjects import Actor
from dataward.services.processing.consent import GiveConsent, record_consent
from dataward.services.processing.disclosure import ReadIdentifiers, read_identifiers
from dataward.services.processing.gate import Authorize, authorize
from dataward.services.register.recipients import recipients_to_tell
from dataward.services.rights.erasure import fulfil_erasure
from dataward.services.rights.erasure_holds import finish_held_erasures
from dataward.services.rights.intake import NewRequest
from dataward.services.rights.requests import request_timeline
from dataward.services.subjects.registry import (
    FindSubject,
    NewSubject,
    SubjectRefused,
    create_subject,
    find_subject,
)
from tests.builders import register_with_tax_scope
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
MARKETING = Actor(id="staff-mkt", role="marketing")
SUPPORT = Actor(id="staff-support", role="support")
HOLIDAYS = bank_holidays()


def _started_erasure(world: World, subject_id: UUID, email: str) -> UUID:
    return world.working_request(
        DCO,
        NewRequest(
            type=RequestType.ERASURE,
            received=date(2026, 11, 25),
            channel="email",
            subject_id=subject_id,
            contact_email=email,
        ),
    )


def _consents_to_mondago(world: World, register: Register, subject_id: UUID) -> None:
    record_consent(
        world.use_case(MARKETING, register),
        GiveConsent(
            subject_id, "mondago_marketing", "third_party", ConsentMethod.WEB_FORM, "2026.1"
        ),
    )


def _with_year_end(register: Register, year_end: str) -> Register:
    org = register.organisation.model_copy(update={"financial_year_end": year_end})
    return register.model_copy(update={"organisation": org})


def test_a_marketing_contact_is_erased_whole_and_stays_suppressed(
    world: World, fake: Faker
) -> None:
    email, phone = fake.email(), "+447700900123"
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", email), ("phone", phone)]),
    )
    record_consent(
        world.use_case(DCO),
        GiveConsent(subject.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"),
    )
    request_id = _started_erasure(world, subject.id, email)
    world.clock.advance(timedelta(minutes=5))

    result = fulfil_erasure(world.use_case(DCO), request_id)

    assert result.kept is None
    assert result.key_destroyed
    assert result.erased["identifiers.contact"] == 2
    assert result.erased["consent_events"] == 1
    assert result.suppressed == 2
    assert find_subject(world.uow(), world.vault, FindSubject("email", email)) is None
    view, events, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.COMPLETED
    assert email not in (events[-1].reason or "")
    assert "suppressed for marketing: 2" in (events[-1].reason or "")
    assert [x.letter for x in letters][-1] == "completion"
    # the suppression survives the erasure: the same address (any case) is refused again
    with pytest.raises(SubjectRefused, match="suppression list") as refused:
        create_subject(
            world.use_case(DCO),
            NewSubject(kind="marketing_contact", identifiers=[("email", email.upper())]),
        )
    assert email not in str(refused.value)
    assert email.split("@")[0] not in str(refused.value)
    # a customer with that address may be registered, but never given marketing consent
    customer = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", email)])
    )
    with pytest.raises(ConsentRefused, match="suppression list"):
        record_consent(
            world.use_case(DCO),
            GiveConsent(
                customer.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"
            ),
        )


def _a_customer(world: World, fake: Faker, register: Register) -> tuple[UUID, dict[str, str]]:
    """An end user with a name, a billing address, an e-mail address and a phone number."""
    values = {
        "name": fake.name(),
        "postal_address": fake.address(),
        "email": fake.email(),
        "phone": fake.numerify("+447700900###"),
    }
    subject = create_subject(
        world.use_case(DCO, register),
        NewSubject(
            kind="end_user",
            identifiers=list(values.items()),
            relationship_start=date(2019, 4, 1),
            relationship_end=date(2026, 3, 31),
        ),
    )
    return subject.id, values


def test_a_customer_is_erased_but_for_tax_records_until_the_exact_date(
    world: World, fake: Faker
) -> None:
    register = register_with_tax_scope(_with_year_end(world.register, "03-31"))
    subject_id, values = _a_customer(world, fake, register)
    email = values["email"]
    # the data was read for purposes Mondago (with the consent naming it), the group and
    # providers may receive
    _consents_to_mondago(world, register, subject_id)
    for actor, purpose in ((MARKETING, "mondago_marketing"), (SUPPORT, "correspondence")):
        decision = authorize(
            world.use_case(actor), Gate(register), Authorize(subject_id, "contact", purpose)
        )
        assert decision.allowed, decision.reason
    request_id = _started_erasure(world, subject_id, email)

    result = fulfil_erasure(
        world.use_case(DCO, register), request_id, last_transaction=date(2026, 3, 31)
    )

    # 7y from relationship end: 2033-03-31; 6y from the end of the financial year of the last
    # transaction (FY ends 31 March, so 2026-03-31): 2032-03-31. The later applies.
    assert result.kept is not None
    assert result.kept.until == date(2033, 3, 31)
    # the tax authority's fields: the name and the billing address, not the means of contact
    assert result.kept.categories == ("contact", "identity")
    assert result.kept.ground == "legal_obligation_tax"
    assert result.kept.identifiers == 2
    assert result.erased["identifiers.contact"] == 2
    assert "identifiers.identity" not in result.erased
    assert result.suppressed == 2
    assert not result.key_destroyed
    assert result.recipients == ["group_companies", "mondago", "service_providers"]
    assert world.vault.has_key(str(subject_id))
    with world.uow() as uow:
        left = sorted(s.type for s in uow.subjects.identifiers_of(subject_id))
    assert left == ["name", "postal_address"]
    assert find_subject(world.uow(), world.vault, FindSubject("email", email)) is None
    assert find_subject(world.uow(), world.vault, FindSubject("phone", values["phone"])) is None
    kept = read_identifiers(
        world.uow(),
        world.vault,
        Gate(register),
        DCO,
        ReadIdentifiers(subject_id, "business_compliance", world.clock.now()),
    )
    assert sorted((i.type, i.value) for i in kept.identifiers) == sorted(
        (t, normalise(t, values[t]).value) for t in ("name", "postal_address")
    )
    view, events, letters = request_timeline(world.use_case(DCO), request_id)
    assert view.request.state is RequestState.PARTIALLY_COMPLETED
    reason = events[-1].reason or ""
    assert (
        "kept: contact, identity (legal_obligation_tax, customer_records) until 2033-03-31"
        in reason
    )
    assert all(value not in reason for value in values.values())
    assert [x.letter for x in letters][-1] == "completion"
    with world.uow() as uow:
        hold = uow.holds.get(str(subject_id))
    assert hold is not None
    assert hold.delete_on == date(2033, 3, 31)

    # the sweep does nothing before the date, and shreds on it
    world.clock.advance(world.clock.now().replace(year=2033, month=3, day=30) - world.clock.now())
    swept = finish_held_erasures(world.use_case(DCO, register))
    assert (swept.finished, swept.kept_by_hold) == ([], [])
    world.clock.advance(timedelta(days=1))
    swept = finish_held_erasures(world.use_case(DCO, register))
    assert (swept.finished, swept.kept_by_hold) == ([str(subject_id)], [])
    assert not world.vault.has_key(str(subject_id))
    with world.uow() as uow:
        assert uow.holds.get(str(subject_id)) is None
        assert uow.holds.due(date(2099, 1, 1)) == []
        assert list(uow.subjects.identifiers_of(subject_id)) == []


def test_a_held_subject_serves_only_the_tax_purpose_and_storage(world: World, fake: Faker) -> None:
    register = register_with_tax_scope(world.register)
    subject_id, values = _a_customer(world, fake, register)
    request_id = _started_erasure(world, subject_id, values["email"])
    fulfil_erasure(world.use_case(DCO, register), request_id, last_transaction=date(2026, 3, 31))
    gate = Gate(register)

    with pytest.raises(AccessDenied) as refused:
        read_identifiers(
            world.uow(),
            world.vault,
            gate,
            SUPPORT,
            ReadIdentifiers(subject_id, "correspondence", world.clock.now(), ["name"]),
        )
    assert refused.value.reason == DenialReason.ERASURE_HELD.value
    assert values["name"] not in str(refused.value)
    for actor, purpose in ((SUPPORT, "relationship_management"), (DCO, "legal_claims")):
        decision = authorize(
            world.use_case(actor), gate, Authorize(subject_id, "identity", purpose)
        )
        assert decision.reason is DenialReason.ERASURE_HELD, purpose

    name = read_identifiers(
        world.uow(),
        world.vault,
        gate,
        DCO,
        ReadIdentifiers(subject_id, "business_compliance", world.clock.now(), ["name"]),
    )
    assert [i.value for i in name.identifiers] == [normalise("name", values["name"]).value]
    for purpose in ("business_compliance", "secure_storage"):
        decision = authorize(world.use_case(DCO), gate, Authorize(subject_id, "contact", purpose))
        assert decision.allowed, purpose
    with world.uow() as uow:
        refusals = [
            e
            for e in uow.audit.entries_about(str(subject_id))
            if e.decision == DenialReason.ERASURE_HELD.value
        ]
    assert {e.purpose for e in refusals} == {
        "correspondence",
        "relationship_management",
        "legal_claims",
    }


def test_recipients_come_from_the_subjects_own_audit_entries(world: World, fake: Faker) -> None:
    one, _ = _a_customer(world, fake, world.register)
    other, _ = _a_customer(world, fake, world.register)
    gate = Gate(world.register)
    _consents_to_mondago(world, world.register, other)
    for subject_id, actor, purpose in (
        (one, SUPPORT, "correspondence"),
        (other, MARKETING, "mondago_marketing"),
    ):
        assert authorize(
            world.use_case(actor), gate, Authorize(subject_id, "contact", purpose)
        ).allowed
    with world.uow() as uow:
        about_one = list(uow.audit.entries_about(str(one), batch=1))
        every = list(uow.audit.iter_entries())
        assert recipients_to_tell(uow, world.register, one) == [
            "group_companies",
            "service_providers",
        ]
        assert recipients_to_tell(uow, world.register, other) == ["mondago"]
    assert about_one == [e for e in every if e.subject_ref == str(one)]
    assert [e.seq for e in about_one] == sorted(e.seq for e in about_one)
    assert len(about_one) >= 2  # created, then the gate's decision
    with world.uow() as uow:
        assert verify_chain(uow.audit.iter_entries()).ok


def test_a_hold_that_cannot_be_dated_refuses_before_anything_is_erased(
    world: World, fake: Faker
) -> None:
    register = register_with_tax_scope(world.register)
    email = fake.email()
    subject = create_subject(
        world.use_case(DCO, register),
        NewSubject(
            kind="customer_contact",
            identifiers=[("email", email), ("name", fake.name())],
            relationship_end=date(2026, 6, 30),
        ),
    )
    request_id = _started_erasure(world, subject.id, email)
    with pytest.raises(RequestRefused, match="--last-transaction"):  # no date is invented,
        fulfil_erasure(world.use_case(DCO, register), request_id)
    with world.uow() as uow:
        assert len(list(uow.subjects.identifiers_of(subject.id))) == 2  # nothing went
        assert uow.holds.undated() == []
    result = fulfil_erasure(
        world.use_case(DCO, register), request_id, last_transaction=date(2026, 5, 12)
    )
    assert result.kept is not None
    assert result.kept.categories == ("identity",)
    assert result.kept.until is not None
    assert result.kept.waiting_for == ()


def test_a_customer_with_only_means_of_contact_is_erased_whole(world: World, fake: Faker) -> None:
    register = register_with_tax_scope(world.register)
    email, phone = fake.email(), fake.numerify("+447700900###")
    subject = create_subject(
        world.use_case(DCO, register),
        NewSubject(
            kind="end_user",
            identifiers=[("email", email), ("phone", phone)],
            relationship_end=date(2026, 6, 30),
        ),
    )
    request_id = _started_erasure(world, subject.id, email)
    result = fulfil_erasure(
        world.use_case(DCO, register), request_id, last_transaction=date(2026, 6, 30)
    )
    assert result.kept is None
    assert result.key_destroyed
    assert result.erased["identifiers.contact"] == 2
    with world.uow() as uow:
        assert uow.holds.get(str(subject.id)) is None
