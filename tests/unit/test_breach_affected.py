"""A breach's scope: which stores hold each category, which windows are taken, how counts add."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from dataward.domain.breaches.affected import (
    AHEAD,
    EARLIEST,
    HELD_IN,
    NOBODY,
    OWN_STORES,
    TENANT_STORES,
    AffectedCount,
    AffectedScope,
    AffectedStore,
    check_scope,
    stores_for,
    total,
    uncounted,
)
from dataward.domain.errors import DatawardError, InvalidValue, NotInRegister, OutOfRange
from tests.builders import NOW, TENANT_A, shipped_register

S, C, Q, R = (
    AffectedStore.SUBJECTS,
    AffectedStore.CALLS,
    AffectedStore.QUARANTINE,
    AffectedStore.REQUESTS,
)
DAY = timedelta(days=1)


def _scope(**changes: Any) -> AffectedScope:
    values: dict[str, Any] = {
        "tenant_id": TENANT_A,
        "start": NOW - 7 * DAY,
        "end": NOW,
        "categories": frozenset(),
    }
    values.update(changes)
    return AffectedScope(**values)


def test_every_category_of_the_register_has_its_stores_said() -> None:
    assert {c.key for c in shipped_register().categories} == set(HELD_IN)


def test_telephony_data_is_the_tenants_calls_lines_and_callers_and_our_agents() -> None:
    assert stores_for({"telephony_activity"}, ours=False) == {C, Q, S}
    assert stores_for({"telephony_activity"}, ours=True) == {S}  # agents are our own subjects
    assert stores_for({"telephony_activity"}) == {C, Q, S}


def test_identity_and_contact_are_our_own_subjects() -> None:
    assert stores_for({"identity"}, ours=True) == {S}
    assert stores_for({"contact", "identity"}) == {S}
    # a tenant's callers' identifiers are its telephony data, not these categories
    assert stores_for({"identity", "contact"}, ours=False) == frozenset()


def test_requests_hold_what_was_asked_and_the_letters() -> None:
    for ours in (True, False):
        assert stores_for({"rights_requests"}, ours=ours) == {R}
        assert stores_for({"correspondence"}, ours=ours) == {R}


def test_no_category_means_every_store_of_the_owner() -> None:
    assert stores_for((), ours=False) == TENANT_STORES == {S, C, Q, R}
    assert stores_for((), ours=True) == OWN_STORES == {S, R}
    assert _scope().stores == {S, C, Q, R}
    assert _scope(tenant_id=None).stores == {S, R}


def test_categories_add_their_stores() -> None:
    scope = _scope(categories=frozenset({"telephony_activity", "rights_requests"}))
    assert scope.stores == {S, C, Q, R}
    assert _scope(categories=frozenset({"correspondence"})).stores == {R}


def test_a_category_held_in_no_store_counted_here_is_said_to_be_uncounted() -> None:
    assert uncounted({"financial", "identity", "usage"}, ours=True) == {"financial", "usage"}
    assert uncounted({"identity", "telephony_activity"}, ours=False) == {"identity"}
    only_financial = _scope(tenant_id=None, categories=frozenset({"financial"}))
    assert only_financial.stores == frozenset()  # nothing, not everything


@pytest.mark.parametrize("key", ["telephony", "IDENTITY", "", "identity ", "<script>", "x" * 5000])
def test_an_unknown_category_is_refused_by_field_with_the_known_ones(key: str) -> None:
    with pytest.raises(NotInRegister) as refused:
        stores_for({key})
    assert refused.value.field == "category"
    known = ", ".join(sorted(HELD_IN))  # the keys it has; the key given is never echoed
    assert str(refused.value) == f"category: not in the register (it has: {known})"
    with pytest.raises(NotInRegister):
        _scope(categories=frozenset({"identity", key}))


def test_categories_must_be_keys() -> None:
    with pytest.raises(InvalidValue):
        _scope(categories="identity")
    with pytest.raises(InvalidValue):
        _scope(categories=frozenset({1}))


def test_a_window_is_normalised_to_utc_and_its_categories_to_a_set() -> None:
    plus_two = timezone(timedelta(hours=2))
    scope = _scope(
        start=datetime(2026, 3, 1, 2, 0, tzinfo=plus_two),
        end=datetime(2026, 3, 2, tzinfo=UTC),
        categories=["identity"],
    )
    assert scope.start == datetime(2026, 3, 1, tzinfo=UTC)
    assert scope.start.tzinfo is UTC
    assert scope.categories == frozenset({"identity"})


NAIVE = datetime(2026, 3, 1)  # noqa: DTZ001 - the point of the tests below


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": NAIVE}, "from"),
        ({"start": NAIVE - DAY, "end": NAIVE}, "from"),
        ({"start": NAIVE.replace(tzinfo=UTC) - DAY, "end": NAIVE}, "to"),
    ],
)
def test_a_naive_time_is_refused_by_its_name(changes: dict[str, datetime], field: str) -> None:
    with pytest.raises(OutOfRange) as refused:
        _scope(**changes)
    assert refused.value.field == field


@pytest.mark.parametrize("value", [None, "2026-03-01", 1_772_323_200, date(2026, 3, 1)])
def test_a_time_that_is_not_a_time_is_refused(value: object) -> None:
    with pytest.raises(OutOfRange):
        _scope(start=value)


def test_a_window_ending_at_or_before_its_start_is_refused() -> None:
    with pytest.raises(OutOfRange) as refused:
        _scope(start=NOW, end=NOW - DAY)
    assert refused.value.field == "to"
    with pytest.raises(OutOfRange):
        _scope(start=NOW, end=NOW)
    assert _scope(start=NOW, end=NOW + timedelta(microseconds=1)).end > NOW


def test_a_window_before_any_record_or_past_the_calendar_is_refused() -> None:
    with pytest.raises(OutOfRange) as refused:
        _scope(start=EARLIEST - timedelta(microseconds=1))
    assert refused.value.field == "from"
    assert _scope(start=EARLIEST).start == EARLIEST
    with pytest.raises(OutOfRange) as refused:
        _scope(end=datetime(9999, 12, 31, tzinfo=UTC))
    assert refused.value.field == "to"


def test_a_window_may_end_a_day_past_now_and_no_later() -> None:
    now = NOW  # the clock's now, given: the rule is relative to it
    assert check_scope(_scope(start=now - DAY, end=now), now).end == now
    assert check_scope(_scope(start=now - DAY, end=now + AHEAD), now).end == now + AHEAD
    with pytest.raises(OutOfRange) as refused:
        check_scope(_scope(start=now - DAY, end=now + AHEAD + timedelta(seconds=1)), now)
    assert refused.value.field == "to"
    with pytest.raises(OutOfRange):
        check_scope(_scope(start=now + 30 * DAY, end=now + 60 * DAY), now)
    with pytest.raises(ValueError, match="aware"):
        check_scope(_scope(), now.replace(tzinfo=None))


def test_a_window_of_decades_is_one_scope() -> None:
    scope = check_scope(_scope(start=EARLIEST, end=NOW), NOW)
    assert scope.end - scope.start > timedelta(days=365 * 30)


@pytest.mark.parametrize("tenant", ["", "A", "tenant a", "tenant-a\n", "x" * 65, "../etc", 7])
def test_a_tenant_id_of_the_wrong_form_is_refused_without_echo(tenant: object) -> None:
    with pytest.raises(InvalidValue) as refused:
        _scope(tenant_id=tenant)
    assert refused.value.field == "tenant"
    assert isinstance(refused.value, DatawardError)


def test_requests_count_on_the_uk_days_the_window_overlaps() -> None:
    # 2026-07-01 23:30 UTC is 2 July 00:30 in London (BST): that day's requests are in
    summer = _scope(
        start=datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        end=datetime(2026, 7, 3, 23, 0, tzinfo=UTC),  # 4 July 00:00 in London: not in
    )
    assert summer.request_days() == (date(2026, 7, 2), date(2026, 7, 3))
    winter = _scope(
        start=datetime(2026, 1, 5, tzinfo=UTC), end=datetime(2026, 1, 5, 0, 0, 1, tzinfo=UTC)
    )
    assert winter.request_days() == (date(2026, 1, 5), date(2026, 1, 5))


def test_counts_of_scopes_add_store_by_store() -> None:
    one = AffectedCount(
        people=3,
        records=5,
        by_store={"calls": 4, "subjects": 1},
        people_by_store={"calls": 3, "subjects": 1},
        unidentified=1,
    )
    other = AffectedCount(
        people=2, records=2, by_store={"requests": 2}, people_by_store={"requests": 2}
    )
    summed = one.add(other)
    assert summed == AffectedCount(
        people=5,  # the same person in both scopes counts twice: approximate, as said
        records=7,
        by_store={"calls": 4, "requests": 2, "subjects": 1},
        people_by_store={"calls": 3, "requests": 2, "subjects": 1},
        unidentified=1,
    )
    assert total([one, other]) == summed
    assert total([]) == NOBODY == AffectedCount(0, 0)


def test_a_count_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(ValueError, match="sum"):
        AffectedCount(people=1, records=3, by_store={"calls": 2})
    with pytest.raises(ValueError, match="sum"):
        AffectedCount(people=0, records=1, by_store={"calls": 1}, unidentified=2)
    with pytest.raises(ValueError, match="negative"):
        AffectedCount(people=-1, records=0)
