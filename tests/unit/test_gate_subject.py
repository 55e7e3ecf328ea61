"""The gate, part two: what the subject's state decides, each reason with an attempt to break it.

Restriction, objection, a child's age, consent by channel, and the order these are checked in.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from dataward.domain.processing.consent import ConsentKey, ConsentState
from dataward.domain.processing.gate import Decision, DenialReason, Gate, Question
from dataward.domain.processing.restrictions import Objection, ObjectionOutcome
from dataward.domain.register.model import LawfulBasis, Register, Role
from dataward.domain.subjects import Subject
from tests.builders import (
    EVERYTHING,
    NOW,
    a_caller,
    a_subject,
    all_consents,
    an_actor,
    register_with_everything_role,
    restricted,
    shipped_register,
    state_of,
    years_before,
)

R = DenialReason


@pytest.fixture(scope="module")
def register() -> Register:
    return register_with_everything_role(shipped_register())


@pytest.fixture(scope="module")
def gate(register: Register) -> Gate:
    return Gate(register)


# -- restriction -------------------------------------------------------------------------------


def test_a_restricted_subject_is_refused_for_every_purpose_but_storage_and_legal_claims(
    gate: Gate, register: Register
) -> None:
    everything = an_actor(EVERYTHING)
    allowed: set[str] = set()
    for purpose in register.purposes:
        subject = a_caller() if purpose.role is Role.PROCESSOR else a_subject()
        state = state_of(
            subject, restrictions=(restricted(subject),), consents=all_consents(register)
        )
        for category in purpose.categories:
            decision = gate.authorize(
                everything, state, Question(category, purpose.key, NOW, decrypt=True)
            )
            if decision.allowed:
                allowed.add(purpose.key)
            else:
                assert decision.reason is R.PROCESSING_RESTRICTED, (purpose.key, category)
    # storage, legal claims, and answering the person's own requests (Art. 18(2), consent)
    assert allowed == {"secure_storage", "legal_claims", "rights_and_complaints"}


def test_without_the_restriction_the_same_requests_are_all_allowed(
    gate: Gate, register: Register
) -> None:
    everything = an_actor(EVERYTHING)
    for purpose in register.purposes:
        subject = a_caller() if purpose.role is Role.PROCESSOR else a_subject()
        state = state_of(subject, consents=all_consents(register))
        for category in purpose.categories:
            decision = gate.authorize(
                everything, state, Question(category, purpose.key, NOW, decrypt=True)
            )
            assert decision.allowed, (purpose.key, category)


def test_a_restriction_of_some_categories_restricts_only_those(gate: Gate) -> None:
    subject = a_subject()
    state = state_of(subject, restrictions=(restricted(subject, frozenset({"contact"})),))
    dco = an_actor("dco")
    assert gate.authorize(dco, state, Question("contact", "correspondence", NOW)).reason is (
        R.PROCESSING_RESTRICTED
    )
    assert gate.authorize(dco, state, Question("identity", "correspondence", NOW)).allowed


def test_a_restriction_applies_only_while_active(gate: Gate) -> None:
    subject = a_subject()
    dco = an_actor("dco")
    future = restricted(subject, starts_at=NOW + timedelta(hours=1))
    lifted = restricted(subject).lift(NOW - timedelta(hours=1), NOW - timedelta(hours=2))
    for restriction in (future, lifted):
        state = state_of(subject, restrictions=(restriction,))
        assert gate.authorize(dco, state, Question("contact", "correspondence", NOW)).allowed


def test_a_planned_end_does_not_lift_a_restriction_the_subject_was_not_told_of(
    gate: Gate,
) -> None:
    subject = a_subject()
    ended = NOW - timedelta(hours=1)
    untold = restricted(subject, ends_at=ended)
    told = restricted(subject, ends_at=ended, subject_told_at=ended - timedelta(days=1))
    dco = an_actor("dco")
    assert not gate.authorize(
        dco, state_of(subject, restrictions=(untold,)), Question("contact", "correspondence", NOW)
    ).allowed
    assert gate.authorize(
        dco, state_of(subject, restrictions=(told,)), Question("contact", "correspondence", NOW)
    ).allowed


# -- objection ---------------------------------------------------------------------------------


def li_objection(subject: Subject, purpose: str, outcome: ObjectionOutcome) -> Objection:
    pending = Objection.to_legitimate_interests(
        uuid.uuid4(), subject.id, purpose, NOW - timedelta(days=2)
    )
    if outcome is ObjectionOutcome.PENDING:
        return pending
    return pending.decide(outcome, "Fraud prevention outweighs", NOW - timedelta(days=1))


def test_an_upheld_objection_stops_that_purpose_only(gate: Gate) -> None:
    subject = a_subject()
    state = state_of(
        subject,
        objections=(li_objection(subject, "relationship_feedback", ObjectionOutcome.UPHELD),),
    )
    everything = an_actor(EVERYTHING)
    assert gate.authorize(
        everything, state, Question("profile", "relationship_feedback", NOW)
    ).reason is (R.OBJECTION_UPHELD)
    assert gate.authorize(everything, state, Question("technical", "analytics", NOW)).allowed


@pytest.mark.parametrize("outcome", [ObjectionOutcome.PENDING, ObjectionOutcome.COMPELLING_GROUNDS])
def test_a_pending_or_overridden_objection_does_not_stop_processing(
    gate: Gate, outcome: ObjectionOutcome
) -> None:
    subject = a_subject()
    state = state_of(
        subject, objections=(li_objection(subject, "business_administration", outcome),)
    )
    decision = gate.authorize(
        an_actor(EVERYTHING), state, Question("technical", "business_administration", NOW)
    )
    assert decision.allowed


def test_a_direct_marketing_objection_stops_mondago_marketing_too(
    gate: Gate, register: Register
) -> None:
    subject = a_subject("marketing_contact")
    objection = Objection.to_direct_marketing(uuid.uuid4(), subject.id, NOW - timedelta(days=1))
    state = state_of(subject, objections=(objection,), consents=all_consents(register))
    marketing = an_actor("marketing")
    for purpose in ("direct_marketing", "third_party_marketing", "mondago_marketing"):
        decision = gate.authorize(marketing, state, Question("contact", purpose, NOW))
        assert decision.reason is R.OBJECTION_UPHELD, purpose
    assert gate.authorize(marketing, state, Question("usage", "analytics", NOW)).allowed


def test_an_objection_counts_from_when_it_was_upheld(gate: Gate) -> None:
    subject = a_subject()
    objection = Objection.to_direct_marketing(uuid.uuid4(), subject.id, NOW)
    state = state_of(subject, objections=(objection,))
    earlier = NOW - timedelta(minutes=1)
    assert gate.authorize(
        an_actor("marketing"), state, Question("contact", "content_and_advertising", earlier)
    ).allowed
    assert not gate.authorize(
        an_actor("marketing"), state, Question("contact", "content_and_advertising", NOW)
    ).allowed


# -- children ----------------------------------------------------------------------------------


def test_a_twelve_year_old_is_refused_direct_marketing_and_flagged(
    gate: Gate, register: Register
) -> None:
    child = a_subject(birth_date=years_before(NOW.date(), 12))
    state = state_of(child, consents=all_consents(register))
    decision = gate.authorize(
        an_actor("marketing"), state, Question("contact", "direct_marketing", NOW)
    )
    assert decision.reason is R.SUBJECT_IS_CHILD
    assert decision.flag_for_dco is not None
    assert "13" in decision.flag_for_dco


def test_the_same_child_is_served_under_contract(gate: Gate) -> None:
    child = state_of(a_subject(birth_date=years_before(NOW.date(), 12)))
    decision = gate.authorize(
        an_actor("support"), child, Question("contact", "correspondence", NOW)
    )
    assert decision.allowed
    assert decision.lawful_basis is LawfulBasis.CONTRACT
    assert decision.flag_for_dco is None


def test_consent_based_processing_opens_on_the_thirteenth_birthday(
    gate: Gate, register: Register
) -> None:
    birthday = NOW.date()
    child = a_subject(birth_date=years_before(birthday, 13))
    state = state_of(child, consents=all_consents(register))
    marketing = an_actor("marketing")
    day_before = NOW - timedelta(days=1)
    assert gate.authorize(
        marketing, state, Question("contact", "direct_marketing", day_before)
    ).reason is (R.SUBJECT_IS_CHILD)
    assert gate.authorize(marketing, state, Question("contact", "direct_marketing", NOW)).allowed


def test_a_subject_of_unknown_age_is_not_treated_as_a_child(gate: Gate, register: Register) -> None:
    state = state_of(a_subject(), consents=all_consents(register))
    assert gate.authorize(
        an_actor("marketing"), state, Question("contact", "direct_marketing", NOW)
    ).allowed


MARKETING = (
    "content_and_advertising",
    "direct_marketing",
    "third_party_marketing",
    "mondago_marketing",
)
"""Our advertising, our direct marketing, third parties', Mondago's: the shipped register's
marketing purposes."""


def test_the_shipped_register_declares_each_marketing_purpose_as_marketing(
    register: Register,
) -> None:
    # the gate knows a marketing purpose by the register's `marketing: true`, not by its name
    assert tuple(p.key for p in register.purposes if p.marketing) == MARKETING
    bases = {register.purpose(key).lawful_basis for key in MARKETING}
    assert bases == {LawfulBasis.CONSENT, LawfulBasis.LEGITIMATE_INTERESTS}


@pytest.mark.parametrize("purpose", MARKETING)
def test_a_child_is_refused_every_marketing_purpose_whatever_its_basis(
    gate: Gate, register: Register, purpose: str
) -> None:
    child = a_subject("marketing_contact", birth_date=date(2013, 11, 26))  # 13 tomorrow
    state = state_of(child, consents=all_consents(register))
    for category in register.purpose(purpose).categories:
        decision = gate.authorize(an_actor(EVERYTHING), state, Question(category, purpose, NOW))
        assert decision.reason is R.SUBJECT_IS_CHILD, (purpose, category)
        assert decision.flag_for_dco == (
            "under the minimum age of 13: consent-based processing and marketing refused"
        )


@pytest.mark.parametrize("purpose", MARKETING)
def test_an_adult_and_a_subject_of_unknown_age_may_be_marketed_to(
    gate: Gate, register: Register, purpose: str
) -> None:
    thirteen_today = a_subject("marketing_contact", birth_date=date(2013, 11, 25))
    unknown_age = a_subject("marketing_contact")
    for subject in (thirteen_today, unknown_age):
        state = state_of(subject, consents=all_consents(register))
        for category in register.purpose(purpose).categories:
            decision = gate.authorize(an_actor(EVERYTHING), state, Question(category, purpose, NOW))
            assert decision.allowed, (purpose, category, decision.reason)
            assert decision.flag_for_dco is None


def test_a_child_is_still_served_under_contract_and_legal_obligation(gate: Gate) -> None:
    state = state_of(a_subject(birth_date=date(2014, 1, 1)))
    for purpose in ("correspondence", "relationship_notices", "business_compliance"):
        assert gate.authorize(
            an_actor(EVERYTHING), state, Question("contact", purpose, NOW)
        ).allowed


def test_a_leap_day_child_comes_of_age_on_the_first_of_march_in_a_common_year(
    gate: Gate,
) -> None:
    state = state_of(a_subject("marketing_contact", birth_date=date(2012, 2, 29)))
    marketing = an_actor("marketing")
    on_28_february = datetime(2025, 2, 28, 12, 0, tzinfo=UTC)
    on_1_march = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    advertising = "content_and_advertising"  # legitimate interests: age alone decides
    refused = gate.authorize(marketing, state, Question("contact", advertising, on_28_february))
    assert refused.reason is R.SUBJECT_IS_CHILD
    assert gate.authorize(marketing, state, Question("contact", advertising, on_1_march)).allowed


def test_a_birthday_is_a_uk_date_in_summer_time(gate: Gate) -> None:
    # 23:30 UTC on 14 June is 00:30 on 15 June in London (BST): the UK birthday has come
    state = state_of(a_subject("marketing_contact", birth_date=date(2013, 6, 15)))
    marketing = an_actor("marketing")
    before_midnight_in_london = datetime(2026, 6, 14, 22, 30, tzinfo=UTC)
    after_midnight_in_london = datetime(2026, 6, 14, 23, 30, tzinfo=UTC)
    refused = gate.authorize(
        marketing, state, Question("contact", "content_and_advertising", before_midnight_in_london)
    )
    assert refused.reason is R.SUBJECT_IS_CHILD
    assert gate.authorize(
        marketing, state, Question("contact", "content_and_advertising", after_midnight_in_london)
    ).allowed


# -- consent -----------------------------------------------------------------------------------


def test_direct_marketing_without_consent_is_refused(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("marketing"), state_of(a_subject()), Question("contact", "direct_marketing", NOW)
    )
    assert decision.reason is R.NO_CONSENT


def test_consent_withdrawn_on_email_but_given_on_post(gate: Gate) -> None:
    state = state_of(
        a_subject(),
        consents={
            ("direct_marketing", "email"): ConsentState.WITHDRAWN,
            ("direct_marketing", "post"): ConsentState.GIVEN,
        },
    )
    marketing = an_actor("marketing")
    by_email = gate.authorize(
        marketing, state, Question("contact", "direct_marketing", NOW, channel="email")
    )
    assert by_email.reason is R.CONSENT_WITHDRAWN
    by_post = gate.authorize(
        marketing, state, Question("contact", "direct_marketing", NOW, channel="post")
    )
    assert by_post.allowed
    assert by_post.lawful_basis is LawfulBasis.CONSENT
    assert gate.authorize(marketing, state, Question("contact", "direct_marketing", NOW)).allowed


def test_consent_withdrawn_on_every_channel_is_withdrawn(gate: Gate) -> None:
    state = state_of(a_subject(), consents={("direct_marketing", "sms"): ConsentState.WITHDRAWN})
    decision = gate.authorize(
        an_actor("marketing"), state, Question("contact", "direct_marketing", NOW)
    )
    assert decision.reason is R.CONSENT_WITHDRAWN


def test_consent_on_one_channel_does_not_open_another(gate: Gate) -> None:
    state = state_of(a_subject(), consents={("direct_marketing", "post"): ConsentState.GIVEN})
    decision = gate.authorize(
        an_actor("marketing"), state, Question("contact", "direct_marketing", NOW, channel="sms")
    )
    assert decision.reason is R.NO_CONSENT


def test_consent_to_one_purpose_does_not_open_another(gate: Gate) -> None:
    state = state_of(a_subject(), consents={("direct_marketing", "email"): ConsentState.GIVEN})
    decision = gate.authorize(
        an_actor("marketing"), state, Question("contact", "third_party_marketing", NOW)
    )
    assert decision.reason is R.NO_CONSENT


def test_legitimate_interests_marketing_needs_no_consent(gate: Gate) -> None:
    decision = gate.authorize(
        an_actor("marketing"),
        state_of(a_subject()),
        Question("contact", "content_and_advertising", NOW),
    )
    assert decision.allowed
    assert decision.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS


def test_mondago_marketing_needs_a_consent_that_names_mondago(gate: Gate) -> None:
    marketing = an_actor("marketing")
    subject = a_subject("marketing_contact")

    def decide(consents: dict[ConsentKey, ConsentState]) -> Decision:
        state = state_of(subject, consents=consents)
        return gate.authorize(marketing, state, Question("contact", "mondago_marketing", NOW))

    assert decide({}).reason is R.NO_CONSENT
    another_company = {("third_party_marketing", "third_party"): ConsentState.GIVEN}
    assert decide(another_company).reason is R.NO_CONSENT
    given = decide({("mondago_marketing", "third_party"): ConsentState.GIVEN})
    assert (given.allowed, given.lawful_basis) == (True, LawfulBasis.CONSENT)


# -- order -------------------------------------------------------------------------------------


def test_restriction_is_reported_before_objection_child_and_consent(gate: Gate) -> None:
    child = a_subject(birth_date=years_before(NOW.date(), 10))
    state = state_of(
        child,
        restrictions=(restricted(child),),
        objections=(Objection.to_direct_marketing(uuid.uuid4(), child.id, NOW),),
    )
    decision = gate.authorize(
        an_actor("marketing"), state, Question("contact", "direct_marketing", NOW)
    )
    assert decision.reason is R.PROCESSING_RESTRICTED
    assert decision.flag_for_dco is None


def test_objection_is_reported_before_child_and_consent(gate: Gate) -> None:
    child = a_subject(birth_date=years_before(NOW.date(), 10))
    state = state_of(
        child, objections=(Objection.to_direct_marketing(uuid.uuid4(), child.id, NOW),)
    )
    decision = gate.authorize(
        an_actor("marketing"), state, Question("contact", "direct_marketing", NOW)
    )
    assert decision.reason is R.OBJECTION_UPHELD
