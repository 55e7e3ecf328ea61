"""The installation a load test runs against: two fresh PostgreSQL databases (the data and the
key store, which dataward keeps apart), filled through the `dataward` command as an operator
would, and `dataward serve` started as a real process on loopback.

Every tenant is onboarded with `dataward tenants create`, gets a `tenant_admin` token from
`dataward staff add`, and ingests a generated queue_log (`bench.gen_calls`, a seed of its own,
its calls in the month before `gen_calls.END`) with `dataward ingest files` as the platform
operator. The caller numbers a tenant's file names (withheld callers aside) are kept for the
look-ups, so each look-up asks for a number that is its tenant's caller. Names and addresses
come from Faker; numbers are `gen_calls`' generated ones.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx2
from faker import Faker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bench.gen_calls import SEED, Workload, generate

ROOT = Path(__file__).parents[1]
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1/"
RETENTION = "P10Y"  # the generated calls end on a fixed day: a long retention keeps them in
READY_SECONDS = 90.0
STOP_SECONDS = 30.0
SETUP_PROCESSES = 2  # tenants set up at once, each a `dataward` command at a time


@dataclass(frozen=True)
class Size:
    """How much the installation holds: `tenants`, each with `calls` calls from `numbers`
    caller numbers into `queues` queues over `days` days."""

    tenants: int = 20
    calls: int = 5_000
    numbers: int = 2_000
    queues: int = 5
    days: int = 30


@dataclass(frozen=True)
class TenantLoad:
    """A tenant as the client sees it: its id, its administrator's token, its callers."""

    id: str
    token: str
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class Installation:
    """Where an installation lives (its folder and databases) and what the client needs."""

    folder: Path
    env: dict[str, str]
    admin_url: str
    databases: tuple[str, str]
    tenants: tuple[TenantLoad, ...]


def _dataward_env(folder: Path, data_url: str, keys_url: str) -> dict[str, str]:
    """This process's environment without any DATAWARD_ setting, and the installation's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DATAWARD_")}
    return env | {
        "DATAWARD_DATA_DIR": str(folder / "var"),
        "DATAWARD_DATABASE_URL": data_url,
        "DATAWARD_KEYSTORE_URL": keys_url,
        "DATAWARD_ACTOR": "bench:load",
        "TMPDIR": str(folder),
    }


def dataward(env: dict[str, str], *args: str, role: str = "dco") -> str:
    """Run one `dataward` command with the installation's settings; its standard output."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "dataward", *args],
        cwd=ROOT,
        env=env | {"DATAWARD_ACTOR_ROLE": role},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(
            f"dataward {args[0]} {args[1] if len(args) > 1 else ''} failed: "
            f"exit {done.returncode}\n{done.stderr[-2000:]}"
        )
    return done.stdout


def _admin(admin_url: str) -> Engine:
    url = make_url(admin_url)
    return create_engine(url.set(database=url.database or "postgres"), isolation_level="AUTOCOMMIT")


def create_databases(admin_url: str, name: str) -> tuple[str, str]:
    """Create `<name>` and `<name>_keys` (dropped first if left by an earlier run); their URLs."""
    names = (name, f"{name}_keys")
    drop_databases(admin_url, names)
    engine = _admin(admin_url)
    with engine.connect() as connection:
        for each in names:
            connection.execute(text(f'CREATE DATABASE "{each}"'))
    engine.dispose()
    url = make_url(admin_url)
    data, keys = (url.set(database=each).render_as_string(hide_password=False) for each in names)
    return data, keys


def drop_databases(admin_url: str, names: tuple[str, ...]) -> None:
    engine = _admin(admin_url)
    with engine.connect() as connection:
        for each in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{each}" WITH (FORCE)'))
    engine.dispose()


def _callers(path: Path) -> tuple[str, ...]:
    """The numbers the queue_log's ENTERQUEUE lines name, withheld callers left out."""
    found: dict[str, None] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.rstrip("\n").split("|")
            if fields[4] == "ENTERQUEUE" and fields[6] != "anonymous":
                found[fields[6]] = None
    return tuple(found)


def _tenant(env: dict[str, str], folder: Path, index: int, size: Size) -> TenantLoad:
    fake = Faker("en_GB")
    fake.seed_instance(SEED + index)
    tenant_id = f"load{index:03d}"
    dataward(
        env,
        "tenants",
        "create",
        fake.company(),
        "--id",
        tenant_id,
        "--retention",
        RETENTION,
        "--contact-name",
        fake.name(),
        "--contact-email",
        fake.safe_email(),
    )
    token = (
        dataward(
            env,
            "staff",
            "add",
            f"{tenant_id}-admin",
            "--role",
            "tenant_admin",
            "--tenant",
            tenant_id,
        )
        .splitlines()[0]
        .strip()
    )
    calls = folder / f"{tenant_id}.queue_log"
    with calls.open("w", encoding="utf-8", newline="") as out:
        workload = Workload(size.calls, size.numbers, size.queues, size.days, SEED + index)
        generate("asterisk-queue-log", out, workload)
    dataward(env, "ingest", "files", str(calls), "--tenant", tenant_id, role="operator")
    numbers = _callers(calls)
    calls.unlink()
    return TenantLoad(tenant_id, token, numbers)


@contextmanager
def make_installation(
    admin_url: str, name: str, folder: Path, size: Size
) -> Iterator[Installation]:
    """A fresh installation of `size` in databases named after `name`, dropped on leaving."""
    data_url, keys_url = create_databases(admin_url, name)
    try:
        env = _dataward_env(folder, data_url, keys_url)
        dataward(env, "init")
        with ThreadPoolExecutor(SETUP_PROCESSES) as pool:
            made = pool.map(lambda i: _tenant(env, folder, i, size), range(size.tenants))
            tenants = []
            for tenant in made:
                tenants.append(tenant)
                print(f"  tenant {len(tenants)}/{size.tenants} ready", flush=True)
        yield Installation(folder, env, admin_url, (name, f"{name}_keys"), tuple(tenants))
    finally:
        drop_databases(admin_url, (name, f"{name}_keys"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(setup: Installation, *, workers: int, pool_size: int) -> Iterator[str]:
    """`dataward serve --workers N` on a free loopback port, ready; its base URL. The server
    runs in a process group of its own, so stopping it stops its workers with it."""
    port = free_port()
    env = setup.env | {"DATAWARD_DB_POOL_SIZE": str(pool_size)}
    log = (setup.folder / f"serve-{workers}.log").open("wb")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "dataward",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _until_ready(base, process)
        yield base
    finally:
        _stop(process)
        log.close()


def _until_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dataward serve exited with status {process.returncode}")
        with suppress(httpx2.HTTPError):
            if httpx2.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"dataward serve was not ready within {READY_SECONDS:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server (it stops its workers), then SIGKILL to its group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def database_name(prefix: str) -> str:
    """A database name of its own for this run: `<prefix>_<8 hex digits>`."""
    return f"{prefix}_{secrets.token_hex(4)}"
