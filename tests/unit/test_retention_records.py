"""How a campaign send, a marketing basis and a disclosure are dated under their rules: on exact
calendar dates from UK days, the later term winning, a withdrawal reaching only the sends made
on its consent before it, a basis renewed by the sends made on it, and a rule with a term no
such record can have leaving it waiting rather than going early."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dataward.adapters.register_file import load_register_file
from dataward.domain.processing.consent import ConsentState
from dataward.domain.register.model import RetentionEvent, RetentionRule, RetentionTerm
from dataward.domain.retention import records
from dataward.domain.retention.consent import ConsentRecord
from dataward.domain.retention.records import BasisRecord, DisclosureRecord, SentRecord

REGISTER = load_register_file().register
MARKETING = REGISTER.retention_rule("marketing_preferences")
YEAR_END = REGISTER.organisation.financial_year_end
CAMPAIGN, SUBJECT = "6f1c0a52-7d0e-4c4b-9b8f-0d7e1f2a3b4c", "0b0e8a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
CHANNELS = {"direct_marketing": ("email", "sms"), "mondago_marketing": ("third_party",)}


def _send(at: datetime, basis: str = "consent", purpose: str = "direct_marketing") -> SentRecord:
    return SentRecord(CAMPAIGN, SUBJECT, basis, at, purpose, "email")


def _withdrawn(
    at: datetime, purpose: str = "direct_marketing", channel: str = "email"
) -> ConsentRecord:
    return ConsentRecord(1, SUBJECT, purpose, channel, ConsentState.WITHDRAWN, at)


def _last(
    rule: RetentionRule, record: records.KeptRecord, events: frozenset[RetentionEvent]
) -> date | None:
    return records.last_day_kept(rule, record, events, financial_year_end=YEAR_END)


def test_a_send_on_a_leap_day_is_kept_two_years_to_the_28th_of_february() -> None:
    [kept] = records.sends([_send(datetime(2024, 2, 29, 10, tzinfo=UTC))], [], CHANNELS)
    assert _last(MARKETING, kept, records.SEND_EVENTS) == date(2026, 2, 28)
    assert records.is_due(date(2026, 2, 28), date(2026, 3, 1))
    assert not records.is_due(date(2026, 2, 28), date(2026, 2, 28))


def test_a_withdrawal_after_a_consent_send_keeps_it_six_years_from_the_withdrawal() -> None:
    sent = _send(datetime(2024, 5, 1, 10, tzinfo=UTC))
    later = _withdrawn(datetime(2025, 1, 10, 23, 30, tzinfo=UTC))  # a winter evening: same day
    [kept] = records.sends([sent], [later], CHANNELS)
    assert _last(MARKETING, kept, records.SEND_EVENTS) == date(2031, 1, 10)
    before = _withdrawn(datetime(2024, 4, 1, 10, tzinfo=UTC))  # withdrawn before: not its consent
    other = _withdrawn(datetime(2025, 1, 10, 10, tzinfo=UTC), channel="sms")  # another ledger
    for events in ([before], [other]):
        [kept] = records.sends([sent], events, CHANNELS)
        assert _last(MARKETING, kept, records.SEND_EVENTS) == date(2026, 5, 1)
    [soft] = records.sends([_send(sent.at, basis="soft_opt_in")], [later], CHANNELS)
    assert _last(MARKETING, soft, records.SEND_EVENTS) == date(2026, 5, 1)


def test_a_companys_consent_covers_a_send_on_any_channel() -> None:
    sent = _send(datetime(2024, 5, 1, 10, tzinfo=UTC), purpose="mondago_marketing")
    withdrawn = _withdrawn(datetime(2025, 6, 1, 10, tzinfo=UTC), "mondago_marketing", "third_party")
    [kept] = records.sends([sent], [withdrawn], CHANNELS)
    assert _last(MARKETING, kept, records.SEND_EVENTS) == date(2031, 6, 1)


def test_a_basis_runs_from_its_latest_day_or_the_latest_send_made_on_it() -> None:
    recorded = datetime(2023, 3, 1, 10, tzinfo=UTC)
    basis = BasisRecord(7, SUBJECT, "soft_opt_in", date(2023, 2, 20), recorded)
    [alone] = records.bases([basis], [])
    assert _last(MARKETING, alone, records.BASIS_EVENTS) == date(2025, 3, 1)
    assert alone.id == (7).to_bytes(8, "big")
    sends = [
        _send(datetime(2024, 9, 1, 10, tzinfo=UTC), basis="soft_opt_in"),
        _send(datetime(2025, 9, 1, 10, tzinfo=UTC), basis="consent"),  # not on this basis
    ]
    [renewed] = records.bases([basis], sends)
    assert _last(MARKETING, renewed, records.BASIS_EVENTS) == date(2026, 9, 1)


def test_a_disclosure_runs_six_years_from_its_uk_day() -> None:
    rule = REGISTER.retention_rule("disclosure_log")
    at = datetime(2024, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London
    [kept] = records.disclosures([DisclosureRecord(3, SUBJECT, at)])
    assert kept.day == date(2024, 7, 1)
    assert _last(rule, kept, records.DISCLOSURE_EVENTS) == date(2030, 7, 1)


def test_a_term_no_such_record_can_have_leaves_it_waiting() -> None:
    rule = MARKETING.model_copy(
        update={"terms": [RetentionTerm(duration="P7Y", runs_from=RetentionEvent.RELATIONSHIP_END)]}
    )
    [kept] = records.sends([_send(datetime(2020, 1, 1, 10, tzinfo=UTC))], [], CHANNELS)
    assert _last(rule, kept, records.SEND_EVENTS) is None
    assert not records.is_due(None, date(2099, 1, 1))
    assert records.send_key(kept.id) == (CAMPAIGN, SUBJECT)
