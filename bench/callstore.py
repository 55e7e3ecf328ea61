"""Helpers of the call-store benchmark (`bench.bench_calls`): a wired store, and the baselines.

- `Store`: one tenant's data base (a SQLite file, or a fresh PostgreSQL schema) with its key
  store (always a SQLite file), master key, vault, clock and register, migrated; `attach` opens
  the same store again from another process (the ingest child).
- `naive_ingest`: the baseline of the ingest figure, the pipeline one would write first: a
  `csv.DictReader` (or `str.split` over queue_log lines), `phonenumbers.parse` +
  `format_number` on every row, every party looked up by blind index on every row (a subject
  created when missing, its key enrolled in the vault one at a time), one ORM `add` + `flush`
  per call row, one commit at the end. It writes the columns of `calls` that the pipeline
  writes, but no rollups and no duplicate check (both would only slow it).
- `unindexed_calls_of` and `sql_acd`: the baselines of the look-up and report figures.

No function here prints or returns a phone number: numbers only pass through to the vault.
"""

from __future__ import annotations

import csv
import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, registry

from dataward.adapters.ingest.asterisk_cdr import CDR_CSV_BASE
from dataward.adapters.keyfile import create_master_key_file, read_master_key_file
from dataward.adapters.register_file import load_register_file
from dataward.adapters.sql import migrate
from dataward.adapters.sql.calls.store import ensure_month_partitions
from dataward.adapters.sql.calls.tables import calls, ingests
from dataward.adapters.sql.engine import make_engine
from dataward.adapters.sql.registry.tables import identifiers, subjects
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
CDR_CSV_COLUMNS = (*CDR_CSV_BASE, "uniqueid", "userfield", "peeraccount", "linkedid", "sequence")
"""The generated files' columns: cdr_csv with every optional group enabled."""
"""cdr_csv with loguniqueid, loguserfield and newcdrcolumns: the 21 columns gen_calls writes."""


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


# -- the naive pipeline (baseline of the ingest figure) --------------------------------------


class _Call:
    pass


class _Subject:
    pass


class _Identifier:
    pass


class _Ingest:
    pass


_orm = registry()
_orm.map_imperatively(_Call, calls)
_orm.map_imperatively(_Subject, subjects)
_orm.map_imperatively(_Identifier, identifiers)
_orm.map_imperatively(_Ingest, ingests)


def _e164(raw: str) -> str:
    number = phonenumbers.parse(raw, REGION)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _local(value: str, zone: ZoneInfo) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=zone) if value else None


def _cdr_calls(path: Path, zone: ZoneInfo) -> Iterator[dict[str, Any]]:
    """cdr_csv rows as the naive pipeline reads them: a dict per row, parsed field by field."""
    dispositions = {"ANSWERED": "answered", "NO ANSWER": "no_answer"}
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream, fieldnames=CDR_CSV_COLUMNS):
            answered = row["disposition"] == "ANSWERED"
            dstchannel = row["dstchannel"]
            withheld = not row["src"] and "anonymous" in row["clid"].lower()
            yield {
                "identity": f"{row['uniqueid']}#{row['sequence']}",
                "started_at": _local(row["start"], zone),
                "answered_at": _local(row["answer"], zone),
                "ended_at": _local(row["end"], zone),
                "disposition": dispositions.get(row["disposition"], "unknown"),
                "queue": row["lastdata"].split(",")[0] if row["lastapp"] == "Queue" else None,
                "wait_s": None,
                "ring_s": None,
                "talk_s": float(row["billsec"]) if answered else 0.0,
                "caller": None if withheld else row["src"],
                "caller_withheld": withheld,
                "callee": row["dst"] or None,  # the queue's extension, an agent-like party
                "agent": dstchannel.split("/", 1)[1].rsplit("-", 1)[0] if dstchannel else None,
            }


def _queue_log_calls(path: Path) -> Iterator[dict[str, Any]]:
    """queue_log lines split by `|`, each ENTERQUEUE paired with its ending in a dict."""
    open_calls: dict[str, dict[str, Any]] = {}
    endings = {"ABANDON": "abandoned", "EXITWITHTIMEOUT": "overflow"}
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            fields = line.rstrip("\n").split("|")
            epoch, call_id, event = int(fields[0]), fields[1], fields[4]
            when = datetime.fromtimestamp(epoch, UTC)
            if event == "ENTERQUEUE":
                caller = fields[6]
                open_calls[call_id] = {
                    "identity": f"{call_id}|{fields[2]}|{epoch}",
                    "started_at": when,
                    "answered_at": None,
                    "ended_at": None,
                    "disposition": "unknown",
                    "queue": fields[2],
                    "wait_s": None,
                    "ring_s": 0.0,
                    "talk_s": None,
                    "caller": None if caller == "anonymous" else caller,
                    "caller_withheld": caller == "anonymous",
                    "callee": None,
                    "agent": None,
                }
                continue
            call = open_calls.get(call_id)
            if call is None:
                continue
            if event == "RINGNOANSWER":
                call["ring_s"] += int(fields[5]) / 1000
            elif event == "CONNECT":
                call.update(answered_at=when, wait_s=float(fields[5]))
                call["ring_s"] += int(fields[7])
                call["agent"] = fields[3].split("/", 1)[1].split("@", 1)[0]
            elif event in ("COMPLETECALLER", "COMPLETEAGENT"):
                call.update(ended_at=when, disposition="answered", talk_s=float(fields[6]))
                yield open_calls.pop(call_id)
            elif event in endings:
                call.update(ended_at=when, disposition=endings[event], wait_s=float(fields[7]))
                yield open_calls.pop(call_id)


class _Parties:
    """Every party looked up by blind index on every row; a subject created when missing."""

    def __init__(self, session: Session, store: Store) -> None:
        self.session, self.vault, self.created = session, store.vault, 0

    def phone(self, raw: str) -> str:
        return self._subject(TENANT, "phone", _e164(raw), "caller")

    def agent(self, extension: str) -> str:
        return self._subject("", "agent_id", f"{TENANT}/{extension}", "end_user")

    def _subject(self, scope: str, kind: str, value: str, subject_kind: str) -> str:
        index = self.vault.blind_index(scope, kind, value)
        found = self.session.execute(
            select(identifiers.c.subject_id).where(
                identifiers.c.scope == scope,
                identifiers.c.type == kind,
                identifiers.c.blind_index == index,
            )
        ).scalar()
        if found is not None:
            return str(found)
        subject_id = str(uuid.uuid4())
        (sealed,) = self.vault.enrol({subject_id: [value]})[subject_id]
        self.session.add(
            _Subject(
                id=subject_id,
                kind=subject_kind,
                tenant_id=TENANT if scope else None,
                status="active",
                created_at=AT,
            )
        )
        self.session.flush()  # no relationship() here, so the ORM would not order the two
        self.session.add(
            _Identifier(
                subject_id=subject_id,
                scope=scope,
                type=kind,
                blind_index=index,
                ciphertext=sealed,
                created_at=AT,
            )
        )
        self.session.flush()
        self.created += 1
        return subject_id


def naive_ingest(store: Store, path: Path, fmt: str, *, limit: int) -> tuple[int, int]:
    """The first `limit` calls of the file, the naive way; (calls written, subjects created)."""
    zone = ZoneInfo(ZONE)
    rows = _cdr_calls(path, zone) if fmt == "asterisk-cdr-csv" else _queue_log_calls(path)
    identity_key = store.vault.record_key(TENANT, "bench baseline identity")
    months: set[tuple[int, int]] = set()
    written = 0
    with Session(store.engine) as session:
        record = _Ingest(
            tenant_id=TENANT,
            source=str(path)[-255:],
            format=fmt,
            actor="bench",
            started_at=AT,
            calls_read=0,
            stored=0,
            duplicates=0,
            bad=0,
        )
        session.add(record)
        session.flush()
        parties = _Parties(session, store)
        for row in rows:
            if written >= limit:
                break
            started = row["started_at"]
            if store.backend == "postgresql" and (started.year, started.month) not in months:
                ensure_month_partitions(session.connection(), [(started.year, started.month)])
                months.add((started.year, started.month))
            digest = hashlib.blake2b(
                row["identity"].encode(), key=identity_key, digest_size=16
            ).digest()
            session.add(
                _Call(
                    tenant_id=TENANT,
                    source_key=digest,
                    started_at=started,
                    answered_at=row["answered_at"],
                    ended_at=row["ended_at"],
                    direction="inbound",
                    disposition=row["disposition"],
                    queue=row["queue"],
                    wait_s=row["wait_s"],
                    ring_s=row["ring_s"],
                    talk_s=row["talk_s"],
                    caller_ref=parties.phone(row["caller"]) if row["caller"] else None,
                    callee_ref=parties.agent(row["callee"]) if row["callee"] else None,
                    agent_ref=parties.agent(row["agent"]) if row["agent"] else None,
                    caller_withheld=row["caller_withheld"],
                    callee_withheld=False,
                    legs=1,
                    format=fmt,
                    ingest_id=record.id,
                )
            )
            session.flush()
            written += 1
        session.commit()
    return written, parties.created


def prefix_file(path: Path, out: Path, fmt: str, calls: int) -> None:
    """The first `calls` calls of a generated file (a queue_log call's lines are together)."""
    seen = 0
    with path.open(encoding="utf-8", newline="") as source, out.open("w", newline="") as sink:
        for line in source:
            if fmt == "asterisk-cdr-csv" or "|ENTERQUEUE|" in line:
                seen += 1
                if seen > calls:
                    return
            sink.write(line)


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
