"""A call store of a given size, filled fast, for the rights benchmarks (`bench.bench_rights`).

The rights benchmarks measure what happens to one subject (an access package, an erasure) in a
store of N calls; they need the N calls in the table and its indexes, not N calls' worth of
parsing, so `fill_calls` writes them with the database's own row generator (a recursive CTE
on SQLite, `generate_series` on PostgreSQL): two years of calls whose parties are references
to a pool of `pool` callers and 200 agents that have no subject rows (nothing of theirs is
ever decrypted: an access package shows other parties redacted). `add_calls_of` then gives a
real subject its own calls, as ingest would store them; `make_callers` registers real callers
(a number from one of Ofcom's drama ranges each) with their calls, `working_request` gives one
a request ready to fulfil, `fill_audit` lengthens the audit log. `naive_access` and
`naive_erase` are the baselines: the same work with `calls` read by full scans.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import Connection, delete, text

from bench.callstore import AT, TENANT, Store
from dataward.adapters.documents.subject_export import render_export
from dataward.adapters.sql.calls.tables import calls
from dataward.adapters.sql.registry.tables import identifiers, subjects
from dataward.domain.audit import AuditDraft
from dataward.domain.calendar import bank_holidays
from dataward.domain.requests.package import SubjectPackage
from dataward.domain.requests.workflow import RequestEvent, RequestType
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.requests import Step, advance
from dataward.services.subjects.registry import NewSubject, create_subjects

SPAN_S = 730 * 86_400
_CHUNK = 1_000_000

_SQLITE_FILL = """
WITH RECURSIVE n(i) AS (SELECT :lo UNION ALL SELECT i + 1 FROM n WHERE i < :hi)
INSERT INTO calls (tenant_id, source_key, started_at, answered_at, ended_at, direction,
    disposition, queue, wait_s, ring_s, talk_s, caller_ref, callee_ref, agent_ref,
    caller_withheld, callee_withheld, legs, format, ingest_id)
SELECT :tenant, randomblob(16), datetime(:start, '+' || (i * :span / :n) || ' seconds')
    || '.000000', NULL, NULL, 'inbound',
    CASE WHEN i % 5 = 0 THEN 'abandoned' ELSE 'answered' END,
    'q' || (i % 12), abs(random()) % 120, 3, abs(random()) % 600,
    printf('00000000-0000-4000-8000-%012d', abs(random()) % :pool), NULL,
    printf('00000000-0000-4000-9000-%012d', abs(random()) % 200),
    0, 0, 1, 'bench', 0
FROM n
"""

_PG_FILL = """
INSERT INTO calls (tenant_id, source_key, started_at, answered_at, ended_at, direction,
    disposition, queue, wait_s, ring_s, talk_s, caller_ref, callee_ref, agent_ref,
    caller_withheld, callee_withheld, legs, format, ingest_id)
SELECT :tenant, decode(md5(random()::text), 'hex'),
    CAST(:start AS timestamptz) + make_interval(secs => i * :span / :n),
    NULL, NULL, 'inbound',
    CASE WHEN i % 5 = 0 THEN 'abandoned' ELSE 'answered' END,
    'q' || (i % 12), floor(random() * 120), 3, floor(random() * 600),
    '00000000-0000-4000-8000-' || lpad(floor(random() * :pool)::text, 12, '0'), NULL,
    '00000000-0000-4000-9000-' || lpad(floor(random() * 200)::text, 12, '0'),
    false, false, 1, 'bench', 0
FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)) AS i
"""


def fill_calls(store: Store, n: int, *, pool: int = 500_000) -> None:
    """Add `n` calls of the benchmark tenant over the two years before AT, in time order, in
    chunks; the party indexes are dropped for the fill and built again after it (as a bulk
    load would), so the figure is the store's, not the fill's."""
    start = (AT - timedelta(seconds=SPAN_S)).strftime("%Y-%m-%d %H:%M:%S")
    if store.backend == "postgresql":
        from dataward.adapters.sql.calls.store import ensure_month_partitions

        months = {
            ((AT - timedelta(days=d)).year, (AT - timedelta(days=d)).month) for d in range(732)
        }
        with store.engine.begin() as connection:
            ensure_month_partitions(connection, sorted(months))
    statement = text(_PG_FILL if store.backend == "postgresql" else _SQLITE_FILL)
    party_indexes = [i for i in calls.indexes if i.name and i.name.endswith("_ref")]
    with store.engine.begin() as connection:
        for index in party_indexes:
            index.drop(connection)
    for lo in range(0, n, _CHUNK):
        hi = min(n, lo + _CHUNK) - 1
        with store.engine.begin() as connection:
            connection.execute(
                statement,
                {
                    "tenant": TENANT,
                    "start": start,
                    "span": SPAN_S,
                    "pool": pool,
                    "lo": lo,
                    "hi": hi,
                    "n": n,
                },
            )
    with store.engine.begin() as connection:
        for index in party_indexes:
            index.create(connection)
        connection.execute(text("ANALYZE"))


def add_calls_of(store: Store, subject_id: str, n: int) -> None:
    """Give `subject_id` `n` calls as the caller, spread over the same two years."""
    rows = []
    for i in range(n):
        started = AT - timedelta(seconds=(i * 7919 * 61) % SPAN_S)
        rows.append(
            {
                "tenant_id": TENANT,
                "source_key": os.urandom(16),
                "started_at": started,
                "answered_at": started + timedelta(seconds=10),
                "ended_at": started + timedelta(seconds=130),
                "direction": "inbound",
                "disposition": "answered",
                "queue": f"q{i % 12}",
                "wait_s": 10.0,
                "ring_s": 3.0,
                "talk_s": 120.0,
                "caller_ref": subject_id,
                "callee_ref": None,
                "agent_ref": f"00000000-0000-4000-9000-{i % 200:012d}",
                "caller_withheld": False,
                "callee_withheld": False,
                "legs": 1,
                "format": "bench",
                "ingest_id": 0,
            }
        )
    with store.engine.begin() as connection:
        connection.execute(calls.insert(), rows)


def a_subject_id() -> str:
    return str(uuid.uuid4())


# -- subjects and requests of the rights benchmarks -------------------------------------------

ADMIN = Actor(id="bench-admin", role="tenant_admin", tenant_id=TENANT)
"""The tenant's administrator: works the requests of the tenant's callers (its controller)."""
HOLIDAYS = bank_holidays()
BASE_URL = "https://privacy.example.test"
_RANGES = {"access": "+441632960", "erasure": "+447700900", "baseline": "+447700901"}
"""Ofcom's drama ranges: 1,000 numbers each, never anyone's."""


def make_callers(store: Store, range_name: str, count: int, calls_each: int) -> list[str]:
    """`count` callers of the tenant (a phone number each, from the drama range `range_name`),
    each with `calls_each` calls as the caller; their ids."""
    prefix = _RANGES[range_name]
    if count > 1000:
        raise ValueError("at most 1,000 callers per range")
    commands = [
        NewSubject(kind="caller", identifiers=[("phone", f"{prefix}{i:03d}")], tenant_id=TENANT)
        for i in range(count)
    ]
    made = create_subjects(
        UseCase(store.uow(), store.vault, store.clock, HOLIDAYS, store.register, ADMIN),
        commands,
    )
    ids = [str(subject.id) for subject in made]
    for subject_id in ids:
        add_calls_of(store, subject_id, calls_each)
    return ids


def working_request(store: Store, kind: RequestType, subject_id: str, number: int) -> str:
    """A request of `kind` about the caller, received today with a contact address (so its
    letters are queued), identity verified and started: ready to fulfil; its id."""
    view = receive_request(
        UseCase(store.uow(), store.vault, store.clock, HOLIDAYS, store.register, ADMIN),
        NewRequest(
            type=kind,
            received=AT.date(),
            channel="email",
            tenant_id=TENANT,
            subject_id=UUID(subject_id),
            contact_email=f"subject-{number}@example.test",
        ),
    )
    for event in (RequestEvent.ASK_IDENTITY, RequestEvent.IDENTITY_VERIFIED, RequestEvent.START):
        advance(
            UseCase(store.uow(), store.vault, store.clock, HOLIDAYS, store.register, ADMIN),
            view.request.id,
            Step(
                event,
                reason="identity document seen"
                if event is RequestEvent.IDENTITY_VERIFIED
                else None,
            ),
        )
    return str(view.request.id)


def fill_audit(store: Store, n: int, *, batch: int = 10_000) -> None:
    """Append `n` audit entries about other subjects (gate decisions on the pool's callers), as
    a log that has been written to for a while would hold; sealed on the chain as usual."""
    for lo in range(0, n, batch):
        drafts = [
            AuditDraft(
                at=AT,
                actor=ADMIN.id,
                action="gate_decision",
                subject_ref=f"00000000-0000-4000-8000-{i % 500_000:012d}",
                purpose="telephony_reporting",
                decision="allowed",
                details={"category": "telephony_activity"},
            )
            for i in range(lo, min(n, lo + batch))
        ]
        with store.uow() as uow:
            uow.audit.append(*drafts)
            uow.commit()


# -- the naive baselines ----------------------------------------------------------------------


@contextmanager
def _unindexed(store: Store) -> Iterator[tuple[Connection, str]]:
    """A transaction in which `calls` is read without its indexes, and how to name it."""
    with store.engine.connect() as connection, connection.begin():
        if store.backend == "postgresql":
            for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
                connection.execute(text(f"SET LOCAL {setting} = off"))
        yield connection, "calls" if store.backend == "postgresql" else "calls NOT INDEXED"


def naive_access(store: Store, package: SubjectPackage) -> bytes:
    """The package of `package`'s subject the naive way: the calls found by a full scan of
    `calls`, each of the subject's identifiers decrypted, the same ZIP built from them (the
    other datasets are taken from `package`, as they were collected)."""
    me = package.subject_id
    with _unindexed(store) as (connection, scan):
        found = connection.execute(
            text(
                f"SELECT * FROM {scan} WHERE tenant_id = :t "  # noqa: S608 - constant text
                "AND (caller_ref = :s OR callee_ref = :s OR agent_ref = :s) ORDER BY started_at"
            ).columns(*calls.c),
            {"t": TENANT, "s": me},
        ).all()
        stored = connection.execute(
            text("SELECT type, ciphertext FROM identifiers WHERE subject_id = :s"), {"s": me}
        ).all()
    opened = tuple(sorted((kind, store.vault.open(me, bytes(sealed))) for kind, sealed in stored))

    def party(ref: str | None, *, withheld: bool, other: str = "other party (redacted)") -> str:
        if ref == me:
            return "you"
        return ("withheld by the caller" if withheld else "none") if ref is None else other

    rows = tuple(
        (
            c.tenant_id,
            c.started_at.isoformat(),
            _iso(c.answered_at),
            _iso(c.ended_at),
            c.direction,
            c.disposition,
            c.queue,
            c.wait_s,
            c.ring_s,
            c.talk_s,
            party(c.caller_ref, withheld=c.caller_withheld),
            party(c.callee_ref, withheld=c.callee_withheld),
            party(c.agent_ref, withheld=False, other="agent (redacted)"),
        )
        for c in found
    )
    fresh = {"calls": rows, "identifiers": opened}
    datasets = tuple(
        replace(d, rows=fresh[d.name]) if d.name in fresh else d for d in package.datasets
    )
    return render_export(replace(package, datasets=datasets))


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def naive_erase(store: Store, subject_id: str) -> int:
    """The erasure one would write first: the subject's calls unlinked by one full scan of
    `calls` (an UPDATE over every row, no party index), then its identifiers, its record and
    its key deleted; how many calls were unlinked."""
    with _unindexed(store) as (connection, scan):
        sets = ", ".join(
            f"{p} = CASE WHEN {p} = :s THEN NULL ELSE {p} END"
            for p in ("caller_ref", "callee_ref", "agent_ref")
        )
        unlinked = connection.execute(
            text(
                f"UPDATE {scan} SET {sets} "  # noqa: S608 - constant text
                "WHERE caller_ref = :s OR callee_ref = :s OR agent_ref = :s"
            ),
            {"s": subject_id},
        ).rowcount
        connection.execute(delete(identifiers).where(identifiers.c.subject_id == subject_id))
        connection.execute(delete(subjects).where(subjects.c.id == subject_id))
    store.vault.destroy_key(subject_id)
    return int(unlinked)
