"""The complaints register's pure rules: where an acknowledgement or an outcome stands against
its date, the figures over the rows, the ICO's involvement checked against the complaint's
dates, and the page cursor, which refuses anything but its own text without repeating it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from dataward.domain.calendar import bank_holidays
from dataward.domain.errors import InvalidValue
from dataward.domain.requests.complaints import (
    ComplaintCursor,
    ComplaintFacts,
    IcoCase,
    IcoOutcome,
    ReceivedBy,
    Timeliness,
    check_reference,
    figures,
    register_row,
    timeliness,
)
from dataward.domain.requests.workflow import RequestState

RECEIVED = date(2026, 11, 20)  # a Friday: acknowledge by 19 December, target 14 January 2027
HOLIDAYS = bank_holidays()


def _facts(**kw: object) -> ComplaintFacts:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "received": RECEIVED,
        "channel": "post",
        "by_form": False,
        "state": RequestState.RECEIVED,
        "acknowledged": None,
        "acknowledge_within": 30,
        "investigate_within": 56,
        "closed_at": None,
        "outcome_recorded": False,
    }
    return ComplaintFacts(**(fields | kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("done", "closed", "today", "expected"),
    [
        (date(2026, 12, 19), False, date(2027, 1, 1), Timeliness.ON_TIME),
        (date(2026, 12, 20), False, date(2027, 1, 1), Timeliness.LATE),
        (None, False, date(2026, 12, 19), Timeliness.PENDING),
        (None, False, date(2026, 12, 20), Timeliness.OVERDUE),
        (None, True, date(2027, 1, 1), Timeliness.NEVER),
    ],
)
def test_timeliness_against_a_date(
    done: date | None, closed: bool, today: date, expected: Timeliness
) -> None:
    assert timeliness(done, date(2026, 12, 19), closed=closed, today=today) is expected


def test_a_row_from_its_facts() -> None:
    completed = _facts(
        state=RequestState.COMPLETED,
        acknowledged=date(2026, 11, 25),
        closed_at=datetime(2027, 1, 15, 23, 30, tzinfo=UTC),  # still the 15th in London (GMT)
        outcome_recorded=True,
        by_form=True,
    )
    row = register_row(completed, date(2027, 2, 1), HOLIDAYS)
    assert (row.acknowledge_by, row.outcome_target) == (date(2026, 12, 19), date(2027, 1, 14))
    assert (row.acknowledgement, row.outcome) == (Timeliness.ON_TIME, Timeliness.LATE)
    assert (row.completed, row.days_late, row.received_by) == (
        date(2027, 1, 15),
        1,
        ReceivedBy.FORM,
    )
    summer = _facts(
        received=date(2026, 5, 1),
        state=RequestState.COMPLETED,
        acknowledged=date(2026, 5, 1),
        closed_at=datetime(2026, 6, 25, 23, 30, tzinfo=UTC),  # 26 June in London (BST)
    )
    assert register_row(summer, date(2026, 7, 1), HOLIDAYS).completed == date(2026, 6, 26)
    withdrawn = _facts(state=RequestState.WITHDRAWN, closed_at=datetime(2026, 11, 21, tzinfo=UTC))
    row = register_row(withdrawn, date(2027, 2, 1), HOLIDAYS)
    assert (row.completed, row.acknowledgement, row.outcome) == (
        None,
        Timeliness.NEVER,
        Timeliness.NEVER,
    )


def test_the_outcomes_target_moves_on_to_a_working_day() -> None:
    """56 days from Saturday 31 October 2026, the day of receipt the first, is Friday 25
    December: Christmas, then Boxing Day observed on Monday 28th; the target is the 29th."""
    row = register_row(_facts(received=date(2026, 10, 31)), date(2026, 11, 1), HOLIDAYS)
    assert row.outcome_target == date(2026, 12, 29)


def test_figures_name_every_timeliness_and_ico_outcome() -> None:
    assert figures([]).acknowledgement == {t.value: 0 for t in Timeliness}
    assert figures([]).ico_outcomes == {"open": 0} | {o.value: 0 for o in IcoOutcome}
    today = date(2027, 1, 1)
    rows = [
        register_row(_facts(ico=IcoCase("IC-1", RECEIVED)), today, HOLIDAYS),
        register_row(
            _facts(ico=IcoCase("IC-2", RECEIVED, IcoOutcome.UPHELD, date(2026, 12, 1))),
            today,
            HOLIDAYS,
        ),
        register_row(_facts(state=RequestState.WITHDRAWN), today, HOLIDAYS),
    ]
    counted = figures(rows)
    assert (counted.complaints, counted.open, counted.taken_to_ico) == (3, 2, 2)
    assert counted.acknowledgement["overdue"] == 2
    assert counted.acknowledgement["never"] == 1
    assert (counted.ico_outcomes["open"], counted.ico_outcomes["upheld"]) == (1, 1)


@pytest.mark.parametrize(
    "text", ["IC-123456-A1B2", "ENF0123456", "RFA/0987654", "x", "A" * 40, "-1-2"]
)
def test_a_case_reference_of_the_icos_shapes_is_taken(text: str) -> None:
    assert check_reference(text) == text


@pytest.mark.parametrize(
    "text",
    ["", "A" * 41, "IC 1", "IC-1\n", "IC_1", "IC-١٢٣", "=1+1", "a@b.org", "IC\x001", "²"],
)
def test_anything_else_is_refused_without_being_repeated(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_reference(text)
    assert refused.value.field == "reference"
    assert not text.strip() or text.strip() not in str(refused.value)


def test_an_ico_case_is_checked_against_the_complaints_dates() -> None:
    today = date(2026, 12, 1)
    assert IcoCase("IC-1", RECEIVED).checked(RECEIVED, today) == IcoCase("IC-1", RECEIVED)
    closed = IcoCase("IC-1", RECEIVED, IcoOutcome.WITHDRAWN).checked(RECEIVED, today)
    assert closed.closed == today
    for case, field in [
        (IcoCase("IC-1", date(2026, 11, 19)), "on"),
        (IcoCase("IC-1", date(2026, 12, 2)), "on"),
        (IcoCase("IC-1", RECEIVED, None, today), "closed"),
        (IcoCase("IC-1", today, IcoOutcome.UPHELD, RECEIVED), "closed"),
        (IcoCase("IC-1", RECEIVED, IcoOutcome.UPHELD, date(2026, 12, 2)), "closed"),
        (IcoCase("IC 1", RECEIVED), "reference"),
    ]:
        with pytest.raises(InvalidValue) as refused:
            case.checked(RECEIVED, today)
        assert refused.value.field == field


def test_the_cursor_goes_round_and_refuses_anything_else() -> None:
    cursor = ComplaintCursor(RECEIVED, uuid.uuid4())
    assert ComplaintCursor.parse(cursor.text) == cursor
    for text in (
        "",
        cursor.text + "\n",
        cursor.text.upper(),
        "2026-02-30." + str(cursor.id),
        "٢٠٢٦-11-20." + str(cursor.id),
        "07700900123",
        "L" * 10_000,
    ):
        with pytest.raises(InvalidValue) as refused:
            ComplaintCursor.parse(text)
        assert str(refused.value) == "cursor: the next_cursor of the previous page"
