"""The call store on SQLAlchemy Core: calls, the ingests that brought them, and the unlink step.

Rows move as plain tuples in the hot path (an ingest writes millions), and the repository
never sees a number: the service resolves parties to subject references before calling it.
The quarantine of bad lines has its own repository (`adapters.sql.calls.quarantine`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    case,
    func,
    insert,
    or_,
    select,
    text,
    union,
    update,
)

from dataward.adapters.sql.calls import links
from dataward.adapters.sql.calls.tables import calls, ingests
from dataward.adapters.sql.copy import copy_rows
from dataward.adapters.sql.registry.tables import tombstones
from dataward.adapters.sql.unlink import RegisteredStep
from dataward.domain.calls.records import StoredCall
from dataward.domain.calls.telephony import Direction, Disposition
from dataward.services.calls.ports import NewIngest

_KEY_BATCH = 500
_PARTY_COLUMNS = ("caller_ref", "callee_ref", "agent_ref")
CALL_COLUMNS = tuple(c.name for c in calls.columns)
"""The order of a row's values for `SqlCallRepository.add_call_rows`."""
_NAMES = ", ".join(CALL_COLUMNS)
_MARKS = ", ".join("?" * len(CALL_COLUMNS))
_INSERT_CALLS = f"INSERT INTO calls ({_NAMES}) VALUES ({_MARKS})"  # noqa: S608 - the table's own names
_WINDOW_SQLITE = (
    "SELECT source_key FROM calls WHERE tenant_id = ? AND started_at >= ? AND started_at <= ?"
)
_WINDOW_PG = _WINDOW_SQLITE.replace("?", "%s")
_PROBE_PG = (
    "SELECT found.source_key FROM unnest(CAST(%s AS timestamptz[]), CAST(%s AS bytea[])) "
    "AS wanted(started_at, source_key) CROSS JOIN LATERAL (SELECT source_key FROM calls "
    "WHERE calls.tenant_id = %s AND calls.started_at = wanted.started_at "
    "AND calls.source_key = wanted.source_key LIMIT 1) AS found"
)
_MOST_STRETCHES = 16
"""Stretches of a batch looked up by range scans; more, and each call is probed instead."""
_WINDOW = timedelta(minutes=10)
_BULK_CACHE_KIB = 32_768  # 32 MiB: more made the peak grow with the file, not the rate
assert CALL_COLUMNS[2:5] == ("started_at", "answered_at", "ended_at")  # noqa: S101 - _sqlite_row
assert CALL_COLUMNS[19] == "queued_at"  # noqa: S101 - _sqlite_row


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = _EPOCH.replace(tzinfo=None)
_DAY_TEXTS: dict[int, str] = {}


def _sqlite_time(value: datetime | None) -> str | None:
    """`value` as SQLAlchemy's SQLite DateTime writes it (naive UTC, always microseconds), so
    rows written in bulk compare and read back like the rest. A naive `value` is UTC already.

    Hot (three per call written): the text is put together from the day and the second of the
    day, each written once, instead of converting and formatting a datetime per value."""
    if value is None:
        return None
    since = value - (_EPOCH if value.tzinfo is not None else _NAIVE_EPOCH)
    day = _DAY_TEXTS.get(since.days)
    if day is None:
        if len(_DAY_TEXTS) > 100_000:
            _DAY_TEXTS.clear()
        day = _DAY_TEXTS[since.days] = f"{(_NAIVE_EPOCH + timedelta(days=since.days)).date()} "
    return f"{day}{_second_texts()[since.seconds]}.{since.microseconds:06d}"


@cache
def _second_texts() -> tuple[str, ...]:
    """`HH:MM:SS` of every second of a day, made on first use (whole: never seen half made)."""
    return tuple(
        f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
    )


def _stretches(times: list[datetime]) -> Iterator[tuple[datetime, datetime]]:
    """Sorted times cut into (first, last) stretches wherever two are `_WINDOW` apart."""
    if not times:
        return
    low = high = times[0]
    for at in times[1:]:
        if at - high > _WINDOW:
            yield low, high
            low = at
        high = at
    yield low, high


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A bulk row with its four times (started, answered, ended, queued) as SQLite stores
    them: the driver's own adapter would write a local time with its offset, which sorts
    and compares apart from the rest."""
    t = _sqlite_time
    started = t(row[2])
    queued = started if row[19] is row[2] else t(row[19])  # most queue calls: queued at start
    return (row[0], row[1], started, t(row[3]), t(row[4]), *row[5:19], queued, *row[20:])


@dataclass(frozen=True, slots=True)
class IngestRecord:
    id: int
    tenant_id: str
    source: str
    """A neutral label (`file-7.log`), never the file's name."""
    source_digest: bytes | None
    format: str
    actor: str
    started_at: datetime
    finished_at: datetime | None
    calls_read: int
    stored: int
    duplicates: int
    bad: int
    quarantine_key: str | None
    """Before lines had keys of their own: the ingest's key they were sealed under."""
    header_ciphertext: bytes | None
    replay_of: int | None


class SqlCallRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # ingests -------------------------------------------------------------------------------

    def start_ingest(self, new: NewIngest) -> int:
        result = self._connection.execute(
            insert(ingests)
            .values(
                tenant_id=new.tenant_id,
                source=new.source[-255:],
                source_digest=new.source_digest,
                format=new.format,
                actor=new.actor,
                started_at=new.at,
                calls_read=0,
                stored=0,
                duplicates=0,
                bad=0,
                replay_of=new.replay_of,
            )
            .returning(ingests.c.id)
        )
        return int(result.scalar_one())

    def add_ingest_counts(
        self, ingest_id: int, *, calls_read: int, stored: int, duplicates: int, bad: int
    ) -> None:
        self._connection.execute(
            update(ingests)
            .where(ingests.c.id == ingest_id)
            .values(
                calls_read=ingests.c.calls_read + calls_read,
                stored=ingests.c.stored + stored,
                duplicates=ingests.c.duplicates + duplicates,
                bad=ingests.c.bad + bad,
            )
        )

    def label_ingest(self, ingest_id: int, label: str) -> None:
        """Name the ingest by its label once its id is known."""
        self._connection.execute(
            update(ingests).where(ingests.c.id == ingest_id).values(source=label[-255:])
        )

    def ingests_named(self, tenant_id: str, source_digest: bytes) -> list[IngestRecord]:
        """The tenant's ingests of a file whose name has this digest, oldest first."""
        rows = self._connection.execute(
            select(ingests)
            .where(ingests.c.tenant_id == tenant_id, ingests.c.source_digest == source_digest)
            .order_by(ingests.c.id)
        )
        return [_ingest_record(row._mapping) for row in rows]

    def ingests_of(self, tenant_id: str, *, limit: int) -> list[IngestRecord]:
        """The tenant's latest `limit` ingests, newest first."""
        rows = self._connection.execute(
            select(ingests)
            .where(ingests.c.tenant_id == tenant_id)
            .order_by(ingests.c.id.desc())
            .limit(limit)
        )
        return [_ingest_record(row._mapping) for row in rows]

    def finish_ingest(self, ingest_id: int, at: datetime) -> None:
        self._connection.execute(
            update(ingests).where(ingests.c.id == ingest_id).values(finished_at=at)
        )

    def ingest(self, ingest_id: int) -> IngestRecord | None:
        row = self._connection.execute(select(ingests).where(ingests.c.id == ingest_id)).first()
        return _ingest_record(row._mapping) if row is not None else None

    # calls ---------------------------------------------------------------------------------

    def share_tenant(self, tenant_id: str) -> None:
        """Hold the tenant's lock shared to the end of this transaction (PostgreSQL): a sweep
        erasing the tenant's callers waits for this ingest to end, and it for the sweep's
        batch, so neither can miss a call or a tombstone the other has not committed."""
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(
                text("SELECT pg_advisory_xact_lock_shared(:c, :k)"),
                {"c": TENANT_CLASS, "k": tenant_key(tenant_id)},
            )

    def prepare_months(self, months: Iterable[tuple[int, int]]) -> None:
        """Make sure every (year, month) has its partition (PostgreSQL; nothing on SQLite)."""
        if self._connection.dialect.name == "postgresql":
            ensure_month_partitions(self._connection, months)

    def existing_keys(self, tenant_id: str, keys: Sequence[tuple[datetime, bytes]]) -> set[bytes]:
        """Which of these (start, source key) pairs the tenant's store already holds.

        The starts are sorted and cut where they are more than `_WINDOW` apart; each stretch
        is one range scan of the primary key, which leads with the start time. A file in time
        order costs one short scan per batch; one out of order, a seek per call. A key found
        in a stretch is matched on the key alone: the digest already holds the start, and
        comparing times read back in a session's zone would miss the repeated autumn hour.
        On PostgreSQL a batch cut into more than `_MOST_STRETCHES` (calls spread thin, as in a
        history file) is probed pair by pair in one statement, each pair an instant and a key,
        instead of a round trip per stretch.
        """
        wanted = {key for _, key in keys}
        found: set[bytes] = set()
        postgres = self._connection.dialect.name == "postgresql"
        query = _WINDOW_PG if postgres else _WINDOW_SQLITE
        stretches = list(_stretches(sorted(at.astimezone(UTC) for at, _ in keys)))
        cursor = self._connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            if postgres and len(stretches) > _MOST_STRETCHES:
                # calls far apart (a history file): a round trip per stretch would cost more
                # than probing each (start, key) in one statement
                starts, digests = [at for at, _ in keys], [k for _, k in keys]
                cursor.execute(_PROBE_PG, (starts, digests, tenant_id))
                return {bytes(row[0]) for row in cursor.fetchall()}
            for low, high in stretches:
                bounds = (low, high) if postgres else (_sqlite_time(low), _sqlite_time(high))
                cursor.execute(query, (tenant_id, *bounds))
                found.update(
                    k for (k,) in ((bytes(row[0]),) for row in cursor.fetchall()) if k in wanted
                )
        finally:
            cursor.close()
        return found

    def unlink_erased(self, ingest_id: int, *, since: datetime) -> int:
        """Null this ingest's references to subjects shredded since it began (their shred's
        own unlink step ran before these rows were visible to it)."""
        erased = list(
            self._connection.execute(
                select(tombstones.c.subject_id).where(tombstones.c.erased_at >= since)
            ).scalars()
        )
        changed = 0
        for start in range(0, len(erased), _KEY_BATCH):
            chunk = erased[start : start + _KEY_BATCH]
            for party in _PARTY_COLUMNS:  # through each party's index, not a scan
                result = self._connection.execute(
                    update(calls)
                    .where(calls.c[party].in_(chunk), calls.c.ingest_id == ingest_id)
                    .values({party: None})
                )
                changed += int(result.rowcount)
        return changed

    def refresh_statistics(self, months: Iterable[tuple[int, int]]) -> None:
        """After a bulk load, let the planner see the new rows: without statistics PostgreSQL
        combines the tenant's whole key range with a party index, and SQLite has none at all.
        PostgreSQL: ANALYZE each month's partition written to; SQLite: a bounded ANALYZE."""
        if self._connection.dialect.name == "postgresql":
            for year, month in sorted(set(months)):
                self._connection.exec_driver_sql(f"ANALYZE {partition_name(year, month)}")
        else:
            self._connection.exec_driver_sql("PRAGMA analysis_limit=1000")
            self._connection.exec_driver_sql("ANALYZE calls")

    def prepare_bulk(self) -> None:
        """A larger page cache for this connection's bulk writes (SQLite; reset by `end_bulk`)."""
        if self._connection.dialect.name == "sqlite":
            self._connection.exec_driver_sql(f"PRAGMA cache_size=-{_BULK_CACHE_KIB}")

    def end_bulk(self) -> None:
        if self._connection.dialect.name == "sqlite":
            self._connection.exec_driver_sql("PRAGMA cache_size=-2000")

    def add_calls(self, rows: Sequence[StoredCall]) -> None:
        """Stored calls, through the same bulk path as ingest."""
        self.add_call_rows([_call_tuple(row) for row in rows])

    def add_call_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """The bulk path of ingest: rows as tuples in `CALL_COLUMNS` order, written with the
        driver's fastest means (COPY on PostgreSQL, executemany on SQLite)."""
        if not rows:
            return
        driver = self._connection.connection.driver_connection
        if self._connection.dialect.name == "postgresql":
            copy_rows(driver.cursor(), calls, CALL_COLUMNS, rows)  # type: ignore[union-attr]
            return
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(_INSERT_CALLS, [_sqlite_row(row) for row in rows])
        finally:
            cursor.close()

    def linked_calls(self, tenant_id: str, link_keys: Sequence[bytes]) -> dict[bytes, StoredCall]:
        """link key -> the call it belongs to, for the keys the tenant's store holds."""
        found = links.linked_calls(self._connection, tenant_id, link_keys)
        return {key: _stored_call(values) for key, values in found.items()}

    def add_links(
        self, rows: Sequence[tuple[str, bytes, datetime, bytes]], *, new: bool = False
    ) -> None:
        """(tenant, link key, call start, call source key); a link already held is kept.
        `new`: every key was looked up in this transaction and not found (`linked_calls`)."""
        links.add_links(self._connection, rows, _sqlite_time, new=new)

    def update_calls(self, rows: Sequence[StoredCall]) -> None:
        """Write the facts of calls already stored (a record joined into them)."""
        links.update_calls(self._connection, rows)

    def calls_of(self, tenant_id: str, subject_id: str) -> list[StoredCall]:
        """Every call of the tenant where the subject is a party, oldest first.

        One indexed query per party column, joined by UNION: a single query with OR would
        make SQLite scan the tenant's calls instead of using the three party indexes.
        """
        parts = [
            select(calls).where(calls.c[party] == subject_id, calls.c.tenant_id == tenant_id)
            for party in _PARTY_COLUMNS
        ]
        rows = self._connection.execute(union(*parts))
        found = [_stored_call(row._mapping) for row in rows]
        return sorted(found, key=lambda call: (call.started_at, call.source_key))

    def count_calls(self, tenant_id: str) -> int:
        return int(
            self._connection.execute(
                select(func.count()).select_from(calls).where(calls.c.tenant_id == tenant_id)
            ).scalar_one()
        )

    def iter_calls(
        self, tenant_id: str, start: datetime | None = None, end: datetime | None = None
    ) -> Iterator[StoredCall]:
        query = select(calls).where(calls.c.tenant_id == tenant_id)
        if start is not None:
            query = query.where(calls.c.started_at >= start)
        if end is not None:
            query = query.where(calls.c.started_at < end)
        # On the statement, not the connection: Connection.execution_options changes the
        # connection in place, and a later INSERT would then run as a server-side cursor.
        result = self._connection.execute(
            query.order_by(calls.c.started_at).execution_options(yield_per=5000)
        )
        for row in result:
            yield _stored_call(row._mapping)


TENANT_CLASS = int.from_bytes(b"dwtn", "big", signed=True)
"""The first half of a tenant's advisory lock key: an ingest holds it shared, the retention
sweep's erasure of the tenant's callers exclusively (PostgreSQL)."""


def tenant_key(tenant_id: str) -> int:
    digest = hashlib.blake2b(tenant_id.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def ensure_month_partitions(connection: Connection, months: Iterable[tuple[int, int]]) -> None:
    """Create `calls_YYYY_MM` for each month missing, serialised by an advisory lock."""
    wanted = sorted(set(months))
    if not wanted:
        return
    existing = {
        row[0]
        for row in connection.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'calls' "
                "AND p.relnamespace = to_regnamespace(current_schema())::oid"
            )
        )
    }
    missing = [(y, m) for y, m in wanted if partition_name(y, m) not in existing]
    if not missing:
        return
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('dataward.calls.partitions'))"))
    for year, month in missing:
        start = datetime(year, month, 1, tzinfo=UTC)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
        # Identifiers and bounds are built from integers only, so nothing can be injected.
        statement = (
            f"CREATE TABLE IF NOT EXISTS {partition_name(year, month)} PARTITION OF calls "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
        connection.execute(text(statement))


def partition_name(year: int, month: int) -> str:
    return f"calls_{year:04d}_{month:02d}"


def _call_tuple(call: StoredCall) -> tuple[Any, ...]:
    """A stored call as a bulk row: its fields are the table's columns, in their order."""
    values = [getattr(call, name) for name in CALL_COLUMNS]
    values[CALL_COLUMNS.index("direction")] = call.direction.value
    values[CALL_COLUMNS.index("disposition")] = call.disposition.value
    return tuple(values)


def _ingest_record(row: Any) -> IngestRecord:
    values = dict(row)
    for name in ("source_digest", "header_ciphertext"):
        if values[name] is not None:
            values[name] = bytes(values[name])
    return IngestRecord(**values)


def _stored_call(row: Any) -> StoredCall:
    values = dict(row)
    values["source_key"] = bytes(values["source_key"])
    values["direction"] = Direction(values["direction"])
    values["disposition"] = Disposition(values["disposition"])
    values["caller_withheld"] = bool(values["caller_withheld"])
    values["callee_withheld"] = bool(values["callee_withheld"])
    return StoredCall(**values)


def _unlink_calls(connection: Connection, subject_id: str, _at: datetime) -> int:
    """Shredding: the subject's calls stay (they are the tenant's records) without the link.

    One statement for the three party columns: on PostgreSQL each statement is planned over
    every monthly partition (the party is not the partition key), so three would cost three
    times. Returns how many calls were unlinked."""
    linked = [calls.c[party] == subject_id for party in _PARTY_COLUMNS]
    result = connection.execute(
        update(calls)
        .where(or_(*linked))
        .values(
            {
                party: case((calls.c[party] == subject_id, None), else_=calls.c[party])
                for party in _PARTY_COLUMNS
            }
        )
    )
    return int(result.rowcount)


UNLINK = RegisteredStep("calls", _unlink_calls, ("calls",))
