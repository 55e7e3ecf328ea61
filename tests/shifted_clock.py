"""The suite run with the clock shifted, so that a test which reads the real date fails in CI.

`DATAWARD_TEST_SHIFT_DAYS=365` (what `make test-shifted` sets) moves the test process's wall clock
that many days on from the real one when the session starts, and lets it tick: `datetime.now()`,
`date.today()`, `time.time()` and everything built on them, in every pytest-xdist worker. The
monotonic clocks stay real, so timeouts and sleeps behave as usual.

Only the Python process moves: a database server's clock (PostgreSQL's `now()`) and a subprocess's
stay real. dataward never asks the database for the time, and `tests/test_clock_reads.py` keeps it
so; that is why the shifted run (`make test-shifted`) runs the SQL tests on SQLite alone. The
shift is made inside Python (time-machine) rather than with libfaketime, because Debian 12's
libfaketime 0.9.10 breaks Python 3.11's `time.sleep` (EINVAL) when the monotonic clock is left
real, and hangs `threading.Event.wait` when it is faked with the rest.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

SHIFT_DAYS = "DATAWARD_TEST_SHIFT_DAYS"


def shift_days() -> int:
    """Days the session's clock is moved by (0 when not shifted); a bad value stops the run."""
    value = os.environ.get(SHIFT_DAYS, "").strip()
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        raise pytest.UsageError(f"{SHIFT_DAYS} must be a whole number of days") from None


def start() -> None:
    """Move this process's wall clock by `shift_days()`; it keeps ticking from there."""
    days = shift_days()
    if days:
        import time_machine

        time_machine.travel(timedelta(days=days), tick=True).start()


def header() -> str | None:
    """A line for the session header, so a shifted run's report says that it was shifted."""
    days = shift_days()
    if not days:
        return None
    return (
        f"clock shifted {days:+d} days ({SHIFT_DAYS}): this process's wall clock only; "
        "database servers and subprocesses keep the real time"
    )
