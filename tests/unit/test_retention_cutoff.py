"""The first day a retention keeps, on exact calendar cases: the days before it, and only they,
are past retention by the call store's reckoning (`add_duration_or_last(day) < as_of`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dataward.domain.processing.retention import add_duration_or_last
from dataward.domain.register.model import Duration
from dataward.domain.retention.cutoff import first_kept_day, start_of
from dataward.domain.retention.sweeps import START_DIGEST, add_digest, set_digest


@pytest.mark.parametrize(
    ("as_of", "period", "kept_from"),
    [
        (date(2026, 12, 7), "P13M", date(2025, 11, 7)),  # 2025-11-06 + 13M = 2026-12-06 < as_of
        (date(2027, 3, 1), "P1Y", date(2026, 3, 1)),  # 2026-02-28 + 1Y = 2027-02-28: past
        (date(2025, 3, 1), "P1Y", date(2024, 3, 1)),  # 2024-02-29 + 1Y = 2025-02-28: past
        (date(2028, 2, 29), "P1Y", date(2027, 3, 1)),  # no day reaches 29 Feb: 28 Feb is past
        (date(2026, 3, 31), "P1M", date(2026, 3, 1)),  # 02-28 + 1M = 03-28; 03-01 -> 04-01
        (date(2026, 3, 29), "P1M", date(2026, 3, 1)),
        (date(2026, 1, 1), "P30D", date(2025, 12, 2)),
        (date(2033, 1, 1), "P7Y", date(2026, 1, 1)),  # 2025-12-31 + 7Y = 2032-12-31: past
    ],
)
def test_the_first_day_kept(as_of: date, period: str, kept_from: date) -> None:
    found = first_kept_day(as_of, Duration.parse(period))
    duration = Duration.parse(period)
    # the definition, checked day by day around the answer
    for day in (found - timedelta(days=n) for n in range(1, 40)):
        assert add_duration_or_last(day, duration) < as_of
    for day in (found + timedelta(days=n) for n in range(40)):
        assert add_duration_or_last(day, duration) >= as_of
    assert found == kept_from


@pytest.mark.parametrize("period", ["P13M", "P1Y", "P6Y", "P1M", "P1D", "P0D"])
def test_every_day_of_four_years_agrees_with_the_definition(period: str) -> None:
    duration = Duration.parse(period)
    for offset in range(0, 4 * 366, 7):
        as_of = date(2024, 1, 1) + timedelta(days=offset)
        kept_from = first_kept_day(as_of, duration)
        assert add_duration_or_last(kept_from - timedelta(days=1), duration) < as_of
        assert add_duration_or_last(kept_from, duration) >= as_of


def test_the_bound_is_midnight_utc() -> None:
    assert start_of(date(2026, 3, 29)) == datetime(2026, 3, 29, tzinfo=UTC)


def test_the_digest_is_the_same_however_the_ids_were_batched() -> None:
    ids = [bytes([n]) * 16 for n in range(7)]
    whole = add_digest(START_DIGEST, set_digest(ids))
    batched = START_DIGEST
    for part in (ids[:2], [], ids[2:3], ids[3:]):
        batched = add_digest(batched, set_digest(part))
    assert batched == whole
    assert add_digest(START_DIGEST, set_digest(ids[::-1])) == whole
    assert add_digest(START_DIGEST, set_digest(ids[:-1])) != whole
    assert len(whole) == 64
