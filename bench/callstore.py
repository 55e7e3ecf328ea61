"""Helpers of the call-store benchmark (`bench.bench_calls`): a wired store, and the baselines.

- `Store`: one tenant's data base (a SQLite file, or a fresh PostgreSQL schema) with its key
  store (always a SQLite file), master key, vault, clock and register, migrated; `attach` opens
  the same store again from another process (the ingest child).
- `ensure_database`: the PostgreSQL database of `--pg-url`, created if it is missing.
- `unindexed_calls_of` and `sql_acd`: the baselines of the look-up and report figures. (The
  ingest figures' baseline is the naive peer beside the repository: `bench.peer`.)

No function here prints or returns a phone number: numbers only pass through to the vault.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, make_url, text

from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.register_file import load_register_file
from dataward.adapters.sql import migrate
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.domain.calendar import bank_holidays
from dataward.domain.clock import FixedClock
from dataward.domain.register.model import Register
from dataward.domain.subjects import Actor
from dataward.domain.tenants import Tenant
from dataward.services.context import UseCase

TENANT = "bench-tenant"
ZONE = "Europe/London"
REGION = "GB"
SERVICE_LEVEL_S = 20
AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1/dataward_bench"


def ensure_database(pg_url: str) -> None:
    """Create the database `pg_url` names if the server has none of that name (asked of the
    server's `postgres` database), so that `make bench` runs on a server with no set-up."""
    url = make_url(pg_url)
    name = url.database
    if not name:
        raise SystemExit(f"--pg-url names no database: {url.render_as_string()}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if found is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                print(f"created PostgreSQL database {name}", flush=True)
    finally:
        admin.dispose()


@dataclass
class Store:
    engine: Engine
    keystore: Engine
    vault: SqlVault
    clock: FixedClock
    register: Register
    database_url: str
    keystore_url: str
    key_file: Path
    backend: str
    schema: str | None = None
    admin_url: str | None = None

    @classmethod
    def create(cls, folder: Path, name: str, *, backend: str, pg_url: str) -> Store:
        """A fresh store named `name` in `folder` (and a fresh schema on PostgreSQL)."""
        folder.mkdir(parents=True, exist_ok=True)
        schema = None
        if backend == "postgresql":
            schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
            admin = make_engine(pg_url)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            admin.dispose()
            separator = "&" if "?" in pg_url else "?"
            database_url = f"{pg_url}{separator}options=-csearch_path%3D{schema}"
        else:
            database_url = f"sqlite:///{folder / f'{name}.db'}"
        keystore_url = f"sqlite:///{folder / f'{name}-keys.db'}"
        key_file = folder / f"{name}.key"
        engine, keystore = make_engine(database_url), make_engine(keystore_url)
        migrate.upgrade(engine)
        migrate.upgrade(keystore, store="keystore")
        create_master_key_file(key_file)
        store = cls._wire(engine, keystore, database_url, keystore_url, key_file)
        store.schema, store.admin_url = schema, pg_url if schema else None
        store.vault.ensure_index_key()
        with SqlUnitOfWork(engine) as uow:
            uow.tenants.add(
                Tenant(
                    id=TENANT,
                    name="Benchmark tenant",
                    region=REGION,
                    timezone=ZONE,
                    call_retention="P13M",
                    service_level_seconds=SERVICE_LEVEL_S,
                    short_abandon_seconds=5,
                    created_at=AT,
                )
            )
            uow.commit()
        return store

    @classmethod
    def attach(cls, database_url: str, keystore_url: str, key_file: Path) -> Store:
        """The store `create` made, opened again (from the ingest child process)."""
        engine, keystore = make_engine(database_url), make_engine(keystore_url)
        return cls._wire(engine, keystore, database_url, keystore_url, key_file)

    @classmethod
    def _wire(
        cls, engine: Engine, keystore: Engine, database_url: str, keystore_url: str, key_file: Path
    ) -> Store:
        """The store on these engines; its backend is its database URL's."""
        backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
        clock = FixedClock(AT)
        vault = SqlVault(keystore, MasterKeys(read_master_key_file(key_file)), clock)
        register = load_register_file().register
        return cls(
            engine, keystore, vault, clock, register, database_url, keystore_url, key_file, backend
        )

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def use_case(self, actor: Actor) -> UseCase:
        """What a use case reaches outside itself, for `actor`, on this store."""
        return UseCase(self.uow(), self.vault, self.clock, bank_holidays(), self.register, actor)

    def close(self, *, keep: bool) -> None:
        self.engine.dispose()
        self.keystore.dispose()
        if self.schema is None or self.admin_url is None:
            return
        if keep:
            print(f"kept PostgreSQL schema {self.schema}")
            return
        admin = make_engine(self.admin_url)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        admin.dispose()


# -- the look-up and report baselines -----------------------------------------------------


def sample_callers(store: Store, n: int) -> list[str]:
    """`n` caller subjects of the tenant, at random (by the database's random())."""
    with store.engine.connect() as connection:
        return list(
            connection.execute(
                text(
                    "SELECT subject_id FROM identifiers WHERE type = 'phone' AND scope = :t "
                    "ORDER BY random() LIMIT :n"
                ),
                {"t": TENANT, "n": n},
            ).scalars()
        )


def unindexed_calls_of(store: Store, subject_id: str) -> int:
    """The subject's calls by a full scan of `calls`, and its number decrypted; how many."""
    where = (
        "WHERE tenant_id = :t AND (caller_ref = :s OR callee_ref = :s OR agent_ref = :s) "
        "ORDER BY started_at"
    )
    scan = "calls" if store.backend == "postgresql" else "calls NOT INDEXED"
    with store.engine.connect() as connection, connection.begin():
        if store.backend == "postgresql":
            for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
                connection.execute(text(f"SET LOCAL {setting} = off"))
        found = connection.execute(
            text(f"SELECT * FROM {scan} {where}"),  # noqa: S608 - constant text
            {"t": TENANT, "s": subject_id},
        ).all()
        (ciphertext,) = connection.execute(
            text("SELECT ciphertext FROM identifiers WHERE subject_id = :s AND type = 'phone'"),
            {"s": subject_id},
        ).one()
    store.vault.open(subject_id, bytes(ciphertext))
    return len(found)


def sql_acd(store: Store) -> list[Any]:
    """The queue x hour-of-day figures as one GROUP BY over the raw calls (UTC hours on SQLite,
    Europe/London hours on PostgreSQL)."""
    hour = (
        f"extract(hour from started_at at time zone '{ZONE}')"
        if store.backend == "postgresql"
        else "strftime('%H', started_at)"
    )
    query = f"""
        SELECT queue, {hour} AS hour, count(*) AS offered,
            SUM(CASE WHEN disposition = 'answered' THEN 1 ELSE 0 END) AS answered,
            SUM(CASE WHEN disposition IN ('abandoned', 'no_answer') THEN 1 ELSE 0 END)
                AS abandoned,
            SUM(CASE WHEN disposition = 'overflow' THEN 1 ELSE 0 END) AS overflow,
            AVG(wait_s) AS avg_wait, AVG(talk_s) AS avg_talk,
            SUM(CASE WHEN disposition = 'answered' AND wait_s <= {SERVICE_LEVEL_S}
                THEN 1 ELSE 0 END) AS within_sl
        FROM calls WHERE tenant_id = :t AND queue IS NOT NULL
        GROUP BY queue, {hour}
    """  # noqa: S608 - constant text
    with store.engine.connect() as connection:
        return list(connection.execute(text(query), {"t": TENANT}).all())


def days_for(calls: int) -> int:
    """Days of the benchmark tenant at this many calls: the density of 10M calls in 730 days."""
    return max(1, round(730 * calls / 10_000_000))


def numbers_for(calls: int) -> int:
    """Distinct caller numbers at this many calls: 500k at 10M, as the tenant of the issue."""
    return max(1000, round(500_000 * calls / 10_000_000))
