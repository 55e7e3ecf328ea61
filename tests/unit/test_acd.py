from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.domain.calls.acd import (
    MAX_BUCKET,
    Outcome,
    Period,
    Tally,
    Thresholds,
    WaitHistogram,
    metrics,
    outcome_of,
    period_key,
    wait_bucket,
)
from dataward.domain.calls.telephony import Disposition

D = Disposition
LONDON = ZoneInfo("Europe/London")
T20 = Thresholds(service_level_s=20, short_abandon_s=5)

Call = tuple[str, Disposition, float | None, float | None, float | None]

# (queue, disposition, wait, talk, ring). T = 20 s, short abandon <= 5 s. Bucket = ceil(wait).
CALLS: list[Call] = [
    ("sales", D.ANSWERED, 3.2, 60.0, 2.0),  # bucket 4, within T
    ("sales", D.ANSWERED, 20.0, 120.0, 5.0),  # bucket 20, within T (boundary)
    ("sales", D.ANSWERED, 20.01, 30.0, 4.0),  # bucket 21, not within T
    ("sales", D.ABANDONED, 4.0, None, None),  # bucket 4: short, within T
    ("sales", D.NO_ANSWER, 45.0, 0.0, None),  # abandoned, bucket 45; talk ignored (not answered)
    ("sales", D.OVERFLOW, 90.0, None, None),  # bucket 90
    ("support", D.ANSWERED, 0.0, 300.0, 1.0),  # bucket 0, within T
    ("support", D.ANSWERED, 12.5, 200.0, 3.0),  # bucket 13, within T
    ("support", D.ABANDONED, 18.0, None, None),  # bucket 18: not short, within T
    ("support", D.BUSY, None, None, None),  # offered only, no wait
    ("support", D.ANSWERED, 35.0, 10.0, None),  # bucket 35, not within T
]


def tally_of(
    calls: list[tuple[str, Disposition, float | None, float | None, float | None]],
) -> Tally:
    tally = Tally()
    for _, disposition, wait, talk, ring in calls:
        tally.add(disposition, wait, talk, ring)
    return tally


def queue(name: str) -> Tally:
    return tally_of([c for c in CALLS if c[0] == name])


# --- hand-computed fixture ------------------------------------------------------------------


def test_sales_queue_metrics_by_hand() -> None:
    m = metrics(queue("sales"), T20)
    # offered 6; answered 3; abandoned 2 (ABANDONED + NO_ANSWER); overflow 1
    assert (m.offered, m.answered, m.abandoned, m.overflow) == (6, 3, 2, 1)
    assert m.short_abandoned == 1  # only the 4 s abandon is <= 5
    assert m.answer_rate == pytest.approx(3 / 6)
    assert m.abandon_rate == pytest.approx((2 - 1) / (6 - 1))  # 0.2
    assert m.asa_s == pytest.approx((3.2 + 20.0 + 20.01) / 3)  # 43.21 / 3 = 14.40333
    assert m.service_level == pytest.approx(2 / 3)  # buckets 4, 20 within; 21 not
    assert m.service_level_2 == pytest.approx((2 + 1) / (3 + 2))  # abandons 4 in, 45 out
    assert m.service_level_offered == pytest.approx(2 / (6 - 1))  # 0.4
    assert m.avg_wait_s == pytest.approx(182.21 / 6)  # 3.2+20+20.01+4+45+90
    assert m.p90_wait_s == 90  # [4,4,20,21,45,90]: rank ceil(5.4) = 6
    assert m.avg_talk_s == pytest.approx(70.0)  # (60+120+30)/3
    assert m.total_talk_s == pytest.approx(210.0)


def test_support_queue_metrics_by_hand() -> None:
    m = metrics(queue("support"), T20)
    # offered 5 (BUSY included); answered 3; abandoned 1; overflow 0; short 0 (18 > 5)
    assert (m.offered, m.answered, m.abandoned, m.short_abandoned, m.overflow) == (5, 3, 1, 0, 0)
    assert m.answer_rate == pytest.approx(0.6)
    assert m.abandon_rate == pytest.approx(1 / 5)
    assert m.asa_s == pytest.approx(47.5 / 3)  # 0 + 12.5 + 35
    assert m.service_level == pytest.approx(2 / 3)  # 0, 13 within; 35 not
    assert m.service_level_2 == pytest.approx(3 / 4)  # + abandon at 18
    assert m.service_level_offered == pytest.approx(2 / 5)
    assert m.avg_wait_s == pytest.approx(65.5 / 4)  # BUSY has no wait: 0+12.5+18+35
    assert m.p90_wait_s == 35  # [0,13,18,35]: rank ceil(3.6) = 4
    assert m.avg_talk_s == pytest.approx(510 / 3)  # 300+200+10
    assert m.total_talk_s == pytest.approx(510.0)


def test_both_queues_merged_by_hand() -> None:
    tally = queue("sales")
    tally.merge(queue("support"))
    m = metrics(tally, T20)
    assert (m.offered, m.answered, m.abandoned, m.short_abandoned, m.overflow) == (11, 6, 3, 1, 1)
    assert m.answer_rate == pytest.approx(6 / 11)
    assert m.abandon_rate == pytest.approx((3 - 1) / (11 - 1))
    assert m.asa_s == pytest.approx(90.71 / 6)  # 43.21 + 47.5
    assert m.service_level == pytest.approx(4 / 6)
    assert m.service_level_2 == pytest.approx((4 + 2) / (6 + 3))
    assert m.service_level_offered == pytest.approx(4 / 10)
    assert m.avg_wait_s == pytest.approx(247.71 / 10)
    assert m.p90_wait_s == 45  # [0,4,4,13,18,20,21,35,45,90]: rank 9
    assert m.avg_talk_s == pytest.approx(120.0)  # 720 / 6
    assert tally.ring_sum == pytest.approx(15.0)  # 2+5+4 + 1+3
    assert tally == tally_of(CALLS)


def test_empty_tally_has_no_rates() -> None:
    m = metrics(Tally(), T20)
    assert (m.offered, m.answered, m.abandoned, m.short_abandoned, m.overflow) == (0, 0, 0, 0, 0)
    rates = [m.answer_rate, m.abandon_rate, m.asa_s, m.service_level, m.service_level_2]
    rates += [m.service_level_offered, m.avg_wait_s, m.avg_talk_s]
    assert rates == [None] * 8
    assert m.p90_wait_s is None
    assert m.total_talk_s == 0.0


def test_all_short_abandons_leave_no_abandon_rate() -> None:
    tally = tally_of([("q", D.ABANDONED, 2.0, None, None), ("q", D.ABANDONED, 5.0, None, None)])
    m = metrics(tally, T20)
    assert m.short_abandoned == 2
    assert m.abandon_rate is None  # (2-2)/(2-2)
    assert m.service_level_offered is None
    assert m.service_level is None  # nothing answered
    assert m.service_level_2 == 1.0  # both abandoned within T


def test_answered_call_without_a_wait_is_left_out_of_asa_but_not_of_service_level() -> None:
    tally = tally_of([("q", D.ANSWERED, 10.0, 5.0, None), ("q", D.ANSWERED, None, None, None)])
    m = metrics(tally, T20)
    assert m.asa_s == pytest.approx(10.0)  # 10 / 1 known wait, not 10 / 2
    assert m.service_level == pytest.approx(0.5)  # unknown wait cannot be shown within T
    assert m.avg_talk_s == pytest.approx(5.0)  # talk_count 1


def test_negative_short_threshold_counts_no_short_abandons() -> None:
    tally = tally_of([("q", D.ABANDONED, 0.0, None, None)])
    assert metrics(tally, Thresholds(20, 0)).short_abandoned == 1
    assert metrics(tally, Thresholds(20, -1)).short_abandoned == 0


def test_thresholds_reject_negative_service_level() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        Thresholds(-1, 5)


# --- exact boundaries -----------------------------------------------------------------------


@pytest.mark.parametrize(("wait", "within"), [(20.0, True), (19.999, True), (20.01, False)])
def test_service_level_boundary_is_exact(wait: float, within: bool) -> None:
    tally = tally_of([("q", D.ANSWERED, wait, 1.0, None)])
    assert metrics(tally, T20).service_level == (1.0 if within else 0.0)


@pytest.mark.parametrize(
    ("seconds", "bucket"),
    [
        (None, None),
        (0.0, 0),
        (0.0001, 1),
        (20.0, 20),
        (20.01, 21),
        (-3.0, 0),
        (86_400.0, MAX_BUCKET),
        (1e12, MAX_BUCKET),
        (math.nan, None),
        (math.inf, None),
    ],
)
def test_wait_bucket(seconds: float | None, bucket: int | None) -> None:
    assert wait_bucket(seconds) == bucket


@given(
    st.floats(min_value=-10, max_value=MAX_BUCKET, allow_nan=False),
    st.integers(min_value=0, max_value=MAX_BUCKET),
)
def test_bucket_at_most_matches_raw_comparison(wait: float, threshold: int) -> None:
    histogram = WaitHistogram()
    bucket = wait_bucket(wait)
    assert bucket is not None
    histogram.add(bucket)
    assert histogram.at_most(threshold) == (1 if max(wait, 0.0) <= threshold else 0)


@pytest.mark.parametrize(
    ("disposition", "outcome"),
    [
        (D.ANSWERED, Outcome.ANSWERED),
        (D.ABANDONED, Outcome.ABANDONED),
        (D.NO_ANSWER, Outcome.ABANDONED),
        (D.OVERFLOW, Outcome.OVERFLOW),
        (D.BUSY, Outcome.OTHER),
        (D.FAILED, Outcome.OTHER),
        (D.CONGESTION, Outcome.OTHER),
        (D.UNKNOWN, Outcome.OTHER),
    ],
)
def test_outcome_of(disposition: Disposition, outcome: Outcome) -> None:
    assert outcome_of(disposition) is outcome


def test_every_disposition_has_a_tested_outcome() -> None:
    assert {outcome_of(d) for d in Disposition} == set(Outcome)
    assert len(Disposition) == 8  # a new one needs a decision above


# --- histogram ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "expected"),
    [(5, 15), (30, 20), (40, 20), (50, 35), (100, 50), (0.001, 15)],
)
def test_nearest_rank_percentile(p: float, expected: int) -> None:
    histogram = WaitHistogram()
    for bucket in (15, 20, 35, 40, 50):  # the textbook nearest-rank example
        histogram.add(bucket)
    assert histogram.percentile(p) == expected


def test_percentile_rank_is_exact_and_counts_repeats() -> None:
    twenty_five = WaitHistogram(dict.fromkeys(range(1, 26), 1))
    assert twenty_five.percentile(28) == 7  # rank 7 exactly; 0.28 * 25 is 7.000000000000001
    ten = WaitHistogram(dict.fromkeys(range(1, 11), 1))
    assert ten.percentile(70) == 7
    assert ten.percentile(90) == 9
    assert ten.percentile(91) == 10
    repeated = WaitHistogram({3: 8, 60: 2})
    assert repeated.percentile(80) == 3
    assert repeated.percentile(81) == 60


def test_percentile_of_empty_and_out_of_range() -> None:
    assert WaitHistogram().percentile(90) is None
    for p in (0, -1, 100.5, math.nan):
        with pytest.raises(ValueError, match="out of range"):
            WaitHistogram({1: 1}).percentile(p)


def test_histogram_add_rejects_bad_input_and_skips_zero() -> None:
    histogram = WaitHistogram()
    histogram.add(4, 0)
    assert histogram.counts == {}
    with pytest.raises(ValueError, match="out of range"):
        histogram.add(MAX_BUCKET + 1)
    with pytest.raises(ValueError, match="out of range"):
        histogram.add(-1)
    with pytest.raises(ValueError, match="negative"):
        histogram.add(1, -1)


histograms = st.dictionaries(
    st.integers(min_value=0, max_value=MAX_BUCKET),
    st.integers(min_value=1, max_value=2**62),
    max_size=50,
).map(WaitHistogram)


@given(histograms)
def test_encode_decode_round_trip(histogram: WaitHistogram) -> None:
    data = histogram.encode()
    assert WaitHistogram.decode(data) == histogram
    reordered = WaitHistogram(dict(reversed(histogram.counts.items())))
    assert reordered.encode() == data  # deterministic


def test_encoding_is_compact() -> None:
    assert WaitHistogram().encode() == b"\x01\x00"
    assert WaitHistogram({0: 1, 20: 3}).encode() == bytes([1, 2, 0, 1, 20, 3])
    assert len(WaitHistogram({MAX_BUCKET: 1}).encode()) == 6  # version, size, 3-byte bucket, count


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x02\x00",  # unknown version
        b"\x01",  # no size
        b"\x01\x01\x05",  # no count
        b"\x01\x01\x05\x00",  # zero count
        b"\x01\x02\x05\x01\x00\x01",  # bucket repeated
        b"\x01\x01\x80\x80\x80\x01\x01",  # bucket 2**21 > MAX_BUCKET
        b"\x01\x01\x85\x00\x01",  # overlong varint for 5
        b"\x01\x01" + b"\xff" * 10 + b"\x01",  # varint too long
        b"\x01\x00\x00",  # trailing byte
        b"\x01\x80\x80\x80\x80\x01",  # absurd entry count
    ],
)
def test_decode_rejects_garbage(data: bytes) -> None:
    with pytest.raises(ValueError, match="wait histogram"):
        WaitHistogram.decode(data)


@given(st.binary(max_size=40))
def test_decode_accepts_only_canonical_encodings(data: bytes) -> None:
    try:
        histogram = WaitHistogram.decode(data)
    except ValueError:
        return
    assert histogram.encode() == data


# --- additivity -----------------------------------------------------------------------------

durations = st.none() | st.floats(min_value=-5, max_value=100_000, allow_nan=False)
calls = st.lists(
    st.tuples(st.just("q"), st.sampled_from(list(Disposition)), durations, durations, durations),
    max_size=30,
)


def assert_same(left: Tally, right: Tally) -> None:
    for name in ("offered", "answered", "abandoned", "overflow", "wait_count", "talk_count"):
        assert getattr(left, name) == getattr(right, name)
    for name in ("wait_sum", "answered_wait_sum", "talk_sum", "ring_sum"):
        assert getattr(left, name) == pytest.approx(getattr(right, name))
    assert left.answered_waits == right.answered_waits
    assert left.abandoned_waits == right.abandoned_waits
    assert left.all_waits == right.all_waits


@given(
    calls, calls, st.integers(min_value=0, max_value=30), st.integers(min_value=-1, max_value=30)
)
def test_merge_equals_tally_of_all_calls(
    first: list[Call],
    second: list[Call],
    t: int,
    short: int,
) -> None:
    merged = tally_of(first)
    merged.merge(tally_of(second))
    whole = tally_of(first + second)
    assert_same(merged, whole)
    thresholds = Thresholds(t, short)
    expected = metrics(whole, thresholds)
    got = metrics(merged, thresholds)
    assert got.service_level == expected.service_level  # counts only: exact
    assert got.service_level_2 == expected.service_level_2
    assert got.p90_wait_s == expected.p90_wait_s
    assert got.short_abandoned == expected.short_abandoned
    assert merged.all_waits.total() == merged.wait_count
    assert merged.offered == len(first) + len(second)


def test_merge_with_itself_doubles() -> None:
    tally = queue("sales")
    tally.merge(tally)
    assert tally.offered == 12
    assert tally.all_waits.counts[4] == 4


# --- periods --------------------------------------------------------------------------------


FIRST = datetime(2025, 1, 1)  # noqa: DTZ001 (hypothesis takes naive bounds)
LAST = datetime(2028, 12, 31)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period.HOUR, "2026-03-10T14:00"),
        (Period.DAY, "2026-03-10"),
        (Period.WEEK, "2026-W11"),
        (Period.MONTH, "2026-03"),
        (Period.HOUR_OF_DAY, "14"),
        (Period.DAY_OF_WEEK, "2-Tue"),
    ],
)
def test_period_keys_in_utc(period: Period, expected: str) -> None:
    assert period_key(datetime(2026, 3, 10, 14, 59, 59, tzinfo=UTC), period, UTC) == expected


def test_london_spring_forward_skips_one_am() -> None:
    # 2026-03-29: 01:00 GMT becomes 02:00 BST; the local hour 01 does not exist
    assert (
        period_key(datetime(2026, 3, 29, 0, 30, tzinfo=UTC), Period.HOUR, LONDON)
        == "2026-03-29T00:00"
    )
    assert (
        period_key(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), Period.HOUR, LONDON)
        == "2026-03-29T02:00"
    )
    assert period_key(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), Period.HOUR_OF_DAY, LONDON) == "02"
    assert (
        period_key(datetime(2026, 3, 29, 23, 30, tzinfo=UTC), Period.DAY, LONDON) == "2026-03-30"
    )  # 00:30 BST
    assert period_key(datetime(2026, 3, 29, 12, tzinfo=UTC), Period.DAY_OF_WEEK, LONDON) == "7-Sun"


def test_london_autumn_fold_keeps_the_two_one_am_hours_apart_and_in_order() -> None:
    # 2026-10-25: 02:00 BST becomes 01:00 GMT; 01:xx local happens twice
    instants = [
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 59, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    ]
    instants += [
        datetime(2026, 10, 25, 1, 59, tzinfo=UTC),
        datetime(2026, 10, 25, 2, 0, tzinfo=UTC),
        datetime(2026, 10, 24, 23, 59, tzinfo=UTC),
    ]
    keys = [period_key(at, Period.HOUR, LONDON) for at in instants]
    assert keys == [
        "2026-10-25T01:00",  # 01:00 BST
        "2026-10-25T01:00",
        "2026-10-25T01:00+00:00",  # 01:00 GMT, the second time
        "2026-10-25T01:00+00:00",
        "2026-10-25T02:00",
        "2026-10-25T00:00",  # 00:59 BST
    ]
    assert sorted(set(keys)) == [
        "2026-10-25T00:00",
        "2026-10-25T01:00",
        "2026-10-25T01:00+00:00",
        "2026-10-25T02:00",
    ]
    # each key reads back as the start of its hour (fold 0 is the first occurrence)
    first = datetime.fromisoformat(keys[0]).replace(tzinfo=LONDON)
    second = datetime.fromisoformat(keys[2])
    assert first.astimezone(UTC) == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    assert second.astimezone(UTC) == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert period_key(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), Period.HOUR_OF_DAY, LONDON) == "01"


def test_new_york_fold_has_a_negative_offset() -> None:
    ny = ZoneInfo("America/New_York")  # 2026-11-01: 02:00 EDT becomes 01:00 EST
    assert (
        period_key(datetime(2026, 11, 1, 5, 30, tzinfo=UTC), Period.HOUR, ny) == "2026-11-01T01:00"
    )
    assert (
        period_key(datetime(2026, 11, 1, 6, 30, tzinfo=UTC), Period.HOUR, ny)
        == "2026-11-01T01:00-05:00"
    )


@pytest.mark.parametrize(
    ("at", "period", "zone", "expected"),
    [
        (
            datetime(2026, 12, 31, 12, tzinfo=UTC),
            Period.WEEK,
            UTC,
            "2026-W53",
        ),  # Thursday of week 53
        (
            datetime(2027, 1, 1, 12, tzinfo=UTC),
            Period.WEEK,
            UTC,
            "2026-W53",
        ),  # Friday: still 2026's week
        (datetime(2027, 1, 3, 23, 59, tzinfo=UTC), Period.WEEK, UTC, "2026-W53"),  # Sunday
        (datetime(2027, 1, 4, 0, tzinfo=UTC), Period.WEEK, UTC, "2027-W01"),  # Monday
        (datetime(2024, 12, 30, 9, tzinfo=UTC), Period.WEEK, UTC, "2025-W01"),  # 2024's last Monday
        (
            datetime(2027, 1, 3, 23, 30, tzinfo=UTC),
            Period.WEEK,
            ZoneInfo("Europe/Berlin"),
            "2027-W01",
        ),  # Mon 00:30
        (
            datetime(2027, 1, 4, 3, tzinfo=UTC),
            Period.WEEK,
            ZoneInfo("America/New_York"),
            "2026-W53",
        ),  # Sun 22:00
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), Period.MONTH, LONDON, "2026-04"),  # 00:30 BST
        (
            datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
            Period.MONTH,
            LONDON,
            "2026-12",
        ),  # GMT: still December
        (
            datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
            Period.MONTH,
            ZoneInfo("Europe/Berlin"),
            "2027-01",
        ),
        (
            datetime(2026, 1, 1, 18, 45, tzinfo=UTC),
            Period.HOUR,
            ZoneInfo("Asia/Kolkata"),
            "2026-01-02T00:00",
        ),
        (
            datetime(2026, 1, 1, 18, 15, tzinfo=UTC),
            Period.HOUR,
            ZoneInfo("Asia/Kolkata"),
            "2026-01-01T23:00",
        ),
        (
            datetime(2026, 6, 1, 2, tzinfo=UTC),
            Period.DAY,
            ZoneInfo("America/Los_Angeles"),
            "2026-05-31",
        ),
        (
            datetime(2026, 6, 1, 2, tzinfo=UTC),
            Period.DAY_OF_WEEK,
            ZoneInfo("America/Los_Angeles"),
            "7-Sun",
        ),
        (
            datetime(2026, 6, 1, 2, tzinfo=UTC),
            Period.HOUR_OF_DAY,
            ZoneInfo("America/Los_Angeles"),
            "19",
        ),
        (
            datetime(2026, 6, 1, 2, tzinfo=UTC),
            Period.HOUR,
            timezone(timedelta(hours=-3)),
            "2026-05-31T23:00",
        ),
    ],
)
def test_calendar_cases(at: datetime, period: Period, zone: ZoneInfo, expected: str) -> None:
    assert period_key(at, period, zone) == expected


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        period_key(datetime(2026, 1, 1), Period.DAY, UTC)  # noqa: DTZ001


@given(
    st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(UTC)),
    st.integers(min_value=0, max_value=10_000_000),
    st.sampled_from([LONDON, ZoneInfo("America/New_York"), ZoneInfo("Australia/Lord_Howe")]),
    st.sampled_from([Period.HOUR, Period.DAY, Period.WEEK, Period.MONTH]),
)
def test_keys_sort_in_time_order(
    start: datetime, step_s: int, zone: ZoneInfo, period: Period
) -> None:
    earlier = start
    later = earlier + timedelta(seconds=step_s)
    assert period_key(earlier, period, zone) <= period_key(later, period, zone)


@given(st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(UTC)))
def test_distinct_london_hours_have_distinct_keys(start: datetime) -> None:
    at = start.replace(minute=0, second=0, microsecond=0)
    keys = [period_key(at + timedelta(hours=h), Period.HOUR, LONDON) for h in range(3)]
    assert len(set(keys)) == 3
    assert keys == sorted(keys)


@given(histograms, st.integers(min_value=1, max_value=100))
def test_a_whole_percentile_ranks_as_its_exact_fraction_does(
    histogram: WaitHistogram, p: int
) -> None:
    total = histogram.total()
    if not total:
        assert histogram.percentile(p) is None
        return
    rank = max(1, math.ceil(Fraction(p) * total / 100))
    expected = next(
        b
        for b in sorted(histogram.counts)
        if sum(n for bucket, n in histogram.counts.items() if bucket <= b) >= rank
    )
    assert histogram.percentile(p) == histogram.percentile(float(p)) == expected


@given(histograms, histograms)
def test_merging_adds_the_counts_whichever_is_larger(
    left: WaitHistogram, right: WaitHistogram
) -> None:
    expected = {
        b: left.counts.get(b, 0) + right.counts.get(b, 0) for b in {*left.counts, *right.counts}
    }
    before = dict(right.counts)
    left.merge(right)
    assert left.counts == expected
    assert right.counts == before  # the other is left as it was
