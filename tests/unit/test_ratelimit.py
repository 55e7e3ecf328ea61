"""The public form's rate limit on exact times: a sliding hour per client, clients apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dataward.adapters.ratelimit import RateLimiter, client_key
from dataward.domain.clock import FixedClock


def test_a_client_gets_its_allowance_per_sliding_window() -> None:
    clock = FixedClock(datetime(2026, 11, 25, 10, tzinfo=UTC))
    limiter = RateLimiter(3, timedelta(hours=1), clock)
    assert [limiter.hit("198.51.100.7") for _ in range(3)] == [None, None, None]
    clock.advance(timedelta(minutes=20))
    assert limiter.hit("198.51.100.7") == timedelta(minutes=40)  # the first hit ages out then
    assert limiter.hit("203.0.113.9") is None  # another client is counted apart
    clock.advance(timedelta(minutes=40) - timedelta(seconds=1))
    assert limiter.hit("198.51.100.7") == timedelta(seconds=1)  # a refusal does not count
    clock.advance(timedelta(seconds=1))  # an hour after the first three: they have left
    assert [limiter.hit("198.51.100.7") for _ in range(3)] == [None, None, None]
    assert limiter.hit("198.51.100.7") == timedelta(hours=1)


def test_a_limit_allows_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RateLimiter(0, timedelta(hours=1), FixedClock(datetime(2026, 1, 1, tzinfo=UTC)))


def test_an_ipv6_client_is_counted_by_its_64() -> None:
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("198.51.100.7") == "198.51.100.7"
    assert client_key(None) == "unknown"
    assert client_key("not an address") == "unparsable"
