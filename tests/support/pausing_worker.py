"""Run `dataward worker` in a process that stops half-way through a job and waits to be killed.

    DATAWARD_TEST_PAUSE=ingest:N python tests/support/pausing_worker.py ARG...
    DATAWARD_TEST_PAUSE=erasure python tests/support/pausing_worker.py ARG...

`ingest:N`: once an ingest has landed its N-th batch of calls (its transaction open, half its
calls written); `erasure`: once an erasure has shredded its subject and recorded it (its
transaction open, before the commit). The first time only, it then creates the file
DATAWARD_TEST_PAUSED and sleeps DATAWARD_TEST_PAUSE_SECONDS (an hour by default), so that a test
can kill it there (kill -9), or restart the database under it, and see what becomes of the job.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dataward.adapters.sql.audit import SqlAuditLog
from dataward.domain.audit import AuditAction
from dataward.entrypoints.cli.main import app
from dataward.services.calls.writer import CallWriter

_MODE, _, _COUNT = os.environ["DATAWARD_TEST_PAUSE"].partition(":")
_MARK = Path(os.environ["DATAWARD_TEST_PAUSED"])
_SECONDS = float(os.environ.get("DATAWARD_TEST_PAUSE_SECONDS", "3600"))
_landed = 0
_paused = False
_land = CallWriter.land
_append = SqlAuditLog.append


def _pause() -> None:
    global _paused  # noqa: PLW0603 - the one flag of this throwaway process
    if _paused:
        return
    _paused = True
    _MARK.write_text(str(os.getpid()), encoding="ascii")
    time.sleep(_SECONDS)


def _land_then_pause(self: CallWriter, calls: Sequence[Any]) -> None:
    global _landed  # noqa: PLW0603 - the one counter of this throwaway process
    _land(self, calls)
    _landed += 1
    if _MODE == "ingest" and _landed == int(_COUNT):
        _pause()


def _append_then_pause(self: SqlAuditLog, *drafts: Any) -> Any:
    found = _append(self, *drafts)
    if _MODE == "erasure" and any(d.action == AuditAction.SUBJECT_SHREDDED for d in drafts):
        _pause()
    return found


CallWriter.land = _land_then_pause  # type: ignore[method-assign]
SqlAuditLog.append = _append_then_pause  # type: ignore[method-assign]
app(sys.argv[1:], prog_name="dataward")
