"""Retention benchmark: sweeping a tenant's expired calls, against a row-by-row DELETE of the
same calls in the same run, on SQLite and PostgreSQL.

The issue's requirement: "Sweep of a tenant's expired calls: goal >= 1M rows/s on PostgreSQL
(partition removal) and >= 150k rows/s on SQLite; baseline a row-by-row DELETE in the same run."

    python -m bench.bench_retention [--rows 1000000] [--months 26]
        [--backend sqlite|postgresql|both] [--pg-url URL] [--shared] [--batch 5000]

Each backend gets two identical stores (a SQLite file, or a fresh PostgreSQL schema): `--rows`
calls of one tenant (13-month call retention), spread evenly over the `--months` months before
the benchmark's day, each with its link row, written through the call store's bulk path (no
subjects: the figure is the calls'). About (months - 13) / months of them are past retention.

1. The sweep: `sweep_retention` for the tenant (`services.retention.sweep`), timed from its call
   to its return (the calls, their links, the evidence and the audit entry committed): calls
   removed per second. On PostgreSQL the months wholly past retention go as whole partitions, the
   month across the bound row by row.
2. The baseline, on the other store: the same calls found by one query, then deleted one
   statement per call by primary key (and each call's links by theirs), in one transaction, with
   the driver's `executemany`: calls removed per second.

With `--shared` a second tenant, with a 20-year retention, gets as many calls in the same months
(so no month holds one tenant only, and PostgreSQL deletes rows instead of dropping tables): the
figure of a partition shared by tenants. Unknown flags are ignored (`bench/run.py`).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.callstore import AT, DEFAULT_PG_URL, TENANT, Store, ensure_database
from bench.timing import Row, faster, summary
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.domain.register.model import Duration
from dataward.domain.retention.cutoff import first_kept_day, start_of
from dataward.domain.subjects import Actor
from dataward.services.retention.sweep import BATCH, SweepRetention, sweep_retention

BACKENDS = ("sqlite", "postgresql")
DCO = Actor(id="bench-dco", role="dco")
OTHER = "bench-other"
GOALS = {"sqlite": 150_000, "postgresql": 1_000_000}
_CHUNK = 50_000


@dataclass(frozen=True)
class Swept:
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _rows(tenant: str, n: int, months: int, seed: int) -> list[tuple[Any, ...]]:
    """`n` calls of `tenant` in CALL_COLUMNS order, evenly over `months` months before AT, in
    the order of their starts: a PBX's files arrive day after day, so a store's rows lie
    roughly in time order (a row store keeps them in that order on disk)."""
    draw = random.Random(seed)
    span = months * 30.44 * 86_400
    rows: list[tuple[Any, ...]] = []
    for i in range(n):
        start = AT - timedelta(seconds=draw.random() * span)
        end = start + timedelta(seconds=60 + draw.random() * 600)
        key = draw.getrandbits(128).to_bytes(16, "big")
        rows.append(
            (tenant, key, start, start, end, "inbound", "answered", f"q{i % 20}", 5.0, 2.0,
             120.0, None, None, None, False, False, 1, "asterisk-cdr-csv", 1, start, 1)
        )  # fmt: skip
    rows.sort(key=lambda row: row[2])  # as ingests land them: file after file, in time order
    return rows


def _fill(store: Store, rows: list[tuple[Any, ...]]) -> None:
    months = {(r[2].year, r[2].month) for r in rows}
    with SqlUnitOfWork(store.engine) as uow:
        uow.calls.prepare_months(months)
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i : i + _CHUNK]
            uow.calls.add_call_rows(chunk)
            uow.calls.add_links([(r[0], r[1], r[2], r[1]) for r in chunk])
        uow.commit()
    with store.engine.begin() as connection:
        connection.execute(text("ANALYZE"))  # a store in use has its statistics


def _store(folder: Path, name: str, args: argparse.Namespace, backend: str) -> Store:
    store = Store.create(folder, name, backend=backend, pg_url=args.pg_url)
    _fill(store, _rows(TENANT, args.rows, args.months, seed=1))
    if args.shared:
        with SqlUnitOfWork(store.engine) as uow:
            tenant = uow.tenants.get(TENANT)
            assert tenant is not None  # noqa: S101 - made by Store.create
            uow.tenants.add(replace(tenant, id=OTHER, call_retention="P20Y"))
            uow.commit()
        _fill(store, _rows(OTHER, args.rows, args.months, seed=2))
    return store


def sweep(store: Store, batch: int) -> Swept:
    begin = time.perf_counter()
    command = SweepRetention(tenant_id=TENANT, batch_size=batch)
    records = sweep_retention(store.use_case(DCO), command)
    seconds = time.perf_counter() - begin
    return Swept(records[0].removed, seconds)


def row_by_row(store: Store, bound_rows: int) -> Swept:
    """The same calls, found once, deleted one statement per call (and per link)."""
    bound = _bound(store)
    begin = time.perf_counter()
    with store.engine.begin() as connection:
        keys = connection.execute(
            text(
                "SELECT started_at, source_key FROM calls WHERE tenant_id = :t "
                "AND started_at < :b AND (ended_at IS NULL OR ended_at < :b)"
            ),
            {"t": TENANT, "b": bound},
        ).all()
        params = [{"t": TENANT, "s": s, "k": k} for s, k in keys]
        connection.execute(
            text("DELETE FROM calls WHERE tenant_id = :t AND started_at = :s AND source_key = :k"),
            params,
        )
        connection.execute(
            text(
                "DELETE FROM call_links WHERE tenant_id = :t AND started_at = :s "
                "AND source_key = :k"
            ),
            params,
        )
    seconds = time.perf_counter() - begin
    if len(keys) != bound_rows:
        raise RuntimeError(f"the baseline found {len(keys)} calls, the sweep removed {bound_rows}")
    return Swept(len(keys), seconds)


def _bound(store: Store) -> object:
    """The start of the first day the tenant's 13 months keep, as the store compares times."""
    day = first_kept_day(store.clock.now().date(), Duration.parse("P13M"))
    bound = start_of(day)
    if store.backend == "sqlite":  # as the store writes times
        return bound.replace(tzinfo=None).isoformat(" ") + ".000000"
    return bound


def bench_backend(args: argparse.Namespace, backend: str, folder: Path) -> list[Row]:
    label = "shared months" if args.shared else "one tenant's months"
    print(f"-- {backend}: {args.rows:,} calls over {args.months} months ({label})", flush=True)
    ours, theirs = _store(folder, f"sweep-{backend}", args, backend), None
    try:
        theirs = _store(folder, f"rowwise-{backend}", args, backend)
        done = sweep(ours, args.batch)
        print(f"  sweep: {done.rows:,} calls in {done.seconds:.2f} s: {done.rate:,.0f} rows/s")
        base = row_by_row(theirs, done.rows)
        print(
            f"  row-by-row DELETE: {base.rows:,} in {base.seconds:.2f} s: {base.rate:,.0f} rows/s"
        )
    finally:
        ours.close(keep=False)
        if theirs is not None:
            theirs.close(keep=False)
    goal = GOALS[backend]
    figure = "sweep of expired calls" + (" (shared months)" if args.shared else "")
    return [
        Row(
            backend,
            figure,
            f"{done.rate:,.0f} rows/s",
            f"{base.rate:,.0f} rows/s",
            faster(done.seconds / max(done.rows, 1), base.seconds / max(base.rows, 1)),
            f">= {goal:,} rows/s",
            done.rate >= goal,
        )
    ]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=26)
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--shared", action="store_true")
    parser.add_argument("--batch", type=int, default=BATCH, help="the sweep's batch size")
    args, _unknown = parser.parse_known_args(argv)
    return args


def main() -> int:
    args = parse()
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    if "postgresql" in backends:
        ensure_database(args.pg_url)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-retention-") as scratch:
        for backend in backends:
            rows += bench_backend(args, backend, Path(scratch))
    summary(f"retention sweep, {args.rows:,} calls over {args.months} months", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
