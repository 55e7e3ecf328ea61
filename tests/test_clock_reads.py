"""Time comes from a Clock, so the suite passes on any date.

A test that asks the real clock what day it is passes on the day it was written and fails later.
Tests take "today" from a `FixedClock` (or a container built with `bootstrap(clock=...)`) and work
out other dates from it; production code asks its injected clock, and only `SystemClock` asks the
system's. Nothing asks the database for the time (`now()`, `CURRENT_TIMESTAMP`): PostgreSQL's
clock is not the process's, and `make test-shifted` (which CI runs) moves only the process's.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import shifted_clock

ROOT = Path(__file__).parents[1]
THIS_FILE = Path(__file__).relative_to(ROOT).as_posix()

ALLOWED = {
    ("src/dataward/adapters/clock.py", "datetime.now"): (
        "SystemClock: the one place production reads the system clock"
    ),
    ("src/dataward/bootstrap.py", "SystemClock"): (
        "the composition root wires SystemClock when it is given no clock"
    ),
    ("tests/e2e/test_api_serve_processes.py", "datetime.now"): (
        "a TLS certificate's validity, which the client checks against the real clock: the "
        "served process reads the real clock (it is marked `processes`, outside shifted runs)"
    ),
    ("tests/support/worker_installation.py", "datetime.now"): (
        "the day a request is received, which the worker and command processes check against "
        "the real clock (no later than today): it is marked `processes`, outside shifted runs"
    ),
    ("tests/test_clock_reads.py", "time.time"): (
        "compares the process's clock with the file system's to prove a shifted run is shifted"
    ),
}
"""Reads of the real clock that are not about what day it is, each with its reason."""

_TIME_NOW_ARGS = {
    "time": 0,
    "time_ns": 0,
    "localtime": 0,
    "gmtime": 0,
    "ctime": 0,
    "asctime": 0,
    "strftime": 1,
}
"""The `time` functions that read the wall clock when given at most this many arguments."""
_SQL_CLOCK = re.compile(
    r"\bnow\s*\(\s*\)|\bcurrent_(timestamp|date|time)\b|\blocaltimestamp\b"
    r"|\b(transaction|statement|clock)_timestamp\b|'now'",
    re.IGNORECASE,
)
_SQL_CLOCK_FUNCTIONS = {
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "clock_timestamp",
    "sysdate",
}


def _last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def real_clock_reads(source: str) -> Iterator[tuple[int, str]]:
    """Each place `source` asks the system what time or day it is: (line, what)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            if node.module == "time" and names & _TIME_NOW_ARGS.keys():
                yield node.lineno, "from time import " + ", ".join(sorted(names))
            if node.module == "dataward.adapters.clock" and "SystemClock" in names:
                yield node.lineno, "SystemClock"
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id == "SystemClock":
            yield node.lineno, "SystemClock"
        if not isinstance(function, ast.Attribute):
            continue
        owner, name = _last_name(function.value), function.attr
        if owner in {"date", "datetime"} and name == "today":
            yield node.lineno, f"{owner}.today"
        elif owner == "datetime" and name in {"now", "utcnow"}:
            yield node.lineno, f"datetime.{name}"
        elif owner == "time" and len(node.args) <= _TIME_NOW_ARGS.get(name, -1):
            yield node.lineno, f"time.{name}"


def database_clock_reads(source: str) -> Iterator[tuple[int, str]]:
    """Each place `source` asks the database for the time: SQL text or SQLAlchemy's `func`."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found = _SQL_CLOCK.search(node.value)
            if found and id(node) not in docstrings:
                yield node.lineno, found.group(0)
        if (
            isinstance(node, ast.Attribute)
            and _last_name(node.value) == "func"
            and node.attr.lower() in _SQL_CLOCK_FUNCTIONS
        ):
            yield node.lineno, f"func.{node.attr}"


def containers_without_a_clock(source: str) -> Iterator[tuple[int, str]]:
    """Each `bootstrap(...)` call that leaves the clock to default to the system's."""
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and _last_name(node.func) == "bootstrap"
            and not any(keyword.arg == "clock" for keyword in node.keywords)
        ):
            yield node.lineno, "bootstrap() without clock="


Finder = Callable[[str], Iterator[tuple[int, str]]]


def _python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def _offences(finder: Finder, *folders: str) -> list[str]:
    found = []
    for path in _python_files(*folders):
        relative = path.relative_to(ROOT).as_posix()
        if relative == THIS_FILE and finder is database_clock_reads:
            continue  # its patterns and examples are SQL clocks by design
        for line, what in finder(path.read_text("utf-8")):
            if (relative, what) not in ALLOWED:
                found.append(f"{relative}:{line}: {what}")
    return found


def test_no_test_reads_the_real_clock() -> None:
    assert _offences(real_clock_reads, "tests") == [], (
        "take today from a FixedClock (tests.builders.NOW) or the container's clock"
    )


def test_production_reads_the_system_clock_only_through_its_clock() -> None:
    assert _offences(real_clock_reads, "src") == [], "ask the injected Clock"


def test_every_container_a_test_builds_has_an_injected_clock() -> None:
    assert _offences(containers_without_a_clock, "tests") == [], (
        "pass bootstrap(..., clock=FixedClock(...)); the command line's container reads the "
        "e2e tests' clock through their autouse fixture"
    )


def test_nothing_asks_the_database_for_the_time() -> None:
    assert _offences(database_clock_reads, "src", "tests") == [], (
        "pass the clock's time as a parameter: the database's clock is not the process's"
    )


def test_every_allowed_read_is_still_there() -> None:
    """An allowance whose read is gone would let a new one in unnoticed."""
    for relative, what in ALLOWED:
        found = {w for _, w in real_clock_reads((ROOT / relative).read_text("utf-8"))}
        assert what in found, f"{relative}: {what} is no longer read; drop its allowance"


def test_the_finders_find_each_way_of_asking() -> None:
    source = """
import datetime as dt
from time import time_ns
from datetime import date, datetime
from dataward.adapters.clock import SystemClock
date.today(); datetime.today(); datetime.now(UTC); datetime.utcnow(); dt.datetime.now()
time.time(); time.time_ns(); time.localtime(); time.strftime("%Y")
SystemClock(); bootstrap(); bootstrap(settings)
datetime.now
date(2026, 11, 25); time.localtime(0); time.strftime("%Y", moment); time.monotonic()
bootstrap(settings, clock=clock); FixedClock(NOW).now()
"""
    reads = [what for _, what in real_clock_reads(source)]
    assert reads.count("datetime.now") == 2
    assert set(reads) == {
        "from time import time_ns",
        "SystemClock",
        "date.today",
        "datetime.today",
        "datetime.now",
        "datetime.utcnow",
        "time.time",
        "time.time_ns",
        "time.localtime",
        "time.strftime",
    }
    assert len(reads) == 12
    assert [line for line, _ in containers_without_a_clock(source)] == [8, 8]
    sql = '''
"""Docstrings may speak of now() and CURRENT_TIMESTAMP."""
select(func.now()); sa.func.current_date(); text("DELETE FROM t WHERE at < now()")
text("SELECT datetime('now')"); text("SELECT CURRENT_TIMESTAMP"); text("WHERE at < :now")
'''
    assert sorted(what for _, what in database_clock_reads(sql)) == [
        "'now'",
        "CURRENT_TIMESTAMP",
        "func.current_date",
        "func.now",
        "now()",
    ]


def test_a_shifted_run_is_shifted(tmp_path: Path) -> None:
    """The file system stamps a new file with the real time; this process's clock is that time
    plus the shift (none unless DATAWARD_TEST_SHIFT_DAYS is set), so a shift that stopped
    working would make `make test-shifted` a plain run without anyone noticing."""
    stamped = tmp_path / "now"
    stamped.touch()
    process = time.time()
    real = stamped.stat().st_mtime
    assert process - real == pytest.approx(shifted_clock.shift_days() * 86_400, abs=600)


def test_ci_runs_the_suite_shifted_a_year_ahead() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert re.search(r"^make test-shifted$", ci, re.MULTILINE)
    target = makefile.split("\ntest-shifted:", 1)[1].split("\n\n", 1)[0]
    assert f"{shifted_clock.SHIFT_DAYS}=$(SHIFT_DAYS)" in target
    assert re.search(r"^SHIFT_DAYS \?= 365$", makefile, re.MULTILINE)
