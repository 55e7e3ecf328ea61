"""An installation of dataward on PostgreSQL with RabbitMQ, driven as its operators drive it: the
command line and `dataward worker`, each a process of its own (tests of the workers)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kombu import Connection
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from tests.builders import EVIDENCE

from dataward.adapters.sql.audit import audit_log
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.domain.audit import AuditAction
from dataward.domain.jobs import Queue

BROKER = os.environ.get("DATAWARD_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
ROOT = Path(__file__).parents[2]
DATAWARD = [sys.executable, "-m", "dataward"]
PAUSING = [sys.executable, str(ROOT / "tests" / "support" / "pausing_worker.py")]


@dataclass
class Installation:
    folder: Path
    env: dict[str, str]
    data_url: str
    prefix: str
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def run(self, *args: str, role: str = "dco") -> str:
        env = self.env | {"DATAWARD_ACTOR_ROLE": role}
        done = subprocess.run(
            [*DATAWARD, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def worker(
        self, *, pause: str | None = None, name: str = "w", pause_seconds: float = 3600
    ) -> subprocess.Popen[bytes]:
        env = dict(self.env)
        command = [*DATAWARD]
        if pause is not None:
            env |= {
                "DATAWARD_TEST_PAUSE": pause,
                "DATAWARD_TEST_PAUSED": str(self.paused),
                "DATAWARD_TEST_PAUSE_SECONDS": str(pause_seconds),
            }
            command = [*PAUSING]
        log = (self.folder / f"{name}-{len(self.workers)}.log").open("wb")
        process = subprocess.Popen(
            [*command, "worker", "--concurrency", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: kill -9 reaches the pool's children too
        )
        self.workers.append(process)
        return process

    @property
    def paused(self) -> Path:
        return self.folder / "paused"

    def job(self, job_id: str) -> dict[str, object]:
        found: dict[str, object] = json.loads(self.run("jobs", "show", job_id, "--json"))
        return found

    def wait(self, job_id: str, timeout: int = 900) -> dict[str, object]:
        out = self.run("jobs", "wait", job_id, "--timeout", str(timeout), "--json")
        found: dict[str, object] = json.loads(out)
        return found

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(create_engine(self.data_url))


def kill(process: subprocess.Popen[bytes]) -> None:
    """kill -9 of the worker and every process it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def until(found: Path, process: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while not found.exists():
        assert process.poll() is None, "the worker ended before it paused"
        assert time.monotonic() < deadline, "the worker never paused"
        time.sleep(0.2)


def installation_on(admin_url: str, tmp_path: Path) -> Iterator[Installation]:
    """Two new databases (data, key store) on the server of `admin_url`, initialised with the
    tenants acme and bravo; workers killed, queues and databases dropped after."""
    suffix = uuid.uuid4().hex[:10]
    names = (f"dw_w_{suffix}", f"dw_w_{suffix}_keys")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_url(admin_url)
    data_url, keys_url = (base.set(database=n).render_as_string(hide_password=False) for n in names)
    prefix = f"t{suffix}."
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATAWARD_")} | {
        "DATAWARD_DATA_DIR": str(tmp_path / "var"),
        "DATAWARD_DATABASE_URL": data_url,
        "DATAWARD_KEYSTORE_URL": keys_url,
        "DATAWARD_BROKER_URL": BROKER,
        "DATAWARD_BROKER_QUEUE_PREFIX": prefix,
        "DATAWARD_DB_POOL_SIZE": "4",
        "TMPDIR": str(tmp_path),
    }
    made = Installation(tmp_path, env, data_url, prefix)
    try:
        made.run("init")
        for tenant in ("acme", "bravo"):
            made.run(
                "tenants",
                "create",
                tenant.title(),
                "--id",
                tenant,
                "--contact-name",
                "Controller Contact",
                "--contact-email",
                f"controller@{tenant}.example",
            )
        yield made
    finally:
        for process in made.workers:
            kill(process)
        with Connection(BROKER) as broker, broker.channel() as channel:
            for queue in Queue:
                channel.queue_delete(f"{prefix}{queue.value}")
                channel.exchange_delete(f"{prefix}{queue.value}")
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def calls_file(folder: Path, calls: int, seed: int) -> Path:
    """A generated queue_log of `calls` calls (`bench.gen_calls`), the same for a seed."""
    out = folder / f"calls-{seed}.log"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.gen_calls",
            "--format",
            "asterisk-queue-log",
            "--calls",
            str(calls),
            "--numbers",
            str(max(100, calls // 4)),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


def background(made: Installation, path: Path, tenant: str) -> str:
    """`dataward ingest FILE --background` as a platform operator; the job's id."""
    out = made.run(
        "ingest", str(path), "--tenant", tenant, "--background", "--json", role="operator"
    )
    found: list[dict[str, str]] = json.loads(out)
    return found[0]["job"]


def ingested_entries(made: Installation, tenant: str) -> list[dict[str, object]]:
    """The audit log's `calls_ingested` entries for the tenant."""
    with made.uow() as uow:
        rows = uow._connection.execute(
            select(audit_log.c.details).where(audit_log.c.action == AuditAction.CALLS_INGESTED)
        ).scalars()
        found = [json.loads(row) if isinstance(row, str) else row for row in rows]
    return [entry for entry in found if entry.get("tenant") == tenant]


def erasure_job(made: Installation, email: str) -> tuple[str, str, str]:
    """A subject (a marketing contact at `email`), its erasure request received today,
    verified and started, and the request queued with `requests fulfil --background`: the
    subject's, the request's and the job's ids."""
    subject = made.run("subjects", "create", "--kind", "marketing_contact", "--email", email)
    subject_id = subject.split()[0]
    today = datetime.now().astimezone().date().isoformat()  # what the processes read: real
    created = made.run(
        "requests", "create", "--type", "erasure", "--received", today, "--subject", subject_id
    )
    request_id = created.split("\t")[0]
    for event in ("ask_identity", "identity_verified", "start"):
        why = EVIDENCE.get(event)
        made.run("requests", "advance", request_id, event, *(("--reason", why) if why else ()))
    job_id = made.run("requests", "fulfil", request_id, "--background").split()[1]
    return subject_id, request_id, job_id
