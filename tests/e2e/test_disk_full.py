"""The disk filling up under an ingest (the embedded databases on a tmpfs of a few megabytes):
the ingest is rejected whole in fixed words (no traceback, no path), the calls already stored
are untouched, and once space is freed the database is whole and the audit chain verifies.
Mounting a tmpfs needs root: elsewhere the test is skipped."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.worker_installation import calls_file

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.processes


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("a tmpfs cannot be mounted here (needs root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, check=False)


def _dataward(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dataward", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _counts(database: Path) -> tuple[str, int, int]:
    with sqlite3.connect(database) as connection:
        whole = connection.execute("PRAGMA integrity_check").fetchone()[0]
        calls = connection.execute("SELECT count(*) FROM calls").fetchone()[0]
        ingests = connection.execute("SELECT count(*) FROM ingests").fetchone()[0]
    return str(whole), int(calls), int(ingests)


def test_an_ingest_that_fills_the_disk_is_rejected_whole(small_disk: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATAWARD_")} | {
        "DATAWARD_DATA_DIR": str(small_disk / "var"),
        "DATAWARD_ACTOR_ROLE": "operator",
        "TMPDIR": str(tmp_path),
    }
    assert _dataward(env, "init").returncode == 0
    created = _dataward(
        env | {"DATAWARD_ACTOR_ROLE": "dco"},
        "tenants", "create", "Acme", "--id", "acme", "--contact-name", "Controller Contact",
        "--contact-email", "controller@acme.example",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    small = calls_file(tmp_path, 500, seed=3)
    assert _dataward(env, "ingest", str(small), "--tenant", "acme").returncode == 0

    large = calls_file(tmp_path, 60_000, seed=4)
    full = _dataward(env, "ingest", str(large), "--tenant", "acme")
    assert full.returncode == 6, full.stderr
    assert "could not be written" in full.stderr
    assert "Traceback" not in full.stderr
    assert str(small_disk) not in full.stderr

    # space freed (as an operator would): nothing of the failed ingest, all of the first
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    assert _counts(small_disk / "var" / "dataward.db") == ("ok", 500, 1)
    verified = _dataward(env | {"DATAWARD_ACTOR_ROLE": "dco"}, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout
