"""Append audit entries from a process of its own, for the concurrent-appenders test.

    python tests/support/audit_appender.py DATABASE_URL ACTOR COUNT READY_FILE GO_FILE

Imports and connects first, touches READY_FILE, waits for GO_FILE (so both processes start
appending at the same moment), then appends COUNT entries in small transactions of 1, 2 and 3
entries, pausing a few milliseconds after each as real work would (without a pause, SQLite's
busy handler lets one writer take every turn and the two never interleave). Exits 0 when every
transaction committed.
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.domain.audit import AuditAction
from dataward.domain.clock import FixedClock
from dataward.services.audit import Audited, record


def main(url: str, actor: str, count: int, ready: Path, go: Path) -> None:
    engine = make_engine(url)
    clock = FixedClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # the chain holds at any time
    with engine.connect():
        pass
    ready.touch()
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("never told to go")
        time.sleep(0.002)
    written = 0
    for size in itertools.cycle((1, 2, 3)):
        if written >= count:
            break
        with SqlUnitOfWork(engine) as uow:
            for _ in range(min(size, count - written)):
                record(
                    uow, clock, actor, Audited(AuditAction.GATE_DECISION, details={"n": written})
                )
                written += 1
            uow.commit()
        time.sleep(random.uniform(0.001, 0.008))  # noqa: S311 - jitter, not a secret
    engine.dispose()


if __name__ == "__main__":
    url, actor, count, ready, go = sys.argv[1:]
    main(url, actor, int(count), Path(ready), Path(go))
