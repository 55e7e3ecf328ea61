"""The retry budget of a job is what `domain.jobs.MAX_ATTEMPTS` says it is."""

from __future__ import annotations

from datetime import timedelta

from dataward.domain.jobs import MAX_ATTEMPTS, retry_delay


def test_the_back_off_before_a_job_gives_up_lasts_about_an_hour() -> None:
    waited = sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS + 1)), timedelta())
    assert waited >= timedelta(minutes=45), waited
