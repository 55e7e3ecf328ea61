"""Rights benchmarks: an access package, and an erasure end to end, in a large call store.

Goals, each printed beside a baseline measured in the same run, with the ratio:

1. Access package of a caller with 1,000 calls in a store of N calls (10M in the issue):
   `fulfil_access` end to end as the tenant's admin (collect through the gate, render the ZIP,
   seal it under the subject's key, issue the single-use link, complete the request with its
   letter queued), median <= 200 ms. One fresh caller and request per sample, so no sample
   reads the requests, audit or links of another. Baseline (`rightsstore.naive_access`): the
   same caller's calls found by a full scan of `calls` (SQLite `NOT INDEXED`; PostgreSQL with
   index and bitmap scans off), each of its identifiers decrypted, and the same ZIP rendered
   from them (its other, small datasets taken as collected). It does less than the subject
   (no gate decisions, audit, seal, link or completion), so the ratio understates the gain.
2. Erasure end to end (`fulfil_erasure` as the tenant's admin): median <= 50 ms at N calls,
   and flat in store size: the median at N over the median at `--small-calls`, at most 1.25.
   The subjects are the tenant's callers, each with a phone number and 20 calls: the whole
   path runs (suppression of the number, every store's unlink step including the calls,
   identifiers and record deleted, tombstone, audit, key destroyed, write-ahead logs purged,
   the request completed with its letter queued), and the calls are what grows with the
   store. (A marketing contact has no calls: its erasure could not tell flat from not.)
   Callers and requests are prepared untimed in both stores; only the `fulfil_erasure` call
   is timed, once per subject, the two stores' samples alternating (a busy moment of a shared
   machine then falls on both figures alike). Baseline (`rightsstore.naive_erase`): the calls
   unlinked by one UPDATE that scans every row of `calls`, then identifiers, record and key
   deleted (a few samples per store).

    python -m bench.bench_rights [--calls 10000000] [--small-calls 100000]
        [--backend sqlite|postgresql] [--pg-url URL] [--samples 50] [--access-samples 20]
        [--audit-entries 0] [--keep DIR]

Each store is a fresh SQLite file (or a fresh schema of `--pg-url`) with a SQLite key store,
filled by `rightsstore.fill_calls` (the database's own row generator: N calls over two years
from a pool of 500k callers and 200 agents); `--audit-entries` first appends that many audit
entries about other subjects (the access package reads the subject's entries from the log).
Unknown flags are ignored, so `bench/run.py` can pass flags meant for other benchmarks.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from bench.callstore import DEFAULT_PG_URL, TENANT, Store
from bench.rightsstore import (
    ADMIN,
    BASE_URL,
    HOLIDAYS,
    fill_audit,
    fill_calls,
    make_callers,
    naive_access,
    naive_erase,
    working_request,
)
from bench.timing import Timing, report
from dataward.adapters.documents.subject_export import render_export
from dataward.domain.processing.gate import Gate
from dataward.domain.requests.package import SubjectPackage
from dataward.domain.requests.workflow import RequestType
from dataward.services.calls.access import calls_of_subject
from dataward.services.context import UseCase
from dataward.services.rights.access import fulfil_access
from dataward.services.rights.delivery import Delivery
from dataward.services.rights.erasure import fulfil_erasure

T = TypeVar("T")
ACCESS_CALLS = 1000
ERASURE_CALLS = 20
GOAL_ACCESS_S = 0.200
GOAL_ERASURE_S = 0.050
FLAT = 1.25
WARMUP = 3
BASELINE_SAMPLES = 3


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    baseline: str
    versus: str
    goal: str
    met: bool


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _faster(subject: float, baseline: float) -> str:
    ratio = baseline / subject
    return f"{ratio:.3g}x faster" if ratio >= 1 else f"{1 / ratio:.3g}x slower"


def _timed(name: str, calls: list[Callable[[], object]], warmup: int) -> Timing:
    """Each call once, in order; the first `warmup` are not kept."""
    timing = Timing(name, [])
    for index, call in enumerate(calls):
        start = time.perf_counter()
        call()
        if index >= warmup:
            timing.samples.append(time.perf_counter() - start)
    return timing


def _append_len(out: list[int], call: Callable[[Store, T], bytes], store: Store, on: T) -> None:
    out.append(len(call(store, on)))


def _append(out: list[int], call: Callable[[Store, T], int], store: Store, on: T) -> None:
    out.append(call(store, on))


def build(args: argparse.Namespace, folder: Path, name: str, n: int) -> Store:
    store = Store.create(folder, name, backend=args.backend, pg_url=args.pg_url)
    begin = time.perf_counter()
    fill_calls(store, n)
    if args.audit_entries:
        fill_audit(store, args.audit_entries)
    print(
        f"store {name}: {n:,} calls"
        + (f", {args.audit_entries:,} audit entries" if args.audit_entries else "")
        + f", filled in {time.perf_counter() - begin:.1f} s",
        flush=True,
    )
    return store


def figure_access(args: argparse.Namespace, store: Store) -> Row:
    count = WARMUP + args.access_samples
    begin = time.perf_counter()
    callers = make_callers(store, "access", count, ACCESS_CALLS)
    gate = Gate(store.register)
    requests = []
    for number, subject_id in enumerate(callers):
        # an earlier read of the caller's calls, so the audit dataset is not empty
        calls_of_subject(store.use_case(ADMIN), gate, tenant_id=TENANT, subject_id=subject_id)
        requests.append(working_request(store, RequestType.ACCESS, subject_id, number))
    print(
        f"  prepared {count} callers with {ACCESS_CALLS:,} calls and a working access "
        f"request each in {time.perf_counter() - begin:.1f} s",
        flush=True,
    )
    packages: list[SubjectPackage] = []

    def access(request_id: str) -> Callable[[], object]:
        def call() -> None:
            ctx = UseCase(store.uow(), store.vault, store.clock, HOLIDAYS, store.register, ADMIN)
            done = fulfil_access(ctx, request_id, Delivery(BASE_URL, render_export))
            packages.append(done.package)

        return call

    subject = _timed(
        f"fulfil_access, {ACCESS_CALLS:,} calls of {args.calls:,}",
        [access(r) for r in requests],
        WARMUP,
    )
    sizes = {d.name: len(d.rows) for d in packages[-1].datasets}
    if sizes["calls"] != ACCESS_CALLS or sizes["identifiers"] != 1:
        raise RuntimeError(f"the package is not the caller's: {sizes}")
    picks = packages[: 1 + BASELINE_SAMPLES]
    zips: list[int] = []
    baseline = _timed(
        "full scan of calls + decrypt identifiers + the same ZIP",
        [partial(_append_len, zips, naive_access, store, p) for p in picks],
        1,
    )
    report(subject, baseline, goal=f"median <= {GOAL_ACCESS_S * 1000:.0f} ms at 10M")
    print(f"  package datasets: {sizes}; naive ZIP {zips[-1]:,} bytes", flush=True)
    return Row(
        f"access package, {ACCESS_CALLS:,} calls",
        _ms(subject.median),
        _ms(baseline.median),
        _faster(subject.median, baseline.median),
        f"<= {GOAL_ACCESS_S * 1000:.0f} ms",
        subject.median <= GOAL_ACCESS_S,
    )


@dataclass
class Erasures:
    """One store's erasure samples: prepared requests, then timings and outcomes."""

    store: Store
    calls: int
    requests: list[str]
    others: list[str]  # callers for the baseline, with no request
    erased: list[dict[str, int]]
    timing: Timing

    def erase(self, request_id: str) -> float:
        start = time.perf_counter()
        store = self.store
        ctx = UseCase(store.uow(), store.vault, store.clock, HOLIDAYS, store.register, ADMIN)
        result = fulfil_erasure(ctx, UUID(request_id))
        seconds = time.perf_counter() - start
        self.erased.append(dict(result.erased, key_destroyed=int(result.key_destroyed)))
        return seconds


def prepare_erasures(args: argparse.Namespace, store: Store, n: int) -> Erasures:
    """`WARMUP + --samples` callers with 20 calls and a working erasure request each."""
    count = WARMUP + args.samples
    begin = time.perf_counter()
    callers = make_callers(store, "erasure", count, ERASURE_CALLS)
    requests = [
        working_request(store, RequestType.ERASURE, s, 1000 + i) for i, s in enumerate(callers)
    ]
    others = make_callers(store, "baseline", 1 + BASELINE_SAMPLES, ERASURE_CALLS)
    print(
        f"  prepared {count} callers with {ERASURE_CALLS} calls and a working erasure "
        f"request each in {time.perf_counter() - begin:.1f} s",
        flush=True,
    )
    timing = Timing(f"fulfil_erasure, {ERASURE_CALLS} calls of {n:,}", [])
    return Erasures(store, n, requests, others, [], timing)


def measure_erasures(small: Erasures, big: Erasures) -> Timing:
    """Both stores' erasures, alternately (so a busy moment of the machine falls on both
    alike), then each store's naive baseline; the big store's baseline."""
    for index, (one, two) in enumerate(zip(small.requests, big.requests, strict=True)):
        for sample, request_id in ((small, one), (big, two)):
            seconds = sample.erase(request_id)
            if index >= WARMUP:
                sample.timing.samples.append(seconds)
    baselines = []
    for sample in (small, big):
        if (
            sample.erased[-1].get("calls") != ERASURE_CALLS
            or not sample.erased[-1]["key_destroyed"]
        ):
            raise RuntimeError(f"the erasure did not erase the caller: {sample.erased[-1]}")
        unlinked: list[int] = []
        baseline = _timed(
            f"naive erasure (full scan UPDATE of calls), {sample.calls:,} calls",
            [partial(_append, unlinked, naive_erase, sample.store, s) for s in sample.others],
            1,
        )
        if unlinked[-1] != ERASURE_CALLS:
            raise RuntimeError(f"the naive erasure unlinked {unlinked[-1]} calls")
        report(sample.timing, baseline, goal=f"median <= {GOAL_ERASURE_S * 1000:.0f} ms, flat")
        baselines.append(baseline)
    print(f"  erased (last sample): {big.erased[-1]}", flush=True)
    return baselines[-1]


def erasure_rows(
    args: argparse.Namespace, small: Timing, subject: Timing, baseline: Timing
) -> list[Row]:
    growth = subject.median / small.median
    print(
        f"erasure median at {args.calls:,} over {args.small_calls:,} calls: {growth:.2f}x "
        f"(p99 {subject.percentile(99) / small.percentile(99):.2f}x; goal: <= {FLAT}x)",
        flush=True,
    )
    return [
        Row(
            f"erasure, {ERASURE_CALLS} calls",
            _ms(subject.median),
            _ms(baseline.median),
            _faster(subject.median, baseline.median),
            f"<= {GOAL_ERASURE_S * 1000:.0f} ms",
            subject.median <= GOAL_ERASURE_S,
        ),
        Row(
            f"erasure at N / {args.small_calls // 1000:,}k calls",
            _ms(subject.median),
            _ms(small.median),
            f"{growth:.2f}x",
            f"<= {FLAT}x (flat)",
            growth <= FLAT,
        ),
    ]


def summary(args: argparse.Namespace, rows: list[Row]) -> None:
    print(f"-- summary: {args.backend}, {args.calls:,} calls (medians)")
    widths = (28, 12, 12, 16, 18)
    head = ("figure", "value", "baseline", "vs baseline", "goal (at 10M)")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + "  met?")
    for row in rows:
        cells = (row.figure, row.value, row.baseline, row.versus, row.goal)
        line = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        print(f"{line}  {'yes' if row.met else 'no'}")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--small-calls", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--samples", type=int, default=50, help="erasures per store size")
    parser.add_argument("--access-samples", type=int, default=20)
    parser.add_argument("--audit-entries", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep the files (and schemas) in this folder")
    args, _unknown = parser.parse_known_args(argv)  # run.py passes every benchmark's flags
    return args


def main() -> int:
    args = parse()
    keep = args.keep is not None
    if keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        if any(args.keep.iterdir()):
            raise SystemExit(f"--keep {args.keep}: the folder must be empty (or new)")
    stores: list[Store] = []
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-rights-") as scratch:
        folder = args.keep if keep else Path(scratch)
        print(
            f"-- {args.backend}, {args.calls:,} calls (small: {args.small_calls:,}), in {folder}",
            flush=True,
        )
        try:
            stores.append(build(args, folder, "small", args.small_calls))
            small = prepare_erasures(args, stores[-1], args.small_calls)
            stores.append(build(args, folder, "main", args.calls))
            rows = [figure_access(args, stores[-1])]
            big = prepare_erasures(args, stores[-1], args.calls)
            baseline = measure_erasures(small, big)
            rows += erasure_rows(args, small.timing, big.timing, baseline)
        finally:
            for store in stores:
                store.close(keep=keep)
        summary(args, rows)
    print(f"(whole run: {time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
