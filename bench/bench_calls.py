"""Call-store benchmarks (issue 4): ingest a file, every call of one subject, an ACD report.

Goals, at 10M calls (the issue's tenant: 10M queue calls over 730 days from 500k numbers), each
printed beside a baseline measured in the same run, with the ratio:

1. Ingest end to end from a file (`bench.gen_calls`, detected format, `file_source` + the
   `ingest` service, in one child process per file): at least 120k calls/s on SQLite, 200k/s
   on PostgreSQL, and at least 10x the baseline of a naive per-row pipeline over the first
   `--baseline-calls` calls of the same file (`bench.callstore.naive_ingest`: DictReader or
   split lines, `phonenumbers` on every row, every party looked up by blind index on every row,
   one ORM add + flush per call). Peak RSS of the ingesting process at most 300 MB, and flat:
   the same for N/10 and N calls (`getrusage(RUSAGE_CHILDREN).ru_maxrss`, Linux KiB; the small
   file goes first because that figure is the largest child's so far).
2. Every call of one subject among the N calls, numbers opened through the gate
   (`calls_of_subject` as the tenant's admin, over `--samples` random callers): p99 <= 2 ms,
   against the baseline of the same calls by an unindexed scan of `calls` plus decrypting the
   subject's number (a few samples).
3. ACD report by queue x hour of day over the N calls (`acd_report`, from the rollups):
   at most 0.5 s, against the baseline of one SQL GROUP BY over the raw calls (hours in UTC on
   SQLite, Europe/London on PostgreSQL).

    python -m bench.bench_calls [--calls 10000000] [--backend sqlite|postgresql] [--pg-url URL]
        [--keep DIR] [--format asterisk-cdr-csv|asterisk-queue-log] [--baseline-calls 20000]
        [--samples 300] [--numbers N]

The file keeps the density of the issue's tenant at any `--calls`: days = 730 * N / 10M (at
least 1) and, unless `--numbers` is given, 500k numbers * N / 10M (at least 1,000). Below 10M
calls the figures are indicative and the met? column judges them against the 10M goals. Each
store is a fresh SQLite file (or a fresh schema of `--pg-url`) with a SQLite key store, in a
temporary folder, or in `--keep DIR`, which is then left in place (with the schemas). Unknown
flags are ignored, so `bench/run.py` can pass flags meant for other benchmarks.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.callstore import (
    DEFAULT_PG_URL,
    TENANT,
    Store,
    days_for,
    naive_ingest,
    numbers_for,
    prefix_file,
    sample_callers,
    sql_acd,
    unindexed_calls_of,
)
from bench.gen_calls import Workload, generate
from bench.timing import Timing, measure, report
from dataward.adapters.ingest.files import file_source
from dataward.domain.calls.acd import Period
from dataward.domain.processing.gate import Gate
from dataward.domain.subjects import Actor
from dataward.services.calls.access import calls_of_subject
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.reports import AcdReport, ReadAcdReport, ReportBy, acd_report

OPERATOR = Actor(id="bench", role="operator")
ADMIN = Actor(id="admin", role="tenant_admin", tenant_id=TENANT)
FORMATS = ("asterisk-cdr-csv", "asterisk-queue-log")
GOAL_RATE = {"sqlite": 120_000, "postgresql": 200_000}
GOAL_RATIO = 10
GOAL_RSS_MB = 300
FLAT = 1.25  # peak at N over peak at N/10, at most
GOAL_P99_S = 0.002
GOAL_REPORT_S = 0.5
SAMPLE_BUDGET_S = 300  # the look-ups stop sampling after this long (at least 20 samples)
HERE = Path(__file__).parent


@dataclass(frozen=True)
class Ingested:
    calls: int
    stored: int
    subjects: int
    seconds: float
    rss_kib: int  # RUSAGE_CHILDREN after this child: the largest child's so far
    own_kib: int  # the child's own RUSAGE_SELF at its end
    setup_kib: int  # ... and before ingesting (interpreter, imports, store)

    @property
    def rate(self) -> float:
        return self.stored / self.seconds


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    baseline: str
    ratio: float
    goal: str
    met: bool


def _mb(kib: int) -> str:
    return f"{kib / 1024:.0f} MB"


def _rate(rate: float) -> str:
    return f"{rate:,.0f}/s"


def _seconds(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms" if seconds < 1 else f"{seconds:.2f} s"


def child(args: argparse.Namespace) -> int:
    """Ingest one file into an existing store and print what it took, as JSON on stdout."""
    store = Store.attach(args.child_db, args.child_keys, Path(args.child_key_file))
    path = Path(args.child)
    setup = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    begin = time.perf_counter()
    done = ingest(store.use_case(OPERATOR), IngestCalls(TENANT, [file_source(path)]))
    seconds = time.perf_counter() - begin
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store.close(keep=True)
    print(
        json.dumps(
            {
                "calls": done.calls_read,
                "stored": done.stored,
                "subjects": done.subjects_created,
                "seconds": seconds,
                "own_kib": own,
                "setup_kib": setup,
                "format": done.formats.get(str(path)),
            }
        )
    )
    return 0


def ingest_in_child(store: Store, path: Path, fmt: str) -> Ingested:
    command = [
        sys.executable,
        "-m",
        "bench.bench_calls",
        "--child",
        str(path),
        "--child-db",
        store.database_url,
        "--child-keys",
        store.keystore_url,
        "--child-key-file",
        str(store.key_file),
    ]
    done = subprocess.run(  # noqa: S603 - our own module, our own arguments
        command, cwd=HERE.parent, check=True, stdout=subprocess.PIPE, text=True
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    if out["format"] != fmt:
        raise RuntimeError(f"{path.name} was read as {out['format']}, not {fmt}")
    return Ingested(
        calls=out["calls"],
        stored=out["stored"],
        subjects=out["subjects"],
        seconds=out["seconds"],
        rss_kib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        own_kib=out["own_kib"],
        setup_kib=out["setup_kib"],
    )


def make_file(folder: Path, fmt: str, calls: int, numbers: int | None) -> Path:
    path = folder / f"calls-{calls}.{'csv' if fmt == 'asterisk-cdr-csv' else 'log'}"
    days, numbers = days_for(calls), numbers or numbers_for(calls)
    begin = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="", buffering=1 << 20) as out:
        stats = generate(fmt, out, Workload(calls, numbers=numbers, queues=50, days=days))
    print(
        f"generated {calls:,} calls over {days} day(s) from {numbers:,} numbers "
        f"({stats.distinct_numbers:,} used, {stats.withheld:,} withheld): "
        f"{path.stat().st_size / 1e6:,.1f} MB in {time.perf_counter() - begin:.1f} s",
        flush=True,
    )
    return path


def figure_ingest(
    args: argparse.Namespace, folder: Path, stores: list[Store]
) -> tuple[list[Row], Store]:
    """Figure 1; the rows for the summary, and the store holding the N calls."""

    def store(name: str) -> Store:
        stores.append(Store.create(folder, name, backend=args.backend, pg_url=args.pg_url))
        return stores[-1]

    n, fmt = args.calls, args.format
    small_n = max(1, n // 10)
    small_file = make_file(folder, fmt, small_n, args.numbers and max(1, args.numbers // 10))
    big_file = make_file(folder, fmt, n, args.numbers)
    runs = []
    for size, path, name in ((small_n, small_file, "small"), (n, big_file, "main")):
        main = store(name)
        run = ingest_in_child(main, path, fmt)
        runs.append(run)
        print(
            f"pipeline, {size:,} calls: {run.stored:,} stored, {run.subjects:,} subjects created, "
            f"in {run.seconds:.2f} s: {_rate(run.rate)}; peak RSS {_mb(run.rss_kib)} "
            f"(the child's own {_mb(run.own_kib)}, {_mb(run.setup_kib)} before ingesting)",
            flush=True,
        )
    small, big = runs
    limit = min(args.baseline_calls, n)
    prefix = folder / f"prefix-{limit}{big_file.suffix}"
    prefix_file(big_file, prefix, fmt, limit)
    base = store("baseline")
    begin = time.perf_counter()
    written, created = naive_ingest(base, prefix, fmt, limit=limit)
    base_rate = written / (time.perf_counter() - begin)
    same = store("prefix")
    begin = time.perf_counter()
    done = ingest(same.use_case(OPERATOR), IngestCalls(TENANT, [file_source(prefix)]))
    same_rate = done.stored / (time.perf_counter() - begin)
    ratio = big.rate / base_rate
    print(
        f"  baseline naive per-row pipeline, first {written:,} calls ({created:,} subjects "
        f"created): {_rate(base_rate)}\n"
        f"  ratio pipeline/baseline: {ratio:.3g}x (goal: >= {GOAL_RATIO}x, and "
        f">= {_rate(GOAL_RATE[args.backend])} on {args.backend}); like for like, the pipeline "
        f"on the same {done.stored:,} calls in this process: {_rate(same_rate)}, "
        f"{same_rate / base_rate:.3g}x",
        flush=True,
    )
    growth = big.rss_kib / small.rss_kib
    print(
        f"  peak RSS at {n:,} over {small_n:,} calls: {growth:.2f}x "
        f"(goal: <= {GOAL_RSS_MB} MB, flat)",
        flush=True,
    )
    rows = [
        Row(
            "ingest from a file",
            _rate(big.rate),
            _rate(base_rate),
            ratio,
            f">= {GOAL_RATE[args.backend] // 1000}k/s, >= {GOAL_RATIO}x",
            big.rate >= GOAL_RATE[args.backend] and ratio >= GOAL_RATIO,
        ),
        Row(
            "peak RSS at N (baseline: N/10)",
            _mb(big.rss_kib),
            _mb(small.rss_kib),
            growth,
            f"<= {GOAL_RSS_MB} MB, flat",
            big.rss_kib <= GOAL_RSS_MB * 1024 and growth <= FLAT,
        ),
    ]
    return rows, main


def figure_calls_of(args: argparse.Namespace, main: Store) -> Row:
    gate = Gate(main.register)
    picks = sample_callers(main, args.samples)
    counts: dict[str, int] = {}

    def calls_of(subject_id: str) -> None:
        views = calls_of_subject(
            main.use_case(ADMIN), gate, tenant_id=TENANT, subject_id=subject_id
        )
        counts[subject_id] = len(views)

    for subject_id in picks[:3]:  # warm-up, as `measure` does
        calls_of(subject_id)
    subject = Timing(f"calls_of_subject through the gate, {args.calls:,} calls", [])
    began = time.perf_counter()
    for subject_id in picks:
        start = time.perf_counter()
        calls_of(subject_id)
        subject.samples.append(time.perf_counter() - start)
        if time.perf_counter() - began > SAMPLE_BUDGET_S and len(subject.samples) >= 20:
            print(f"  (stopped after {len(subject.samples)} samples: {SAMPLE_BUDGET_S} s budget)")
            break
    few = itertools.cycle(picks[: max(1, min(5, len(picks)))])
    baseline = measure(
        "unindexed scan of calls + decrypt the number",
        lambda: unindexed_calls_of(main, next(few)),
        repeat=max(1, min(5, len(picks))),
        warmup=1,
    )
    report(subject, baseline, goal=f"p99 <= {GOAL_P99_S * 1000:.0f} ms at 10M")
    sizes = sorted(counts.values())
    print(
        f"  calls of the {len(sizes)} sampled callers: median {statistics.median(sizes):g}, "
        f"p99 {Timing('', [float(s) for s in sizes]).percentile(99):g}, max {sizes[-1]:,}",
        flush=True,
    )
    p99, base_p99 = subject.percentile(99), baseline.percentile(99)
    return Row(
        "calls of one subject, p99",
        _seconds(p99),
        _seconds(base_p99),
        base_p99 / p99,
        f"<= {GOAL_P99_S * 1000:.0f} ms",
        p99 <= GOAL_P99_S,
    )


def figure_report(args: argparse.Namespace, main: Store) -> Row:
    def rollups() -> AcdReport:
        command = ReadAcdReport(TENANT, by=ReportBy.QUEUE, period=Period.HOUR_OF_DAY)
        return acd_report(main.use_case(OPERATOR), command)

    last: dict[str, Any] = {}
    subject = measure(
        f"ACD report queue x hour of day, {args.calls:,} calls",
        lambda: last.update(cells=rollups().cells),
        repeat=5,
        warmup=1,
    )
    baseline = measure(
        "one SQL GROUP BY over the raw calls"
        + (" (UTC hours)" if args.backend == "sqlite" else ""),
        lambda: last.update(rows=sql_acd(main)),
        repeat=3,
        warmup=1,
    )
    report(subject, baseline, goal=f"<= {GOAL_REPORT_S} s at 10M")
    cells, rows = last["cells"], last["rows"]
    ours = [sum(c.metrics.offered for c in cells if c.metrics), len(cells)]
    theirs = [sum(r.offered for r in rows), len(rows)]
    print(
        f"  {ours[1]:,} cells from {ours[0]:,} calls; the GROUP BY: {theirs[1]:,} cells from "
        f"{theirs[0]:,} calls" + (" (same totals)" if ours[0] == theirs[0] else " (DIFFERENT)"),
        flush=True,
    )
    return Row(
        "ACD queue x hour of day, median",
        _seconds(subject.median),
        _seconds(baseline.median),
        baseline.median / subject.median,
        f"<= {GOAL_REPORT_S} s",
        subject.median <= GOAL_REPORT_S,
    )


def _versus(ratio: float, *, growth: bool = False) -> str:
    if growth:
        return f"{ratio:.2f}x N/10"
    return f"{ratio:.3g}x faster" if ratio >= 1 else f"{1 / ratio:.3g}x slower"


def summary(args: argparse.Namespace, rows: list[Row]) -> None:
    print(f"-- summary: {args.backend}, {args.format}, {args.calls:,} calls")
    widths = (32, 12, 12, 14, 22)
    head = ("figure", "value", "baseline", "vs baseline", "goal (at 10M)")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  met?")
    for row in rows:
        versus = _versus(row.ratio, growth=row.figure.startswith("peak RSS"))
        cells = (row.figure, row.value, row.baseline, versus, row.goal)
        line = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        print(f"{line}  {'yes' if row.met else 'no'}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--keep", type=Path, help="keep the files (and schemas) in this folder")
    parser.add_argument("--format", choices=FORMATS, default=FORMATS[0])
    parser.add_argument("--baseline-calls", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--numbers", type=int, help="distinct caller numbers (default: scaled)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-db", help=argparse.SUPPRESS)
    parser.add_argument("--child-keys", help=argparse.SUPPRESS)
    parser.add_argument("--child-key-file", help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args(argv)  # run.py passes every benchmark's flags
    return args


def main() -> int:
    args = parse()
    if args.child:
        return child(args)
    keep = args.keep is not None
    if keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        if any(args.keep.iterdir()):
            raise SystemExit(f"--keep {args.keep}: the folder must be empty (or new)")
    stores: list[Store] = []
    with tempfile.TemporaryDirectory(prefix="bench-calls-") as scratch:
        folder = args.keep if keep else Path(scratch)
        print(f"-- {args.backend}, {args.format}, {args.calls:,} calls, in {folder}", flush=True)
        try:
            rows, main_store = figure_ingest(args, folder, stores)
            rows.append(figure_calls_of(args, main_store))
            rows.append(figure_report(args, main_store))
        finally:
            for store in stores:
                store.close(keep=keep)
        summary(args, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
