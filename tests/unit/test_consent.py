"""The consent ledger: state derived from history, and consent only where the register takes it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from dataward.domain.clock import FixedClock
from dataward.domain.errors import ConsentRefused, NotFound
from dataward.domain.processing.consent import (
    ConsentDraft,
    ConsentEvent,
    ConsentMethod,
    ConsentState,
    consent_given,
    consent_withdrawn,
    current_consents,
)
from dataward.domain.register.model import Register
from dataward.services.processing.consent import (
    GiveConsent,
    WithdrawConsent,
    consent_history,
    consent_state,
    record_consent,
    withdraw_consent,
)
from tests.builders import NOW, a_subject, an_actor, shipped_register, years_before
from tests.fakes import FakeUnitOfWork, use_case

DCO = an_actor("dco")

GIVEN, WITHDRAWN = ConsentState.GIVEN, ConsentState.WITHDRAWN
SUBJECT = uuid.uuid4()


@pytest.fixture(scope="module")
def register() -> Register:
    return shipped_register()


def event(
    state: ConsentState,
    minutes: int,
    *,
    channel: str | None = "email",
    purpose: str = "direct_marketing",
    sequence: int = 0,
) -> ConsentEvent:
    return ConsentEvent(
        subject_id=SUBJECT,
        purpose=purpose,
        channel=channel,
        state=state,
        method=ConsentMethod.WEB_FORM,
        notice_version="2026-11",
        at=NOW + timedelta(minutes=minutes),
        sequence=sequence,
    )


# -- derivation ---------------------------------------------------------------------------------


def test_the_latest_event_wins_whatever_order_the_ledger_is_read_in() -> None:
    events = [event(WITHDRAWN, 10), event(GIVEN, 0), event(GIVEN, 20, channel="post")]
    assert current_consents(events) == {
        ("direct_marketing", "email"): WITHDRAWN,
        ("direct_marketing", "post"): GIVEN,
    }


def test_consent_given_again_after_withdrawal_is_given() -> None:
    events = [event(GIVEN, 0), event(WITHDRAWN, 5), event(GIVEN, 9)]
    assert current_consents(events) == {("direct_marketing", "email"): GIVEN}


def test_events_of_the_same_instant_are_ordered_by_sequence() -> None:
    events = [event(WITHDRAWN, 0, sequence=2), event(GIVEN, 0, sequence=1)]
    assert current_consents(events)[("direct_marketing", "email")] is WITHDRAWN


def test_the_state_at_a_past_moment_ignores_later_events() -> None:
    events = [event(GIVEN, 0), event(WITHDRAWN, 30)]
    as_of = NOW + timedelta(minutes=10)
    assert current_consents(events, as_of=as_of) == {("direct_marketing", "email"): GIVEN}


def test_an_empty_ledger_holds_no_consent() -> None:
    assert current_consents([]) == {}


def test_a_consent_event_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        ConsentEvent(
            SUBJECT,
            "direct_marketing",
            "email",
            GIVEN,
            ConsentMethod.PHONE,
            "v1",
            NOW.replace(tzinfo=None),
        )


# -- the register's rules -----------------------------------------------------------------------


def give(register: Register, purpose: str, channel: str | None) -> ConsentEvent:
    return consent_given(
        register,
        ConsentDraft(
            subject_id=SUBJECT,
            purpose=purpose,
            channel=channel,
            method=ConsentMethod.WEB_FORM,
            notice_version="2026-11",
            at=NOW,
        ),
    )


def test_consent_is_recorded_for_a_consent_purpose_on_one_of_its_channels(
    register: Register,
) -> None:
    recorded = give(register, "direct_marketing", "sms")
    assert (recorded.state, recorded.key) == (GIVEN, ("direct_marketing", "sms"))


@pytest.mark.parametrize(
    "purpose", ["correspondence", "content_and_advertising", "telephony_reporting"]
)
def test_consent_to_a_purpose_on_another_basis_is_refused_saying_its_basis(
    register: Register, purpose: str
) -> None:
    with pytest.raises(ConsentRefused, match="its lawful basis is") as refused:
        give(register, purpose, "email")
    assert refused.value.purpose == purpose
    assert purpose not in str(refused.value)


def test_consent_to_an_unknown_purpose_is_refused_without_repeating_it(
    register: Register,
) -> None:
    with pytest.raises(ConsentRefused, match="no such purpose") as refused:
        give(register, "carrier_pigeon_marketing", "email")
    assert "carrier_pigeon" not in str(refused.value)


def test_consent_on_a_channel_the_purpose_does_not_use_is_refused_listing_its_channels(
    register: Register,
) -> None:
    with pytest.raises(ConsentRefused, match="not one of its channels") as refused:
        give(register, "direct_marketing", "fax")
    assert refused.value.channel == "fax"
    assert "fax" not in str(refused.value)
    with pytest.raises(ConsentRefused, match="not one of its channels"):
        give(register, "direct_marketing", "third_party")


def test_consent_without_a_channel_is_refused_where_the_purpose_has_channels(
    register: Register,
) -> None:
    with pytest.raises(ConsentRefused, match="email, sms, post"):
        give(register, "direct_marketing", None)


def test_consent_needs_the_notice_version_shown(register: Register) -> None:
    with pytest.raises(ConsentRefused, match="notice"):
        consent_given(
            register,
            ConsentDraft(
                subject_id=SUBJECT,
                purpose="direct_marketing",
                channel="email",
                method=ConsentMethod.WEB_FORM,
                notice_version=" ",
                at=NOW,
            ),
        )


def test_a_withdrawal_without_a_channel_covers_every_channel(register: Register) -> None:
    events = consent_withdrawn(
        register,
        ConsentDraft(
            subject_id=SUBJECT,
            purpose="direct_marketing",
            channel=None,
            method=ConsentMethod.EMAIL_LINK,
            notice_version="2026-11",
            at=NOW,
        ),
    )
    assert [e.channel for e in events] == ["email", "sms", "post"]
    assert {e.state for e in events} == {WITHDRAWN}


def test_withdrawing_what_was_never_given_is_recorded_and_harmless(register: Register) -> None:
    events = consent_withdrawn(
        register,
        ConsentDraft(
            subject_id=SUBJECT,
            purpose="third_party_marketing",
            channel="third_party",
            method=ConsentMethod.PHONE,
            notice_version="2026-11",
            at=NOW,
        ),
    )
    assert len(events) == 1
    assert current_consents(events) == {("third_party_marketing", "third_party"): WITHDRAWN}


# -- services -----------------------------------------------------------------------------------


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def test_recording_consent_appends_to_the_ledger_and_commits_once(
    uow: FakeUnitOfWork, clock: FixedClock, register: Register
) -> None:
    subject = a_subject("marketing_contact")
    uow.subjects.add(subject)
    recorded = record_consent(
        use_case(uow, clock, register, DCO),
        GiveConsent(subject.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"),
    )
    assert recorded.sequence == 1
    assert uow.commits == 1
    assert consent_state(uow, clock, subject.id) == {("direct_marketing", "email"): GIVEN}


def test_withdrawing_without_a_channel_stops_every_channel_at_once(
    uow: FakeUnitOfWork, clock: FixedClock, register: Register
) -> None:
    subject = a_subject("marketing_contact")
    uow.subjects.add(subject)
    for channel in ("email", "post"):
        record_consent(
            use_case(uow, clock, register, DCO),
            GiveConsent(subject.id, "direct_marketing", channel, ConsentMethod.PORTAL, "2026-11"),
        )
    clock.advance(timedelta(days=3))
    withdraw_consent(
        use_case(uow, clock, register, DCO),
        WithdrawConsent(subject.id, "direct_marketing", ConsentMethod.EMAIL_LINK, "2026-11"),
    )
    assert set(consent_state(uow, clock, subject.id).values()) == {WITHDRAWN}
    before = consent_state(uow, clock, subject.id, at=NOW + timedelta(days=1))
    assert set(before.values()) == {GIVEN}  # effective from then on, not backwards
    assert len(consent_history(uow, subject.id)) == 5


def test_consent_for_an_unknown_subject_is_refused(
    uow: FakeUnitOfWork, clock: FixedClock, register: Register
) -> None:
    with pytest.raises(NotFound):
        record_consent(
            use_case(uow, clock, register, DCO),
            GiveConsent(uuid.uuid4(), "direct_marketing", "sms", ConsentMethod.PHONE, "2026-11"),
        )
    assert uow.consents.events == []


def test_consent_dated_in_the_future_is_refused(
    uow: FakeUnitOfWork, clock: FixedClock, register: Register
) -> None:
    subject = a_subject()
    uow.subjects.add(subject)
    command = GiveConsent(
        subject.id,
        "direct_marketing",
        "sms",
        ConsentMethod.IMPORT,
        "2026-11",
        at=NOW + timedelta(days=1),
    )
    with pytest.raises(ConsentRefused, match="later"):
        record_consent(use_case(uow, clock, register, DCO), command)


def test_a_childs_consent_is_kept_as_evidence_and_the_record_flagged_for_the_dco(
    uow: FakeUnitOfWork, clock: FixedClock, register: Register
) -> None:
    child = a_subject(birth_date=years_before(NOW.date(), 12))
    uow.subjects.add(child)
    record_consent(
        use_case(uow, clock, register, DCO),
        GiveConsent(child.id, "direct_marketing", "email", ConsentMethod.WEB_FORM, "2026-11"),
    )
    flagged = uow.subjects.get(child.id)
    assert flagged is not None
    assert flagged.dco_flag is not None
    assert "minimum age of 13" in flagged.dco_flag


def test_consent_from_a_kind_of_subject_the_purpose_does_not_serve_is_refused(
    uow: FakeUnitOfWork, clock: FixedClock, register: Register
) -> None:
    caller = a_subject("caller", tenant_id="tenant-a")
    uow.subjects.add(caller)
    command = GiveConsent(caller.id, "direct_marketing", "sms", ConsentMethod.PHONE, "2026-11")
    with pytest.raises(ConsentRefused, match="caller"):
        record_consent(use_case(uow, clock, register, DCO), command)
    assert uow.consents.events == []
