"""Call files made k times larger, every call repeated with ids of its own: a fixture worked
out by hand on a handful of calls keeps its figures (counts times k, rates, averages and
percentiles the same) once every report hides the cells under the register's k."""

from __future__ import annotations

import re

K = 5
"""The shipped register's `k_anonymity_threshold` (held so by tests/unit/test_small_cells.py)."""

UNIQUEID = re.compile(r"(?<![\d.])(\d{9,10}\.\d+)(?![\d.])")
"""An Asterisk uniqueid (`1772442000.10`: the epoch, a dot, a sequence), which queue_log and
the CDR share for one call; a bare time (`1772442000`) has no dot and is left alone."""


def asterisk_copies(text: str, copies: int = K) -> str:
    """`text` (queue_log or cdr_csv lines) `copies` times over, each uniqueid of copy i ending
    in the digit i: one more digit on every id of a copy, so no copy's id is another's, and
    the queue_log and the CDR of one copy still name the same calls."""
    if not 1 <= copies <= 10:
        raise ValueError("from 1 to 10 copies")
    lines = text if text.endswith("\n") else text + "\n"
    return "".join(UNIQUEID.sub(rf"\g<1>{i}", lines) for i in range(copies))
