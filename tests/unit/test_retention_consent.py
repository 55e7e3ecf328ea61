"""The marketing-preferences rule on one consent ledger, on exact calendar cases: a ledger
whose latest event is a consent given has no date; a withdrawn one is kept through the last day
of the later term, counted from UK days, and goes the day after. And the instant a store of
expiring links is swept up to."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dataward.domain.processing.consent import ConsentState
from dataward.domain.register.model import RetentionEvent, RetentionRule, RetentionTerm
from dataward.domain.retention.consent import (
    ConsentRecord,
    is_due,
    last_day_kept,
    ledgers,
)
from dataward.domain.retention.cutoff import expired_by

SHIPPED = RetentionRule(
    key="marketing_preferences",
    name="Marketing preferences and consent records",
    terms=[
        RetentionTerm(duration="P2Y", runs_from=RetentionEvent.LAST_INTERACTION),
        RetentionTerm(duration="P6Y", runs_from=RetentionEvent.CONSENT_WITHDRAWN),
    ],
    legal_reference="Limitation Act 1980 s.2 and s.5",
)
SUBJECT = "5a0e0f8e-0000-4000-8000-000000000001"
GIVEN, WITHDRAWN = ConsentState.GIVEN, ConsentState.WITHDRAWN


def _record(
    event_id: int, state: ConsentState, at: datetime, channel: str = "email"
) -> ConsentRecord:
    return ConsentRecord(event_id, SUBJECT, "direct_marketing", channel, state, at)


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _last_day(*records: ConsentRecord, rule: RetentionRule = SHIPPED) -> date | None:
    [ledger] = ledgers(records)
    return last_day_kept(rule, ledger, financial_year_end="12-31")


@pytest.mark.parametrize(
    ("withdrawn", "last"),
    [
        (_utc(2020, 6, 15, 9, 0), date(2026, 6, 15)),
        (_utc(2020, 2, 29, 12, 0), date(2026, 2, 28)),  # no 29 February in 2026
        (_utc(2024, 2, 29, 12, 0), date(2030, 2, 28)),
        (_utc(2020, 10, 24, 23, 30), date(2026, 10, 25)),  # 00:30 BST on the 25th
        (_utc(2020, 10, 25, 0, 30), date(2026, 10, 25)),  # 01:30 BST, the clocks then go back
        (_utc(2020, 10, 25, 23, 30), date(2026, 10, 25)),  # 23:30 GMT: the UK day is the UTC one
        (_utc(2021, 3, 27, 23, 30), date(2027, 3, 27)),  # GMT, the night before clocks go on
        (_utc(2021, 6, 30, 23, 30), date(2027, 7, 1)),  # 00:30 BST on 1 July
        (_utc(2020, 12, 31, 23, 59), date(2026, 12, 31)),  # GMT: still New Year's Eve
    ],
)
def test_a_withdrawn_ledger_is_kept_through_the_uk_anniversary(
    withdrawn: datetime, last: date
) -> None:
    day = _last_day(_record(1, GIVEN, _utc(2018, 1, 1, 10, 0)), _record(2, WITHDRAWN, withdrawn))
    assert day == last
    assert not is_due(day, last)  # kept through its last day
    assert is_due(day, last + timedelta(days=1))  # and goes the day after


def test_a_consent_given_waits_whatever_came_before_it() -> None:
    old = _utc(2010, 1, 1, 10, 0)
    assert _last_day(_record(1, GIVEN, old)) is None
    again = (
        _record(1, GIVEN, old),
        _record(2, WITHDRAWN, old),
        _record(3, GIVEN, _utc(2011, 1, 1)),
    )
    assert _last_day(*again) is None


def test_the_latest_event_wins_by_time_then_by_sequence() -> None:
    same = _utc(2020, 5, 1, 10, 0)
    assert _last_day(_record(2, WITHDRAWN, same), _record(1, GIVEN, same)) == date(2026, 5, 1)
    assert _last_day(_record(1, WITHDRAWN, same), _record(2, GIVEN, same)) is None
    back_dated = _record(9, GIVEN, _utc(2019, 1, 1))  # an import of an older consent
    assert _last_day(_record(3, WITHDRAWN, same), back_dated) == date(2026, 5, 1)


def test_a_withdrawal_repeated_counts_from_the_latest() -> None:
    first, second = _utc(2020, 5, 1, 10, 0), _utc(2021, 8, 9, 10, 0)
    records = (_record(1, GIVEN, _utc(2019, 1, 1)), _record(2, WITHDRAWN, first))
    assert _last_day(*records, _record(3, WITHDRAWN, second)) == date(2027, 8, 9)


def test_the_later_term_wins_and_a_term_a_ledger_cannot_have_keeps_it_waiting() -> None:
    withdrawn = _utc(2020, 5, 1, 10, 0)
    records = (_record(1, GIVEN, _utc(2019, 1, 1)), _record(2, WITHDRAWN, withdrawn))
    short = SHIPPED.model_copy(
        update={"terms": [RetentionTerm(duration="P2Y", runs_from=RetentionEvent.LAST_INTERACTION)]}
    )
    assert _last_day(*records, rule=short) == date(2022, 5, 1)
    other = SHIPPED.model_copy(
        update={"terms": [RetentionTerm(duration="P1Y", runs_from=RetentionEvent.RELATIONSHIP_END)]}
    )
    assert _last_day(*records, rule=other) is None


def test_ledgers_are_one_per_subject_purpose_and_channel_each_in_order() -> None:
    at = _utc(2020, 5, 1, 10, 0)
    found = ledgers(
        [
            _record(4, WITHDRAWN, at, "sms"),
            _record(2, GIVEN, at - timedelta(days=1), "sms"),
            _record(3, GIVEN, at, "email"),
        ]
    )
    assert [(ledger.key[2], ledger.ids) for ledger in found] == [("email", (3,)), ("sms", (2, 4))]
    assert found[1].first_day == date(2020, 4, 30)


NOW = _utc(2026, 7, 14, 15, 0)


@pytest.mark.parametrize(
    ("day", "bound"),
    [
        (date(2026, 7, 14), NOW),  # today: what has expired by now, not later today
        (date(2026, 7, 13), _utc(2026, 7, 14, 0, 0)),  # a past day: by that day's end
        (date(2026, 7, 20), _utc(2026, 7, 21, 0, 0)),  # a plan ahead: by that day's end
    ],
)
def test_links_are_swept_up_to(day: date, bound: datetime) -> None:
    assert expired_by(day, NOW) == bound
