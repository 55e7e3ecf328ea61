"""Keys left by processes that died before their records landed, found and destroyed by
`dataward keys sweep`, and never the keys of a process still at work, however long it stalls.

Real processes: `python -m dataward` on an installation (SQLite, or the data on PostgreSQL with
the key store in its SQLite file beside it), killed with SIGKILL in the middle of an ingest,
stopped with SIGSTOP, or ended by `os._exit` right before a commit. The files are the bench
generator's, with its fake numbers, written to the test's own folder."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from bench.gen_calls import Workload, generate
from sqlalchemy import Connection, Engine, func, select, update

from dataward.adapters.keyfile import read_master_key_file
from dataward.adapters.sql.calls.tables import ingests
from dataward.adapters.sql.engine import READ_ONLY, make_engine
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.rights.requests import rights_requests
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.adapters.vault.keystore_tables import data_keys, key_batches
from dataward.domain.clock import FixedClock
from dataward.services.keys.orphans import GRACE, OrphanSweep, destroy_orphan_keys

pytestmark = pytest.mark.processes

TENANT = "tenant-k"
DIE_BEFORE_COMMIT = Path(__file__).parents[1] / "support" / "die_before_commit.py"
REPO = Path(__file__).parents[2]


@dataclass
class Install:
    env: dict[str, str]
    data: Engine
    keys: Engine
    folder: Path

    def run(self, *args: str, role: str = "dco") -> str:
        done = subprocess.run(
            [sys.executable, "-m", "dataward", *args],
            env={**self.env, "DATAWARD_ACTOR_ROLE": role},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def start_ingest(self, *files: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "dataward", "ingest", *map(str, files), "--tenant", TENANT],
            env={**self.env, "DATAWARD_ACTOR_ROLE": "operator"},
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "ingest.err").open("wb"),
        )

    def key_ids(self) -> set[str]:
        with _reading(self.keys) as connection:
            return set(connection.execute(select(data_keys.c.subject_id)).scalars())

    def subject_ids(self) -> set[str]:
        with _reading(self.data) as connection:
            return set(connection.execute(select(subjects.c.id)).scalars())

    def counts(self) -> tuple[int, int, int]:
        """(keys, subjects, ingests committed): cheap enough to poll."""
        with _reading(self.keys) as connection:
            keys = connection.execute(select(func.count()).select_from(data_keys)).scalar_one()
        with _reading(self.data) as connection:
            people = connection.execute(select(func.count()).select_from(subjects)).scalar_one()
            done = connection.execute(
                select(func.count()).select_from(ingests).where(ingests.c.finished_at.is_not(None))
            ).scalar_one()
        return keys, people, done

    def heartbeats(self) -> list[datetime]:
        with _reading(self.keys) as connection:
            return list(connection.execute(select(key_batches.c.heartbeat_at)).scalars())

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        """SIGSTOP the process outside a key-store transaction of its own (a stop inside one
        would hold the key store's write lock, which a real stall does not do for long)."""
        while True:
            process.send_signal(signal.SIGSTOP)
            probe = sqlite3.connect(self.folder / "keys.db", timeout=0.2, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            except sqlite3.OperationalError:
                process.send_signal(signal.SIGCONT)
                time.sleep(0.01)
                continue
            finally:
                probe.close()
            return

    def age_batches(self, by: timedelta) -> None:
        """What time does to a batch whose process is gone: its last heartbeat grows old."""
        with self.keys.begin() as connection:
            rows = connection.execute(select(key_batches.c.name, key_batches.c.heartbeat_at))
            for name, beat in rows.all():
                connection.execute(
                    update(key_batches)
                    .where(key_batches.c.name == name)
                    .values(heartbeat_at=beat - by)
                )

    def sweep_at(self, now: datetime) -> OrphanSweep:
        """The orphan-key sweep of `dataward keys sweep`, at a given time (in this process)."""
        clock = FixedClock(now)
        vault = SqlVault(
            self.keys, MasterKeys(read_master_key_file(self.folder / "master.key")), clock
        )
        return destroy_orphan_keys(SqlUnitOfWork(self.data, read_only=True), vault, clock)


def _reading(engine: Engine) -> Connection:
    """A connection that only reads: on SQLite it takes no write lock (an ingest holds it)."""
    return engine.connect().execution_options(**{READ_ONLY: True})


@pytest.fixture
def install(backend: str, database_url: str, tmp_path: Path) -> Iterator[Install]:
    folder = tmp_path / "var"
    env = {
        **os.environ,
        "DATAWARD_DATA_DIR": str(folder),
        "DATAWARD_ACTOR": "dco-on-duty",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    for name in (
        "DATAWARD_DATABASE_URL",
        "DATAWARD_KEYSTORE_URL",
        "DATAWARD_MASTER_KEY",
        "DATAWARD_ACTOR_TENANT",
        "DATAWARD_MASTER_KEY_FILE",
    ):
        env.pop(name, None)
    data_url = f"sqlite:///{folder / 'dataward.db'}"
    if backend == "postgresql":
        env["DATAWARD_DATABASE_URL"] = data_url = database_url
    keys_url = f"sqlite:///{folder / 'keys.db'}"
    installed = Install(env, make_engine(data_url), make_engine(keys_url), folder)
    installed.run("init")
    # the processes read the real clock and the generated calls end in October 2026: a
    # retention long enough that they never fall past it, on whatever day this runs
    installed.run("tenants", "create", "Tenant K", "--id", TENANT, "--retention", "P100Y")
    yield installed
    installed.data.dispose()
    installed.keys.dispose()


def _calls_file(path: Path, calls: int, numbers: int, seed: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        generate("asterisk-cdr-csv", out, Workload(calls, numbers=numbers, days=30, seed=seed))
    return path


def _wait_for(what: str, ready: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 600
    while not ready():
        assert process.poll() is None, f"the ingest ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within 10 minutes"
        time.sleep(0.05)


def test_a_killed_ingest_leaves_keys_that_the_sweep_destroys(
    install: Install, tmp_path: Path
) -> None:
    small = _calls_file(tmp_path / "small.csv", 3000, 2000, seed=11)
    large = _calls_file(tmp_path / "large.csv", 200_000, 150_000, seed=12)
    ingest = install.start_ingest(small, large)
    try:  # the small file has landed, and the large one's first batches made keys
        _wait_for(
            "keys without subjects",
            lambda: (c := install.counts())[2] == 1 and c[0] > c[1],
            ingest,
        )
    finally:
        ingest.send_signal(signal.SIGKILL)
        ingest.wait()
    assert ingest.returncode == -signal.SIGKILL

    people = install.subject_ids()
    made = install.key_ids()
    with_subject, without = made & people, made - people
    assert with_subject == people  # every subject of the small file, with its key
    assert len(without) > 0  # the killed transaction's subjects: gone, their keys not

    # within the grace period the batch could still be at work: nothing is touched
    out = install.run("keys", "sweep")
    assert "0 orphan key(s) destroyed and 0 kept, from 0 key batch(es)" in out
    assert install.key_ids() == made

    install.age_batches(GRACE + timedelta(minutes=1))
    out = install.run("keys", "sweep")
    assert (
        f"{len(without)} orphan key(s) destroyed and {len(with_subject)} kept, from 1 key batch(es)"
    ) in out
    assert install.key_ids() == people  # every key has its subject, every subject its key
    assert install.heartbeats() == []
    out = install.run("keys", "sweep")
    assert "0 orphan key(s) destroyed and 0 kept, from 0 key batch(es)" in out


def test_a_stalled_ingest_keeps_its_keys_within_the_grace_period_and_stops_after_it(
    install: Install, tmp_path: Path
) -> None:
    def stalled(calls_file: Path) -> subprocess.Popen[bytes]:
        process = install.start_ingest(calls_file)
        _wait_for("keys without subjects", lambda: (c := install.counts())[0] > c[1], process)
        install.stop(process)
        return process

    # stopped (a long lock wait, a paused machine): within the grace period the sweep leaves it
    ingest = stalled(_calls_file(tmp_path / "first.csv", 30_000, 25_000, seed=13))
    (beat,) = install.heartbeats()
    swept = install.sweep_at(beat + GRACE - timedelta(seconds=1))
    assert (swept.batches, swept.destroyed) == (0, 0)
    ingest.send_signal(signal.SIGCONT)
    assert ingest.wait(timeout=900) == 0, (install.folder / "ingest.err").read_text()[-2000:]
    assert install.key_ids() == install.subject_ids()
    assert install.heartbeats() == []

    # stopped for longer than the grace period: its batch is claimed, but its keys are not
    # touched while its transaction is under way; woken, it stops and stores nothing
    before = install.subject_ids()
    ingest = stalled(_calls_file(tmp_path / "second.csv", 30_000, 25_000, seed=14))
    (beat,) = install.heartbeats()
    made = install.key_ids()
    swept = install.sweep_at(beat + GRACE + timedelta(seconds=1))
    assert (swept.batches, swept.busy, swept.destroyed) == (0, 1, 0)
    assert install.key_ids() == made
    ingest.send_signal(signal.SIGCONT)
    assert ingest.wait(timeout=900) != 0
    assert "send it again" in (install.folder / "ingest.err").read_text()
    assert install.subject_ids() == before
    assert install.key_ids() == before  # it destroyed the keys of what it rolled back
    assert install.heartbeats() == []


@pytest.mark.parametrize(
    "command",
    [
        ("subjects", "create", "--kind", "caller", "--tenant", TENANT, "--phone", "07700900555"),
        (
            "requests",
            "create",
            "--type",
            "access",
            "--received",
            "2026-11-02",
            "--email",
            "requester@example.org",
            "--name",
            "A Requester",
        ),
    ],
    ids=["subjects_create", "request_intake"],
)
def test_a_registration_that_dies_before_its_commit_leaves_a_key_the_sweep_destroys(
    install: Install, command: tuple[str, ...]
) -> None:
    before = install.key_ids()
    died = subprocess.run(
        [sys.executable, str(DIE_BEFORE_COMMIT), *command],
        env={**install.env, "DATAWARD_ACTOR_ROLE": "dco"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert died.returncode == 137, died.stderr[-2000:]
    (orphan,) = install.key_ids() - before
    with install.data.connect() as connection:
        assert connection.execute(select(func.count()).select_from(rights_requests)).scalar() == 0
    assert orphan not in install.subject_ids()
    (beat,) = install.heartbeats()
    assert install.sweep_at(beat + GRACE - timedelta(seconds=1)).destroyed == 0
    swept = install.sweep_at(beat + GRACE + timedelta(seconds=1))
    assert (swept.batches, swept.destroyed, swept.kept) == (1, 1, 0)
    assert install.key_ids() == before
