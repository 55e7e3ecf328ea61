"""The limits every parser reads times and durations within (domain.calls.record_limits)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dataward.domain.calls.record_limits import LONGEST, RecordLimits, elapsed, whole_number
from dataward.domain.calls.telephony import BadField

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
NAMES = ("start", "answer", "end")


def _problem(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(BadField) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return refused.value.reason


def test_times_run_from_1990_to_a_day_after_the_ingest() -> None:
    limits = RecordLimits.at(NOW)
    assert limits.time(datetime(1990, 1, 1, tzinfo=UTC), "t")
    assert limits.time(NOW + timedelta(days=1), "t")
    assert _problem(limits.time, datetime(1989, 12, 31, 23, 59, tzinfo=UTC), "t") == (
        "t: before 1990-01-01"
    )
    assert _problem(limits.time, NOW + timedelta(days=1, seconds=1), "t") == (
        "t: more than a day after the time of the ingest"
    )


def test_without_a_now_the_latest_time_is_2100() -> None:
    limits = RecordLimits.at(None)
    assert limits.time(datetime(2099, 12, 31, tzinfo=UTC), "t")
    assert _problem(limits.time, datetime(2100, 1, 2, tzinfo=UTC), "t") == "t: after 2100-01-01"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("-1", "negative"),
        ("²", "not a whole number of seconds"),
        ("٣", "not a whole number of seconds"),
        (" 3", "not a whole number of seconds"),
        ("3_0", "not a whole number of seconds"),
        ("+3", "not a whole number of seconds"),
        ("", "not a whole number of seconds"),
        ("259201", "longer than 72 hours"),
        ("9" * 5000, "longer than 72 hours"),
    ],
)
def test_durations_are_ascii_whole_seconds_up_to_72_hours(text: str, problem: str) -> None:
    assert _problem(RecordLimits().seconds, text, "d") == f"d: {problem}"


def test_the_longest_duration_is_kept_and_milliseconds_scale() -> None:
    limits = RecordLimits()
    assert limits.seconds("259200", "d") == LONGEST.total_seconds()
    assert limits.seconds("259200000", "d", scale=1000) == 259_200_000
    assert _problem(limits.duration, float("nan"), "d") == "d: longer than 72 hours"


def test_whole_numbers_are_ascii_digits() -> None:
    assert whole_number("007", "n") == 7
    for text in ("٣", "²", "-1", "1" * 19, ""):
        assert _problem(whole_number, text, "n") == "n: not a whole number"


def test_an_answer_after_the_end_or_before_the_start_is_refused() -> None:
    limits = RecordLimits()
    t = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
    second = timedelta(seconds=1)
    assert _problem(limits.order, t, t + 2 * second, t + second, NAMES) == "answer: after end"
    assert _problem(limits.order, t, t - second, None, NAMES) == "answer: before start"
    assert _problem(limits.order, t, None, t - second, NAMES) == "end: before start"
    assert _problem(limits.order, t, None, t + LONGEST + second, NAMES) == (
        "end: more than 72 hours after start"
    )
    limits.order(t, t, t, NAMES)


def test_a_call_across_the_autumn_clock_change_is_kept() -> None:
    """01:50 then 01:10 local time on 2026-10-25: the second is the repeated hour's second pass."""
    start = datetime(2026, 10, 25, 1, 50, tzinfo=LONDON)  # first pass, BST
    end = datetime(2026, 10, 25, 1, 10, tzinfo=LONDON)  # as written, no fold
    RecordLimits().order(start, None, end, NAMES)
    assert elapsed(start, end) == 20 * 60
    with pytest.raises(BadField):  # earlier than any pass of the repeated hour allows
        RecordLimits().order(start, None, datetime(2026, 10, 25, 0, 30, tzinfo=LONDON), NAMES)


def test_a_wall_clock_time_is_judged_in_its_zone_at_the_edges() -> None:
    limits = RecordLimits.at(NOW)
    paris, new_york = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
    naive = datetime(1990, 1, 1, 0, 30, tzinfo=UTC).replace(tzinfo=None)
    assert _problem(limits.local, naive, paris, "t") == "t: before 1990-01-01"  # 23:30 UTC
    evening = datetime(1989, 12, 31, 20, 0, tzinfo=UTC).replace(tzinfo=None)
    assert limits.local(evening, new_york, "t") == datetime(1990, 1, 1, 1, 0, tzinfo=UTC)
    late = (NOW + timedelta(hours=30)).replace(tzinfo=None)  # as a wall clock: 21 h in Tokyo
    tokyo = ZoneInfo("Asia/Tokyo")
    assert limits.local(late, tokyo, "t") == NOW + timedelta(hours=21)
    assert _problem(limits.local, late, paris, "t").endswith("after the time of the ingest")
    middle = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    assert limits.local(middle, LONDON, "t") == datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def test_a_zero_padded_duration_is_read_at_its_value() -> None:
    limits = RecordLimits()
    assert limits.seconds("0" * 30 + "5", "d") == 5
    assert limits.seconds("0" * 5000, "d") == 0
    assert _problem(limits.seconds, "0" * 30 + "259201", "d") == "d: longer than 72 hours"
