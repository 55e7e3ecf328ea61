"""A search of the audit log's filters, checked before anything is read: UK days, times with
their zone, staff ids, actions, pages. A refusal names the field, never the value."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from dataward.domain.audit_search import (
    PAGE_MOST,
    SearchCursor,
    audit_search,
    check_action,
    check_actor,
    check_limit,
    moment,
)
from dataward.domain.errors import InvalidValue, OutOfRange


def test_a_date_is_a_uk_day_in_summer_and_in_winter() -> None:
    # British Summer Time: the UK day of 1 July 2026 is 23:00 UTC the day before to 23:00
    assert moment("since", "2026-07-01", end=False) == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert moment("until", "2026-07-01", end=True) == datetime(2026, 7, 1, 23, tzinfo=UTC)
    # Greenwich Mean Time: the UK day is the UTC day
    assert moment("since", "2026-12-01", end=False) == datetime(2026, 12, 1, tzinfo=UTC)
    assert moment("until", "2026-12-01", end=True) == datetime(2026, 12, 2, tzinfo=UTC)


def test_a_time_keeps_its_zone_and_until_takes_it_in() -> None:
    at = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    assert moment("since", "2026-11-25T10:30:00+01:00", end=False) == at
    assert moment("since", "2026-11-25T09:30Z", end=False) == at
    assert moment("until", "2026-11-25T09:30:00.000000Z", end=True) > at


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-24T10:00:00",  # no zone: which instant is meant is not known
        "2026-02-30",
        "2026-11-24T25:00Z",
        "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0662\u0665",
        "25/11/2026",
        "07700 900123",
        "2026-11-24" + " " * 100,
        "",
        "2026-11-24\n",
    ],
)
def test_anything_else_is_refused_naming_the_field_not_the_value(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        moment("since", text, end=False)
    assert str(refused.value).startswith("since: ")
    assert text.strip() not in str(refused.value) or not text.strip()


def test_days_off_the_calendar_are_out_of_range() -> None:
    for text in ("0001-01-01", "9999-12-31", "9999-12-31T23:59:59+00:00"):
        with pytest.raises(OutOfRange):
            moment("until", text, end=True)


def test_since_after_until_is_refused_and_one_day_is_a_window() -> None:
    with pytest.raises(OutOfRange) as refused:
        audit_search(None, None, None, "2026-11-26", "2026-11-25")
    assert refused.value.field == "since"
    one_day = audit_search(None, None, None, "2026-11-25", "2026-11-25")
    assert one_day.since == datetime(2026, 11, 25, tzinfo=UTC)
    assert one_day.before == datetime(2026, 11, 26, tzinfo=UTC)


@pytest.mark.parametrize("actor", ["dco-on-duty", "cli:jsmith", "system:init", "admin-tenant-a"])
def test_a_staff_id_is_taken(actor: str) -> None:
    assert check_actor(actor) == actor


@pytest.mark.parametrize(
    "actor",
    ["", "07700 900123", "12345", "someone@example.org", "a\x00b", "a\u202eb", "a" * 101, "\u0663"],
)
def test_a_number_an_address_or_control_characters_are_no_staff_id(actor: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_actor(actor)
    assert refused.value.field == "actor"
    assert "07700" not in str(refused.value)


def test_an_action_is_a_word_like_the_logs() -> None:
    assert check_action("gate_decision") == "gate_decision"
    assert check_action("an_extension_action") == "an_extension_action"
    for bad in ("Gate", "gate-decision", "g", "a" * 65, "gate_decision\n", "gäte", ""):
        with pytest.raises(InvalidValue):
            check_action(bad)


def test_the_filters_recorded_are_references_and_times_only() -> None:
    subject = uuid.uuid4()
    query = audit_search(subject, "dco-on-duty", "gate_decision", "2026-12-01", None)
    assert query.details() == {
        "actor": "dco-on-duty",
        "action": "gate_decision",
        "since": "2026-12-01T00:00:00.000000Z",
    }
    assert str(subject) not in str(query.details())  # the entry's subject_ref holds it


def test_a_cursor_is_two_seqs_and_a_page_is_bounded() -> None:
    assert SearchCursor.parse("42.57") == SearchCursor(42, 57)
    assert SearchCursor.parse(SearchCursor(1, 2**63 - 1).text) == SearchCursor(1, 2**63 - 1)
    hostile = ("42", "0.5", "5.5", "6.5", "-1.2", f"1.{2**63}", "\u0661.\u0662", "9" * 20, "")
    for bad in (*hostile, "1.2\n"):
        with pytest.raises(InvalidValue) as refused:
            SearchCursor.parse(bad)
        assert refused.value.field == "cursor"
    assert check_limit(PAGE_MOST) == PAGE_MOST
    for bad in (0, PAGE_MOST + 1):
        with pytest.raises(OutOfRange):
            check_limit(bad)
