"""Load test of the API on loopback: `dataward serve --workers N` against one process, in the
same run, under the same mix of look-ups, ACD reports and rights-request intake from many
tenants. Not part of the test suite, nor of `make bench`: `make bench-load`, or

    python -m bench.load [--seconds 20] [--concurrency 32] [--tenants 20] [--workers 4]
        [--calls 5000] [--mix lookup=6,report=3,intake=1] [--rounds 1] [--pool-size 5]
        [--admin-url postgresql+psycopg://postgres@127.0.0.1/] [--database dataward_load]
        [--out load.json] [--parts api,ingest] [--ingest-files 4] [--ingest-calls 20000]
        [--broker-url amqp://guest:guest@127.0.0.1:5672//]

One installation (`bench.loadsetup`): fresh PostgreSQL databases `<database>_<hex>` and
`<database>_<hex>_keys` on the server `--admin-url` names, created at the start and dropped at
the end, filled through the `dataward` command: `--tenants` tenants, each with its own
administrator token and `--calls` generated calls ingested. Then, for the baseline
(`--workers 1`) and the subject (`--workers N`), one after the other on the same data: the
server is started as a process of its own, awaited on `/readyz`, warmed up for two seconds
(not counted) and loaded for `--seconds` by the bounded client of `bench.loadclient`
(`--concurrency` requests at most under way); with `--rounds R`, R loads of each in turns
(1 then N, N then 1, ...), summed per server. Each process keeps at most `--pool-size`
connections to each database (`DATAWARD_DB_POOL_SIZE`), so the subject needs
2 x N x pool-size connections of PostgreSQL's `max_connections`.

Printed per server: requests/s, p50 and p99 latency overall and by kind, and the answers other
than 2xx by status (429s in a column of their own); then the subject's figures over the
baseline's. `--out` writes the same as JSON. The client runs on the same machine as the
servers and takes its own share of the CPU: the figures compare the two servers with each
other, not with another machine's.

`--parts` chooses what is measured: `api` (the above), `ingest` (`bench.loadingest`: call files
ingested by background jobs on one Celery worker, then on two, calls/s; `--ingest-files`,
`--ingest-calls`, `--broker-url`), or both (`--parts api,ingest`). Each part takes the arguments
and the installation and returns its section of the JSON, printing its table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from bench.loadclient import (
    DEFAULT_MIX,
    KINDS,
    LoadPlan,
    Result,
    Tally,
    merged,
    run_load,
    warm_up,
)
from bench.loadingest import ingest_part
from bench.loadsetup import (
    DEFAULT_ADMIN_URL,
    Installation,
    Size,
    database_name,
    make_installation,
    server,
)
from bench.loadwaits import Waits, sampled


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _errors(tally: Tally) -> str:
    """Answers other than 2xx by status, 429 aside: `500x3 0x1`, or `0`."""
    shown = {s: n for s, n in sorted(tally.statuses.items()) if not 200 <= s < 300 and s != 429}
    return " ".join(f"{s}x{n}" for s, n in shown.items()) or "0"


def _row(result: Result, kind: str, tally: Tally) -> tuple[str, ...]:
    return (
        result.label,
        kind,
        str(tally.count),
        f"{result.rate(tally):.1f}",
        _ms(tally.percentile(50)),
        _ms(tally.percentile(99)),
        _errors(tally),
        str(tally.too_many),
    )


def print_table(results: list[Result]) -> None:
    head = ("server", "kind", "requests", "req/s", "p50 ms", "p99 ms", "errors", "429")
    lines: list[tuple[str, ...]] = [head]
    for result in results:
        lines.append(_row(result, "all", result.overall()))
        lines.extend(_row(result, kind, tally) for kind, tally in result.kinds.items())
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for line in lines:
        print(
            "  ".join(
                c.rjust(w) if i > 1 else c.ljust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )


def print_notes(results: list[Result], waits: list[dict[str, float]]) -> None:
    """The client's own share of the CPU, the data database's busy sessions (`loadwaits`), and
    what the errors were (status and the error shape's `code`, by server and kind)."""
    for result, seen in zip(results, waits, strict=True):
        share = result.client_cpu_seconds / result.seconds if result.seconds else 0.0
        sessions = ", ".join(f"{state} {mean:.2f}" for state, mean in seen.items())
        print(f"  {result.label}: client {share:.0%} of a CPU; database sessions {sessions}")
        for kind, tally in result.kinds.items():
            if tally.codes:
                shown = ", ".join(f"{c} x{n}" for c, n in tally.codes.most_common())
                print(f"  {result.label} {kind} errors: {shown}")


def _ratio(subject: float, baseline: float) -> float | None:
    if math.isnan(subject) or math.isnan(baseline) or not baseline:
        return None
    return round(subject / baseline, 3)


def comparison(subject: Result, baseline: Result) -> dict[str, dict[str, float | None]]:
    """The subject's requests/s, p50 and p99 over the baseline's, overall and by kind."""
    pairs = [("all", subject.overall(), baseline.overall())]
    pairs += [(k, subject.kinds[k], baseline.kinds[k]) for k in subject.kinds]
    return {
        kind: {
            "requests_per_second": _ratio(subject.rate(mine), baseline.rate(theirs)),
            "p50": _ratio(mine.percentile(50), theirs.percentile(50)),
            "p99": _ratio(mine.percentile(99), theirs.percentile(99)),
        }
        for kind, mine, theirs in pairs
    }


def print_comparison(subject: Result, baseline: Result) -> None:
    print(f"-- {subject.label} over {baseline.label} (same mix, same data, same run)")
    for kind, ratios in comparison(subject, baseline).items():
        shown = {k: "-" if v is None else f"{v:.2f}x" for k, v in ratios.items()}
        print(
            f"  {kind:<7} requests/s {shown['requests_per_second']:>7}   "
            f"p50 {shown['p50']:>7}   p99 {shown['p99']:>7}"
        )


def _json_ms(tally: Tally, q: float) -> float | None:
    return round(tally.percentile(q) * 1000, 2) if tally.count else None


def _tally_json(result: Result, tally: Tally) -> dict[str, Any]:
    return {
        "requests": tally.count,
        "requests_per_second": round(result.rate(tally), 2),
        "p50_ms": _json_ms(tally, 50),
        "p99_ms": _json_ms(tally, 99),
        "errors": tally.errors,
        "too_many_requests": tally.too_many,
        "statuses": {str(s): n for s, n in sorted(tally.statuses.items())},
        "error_codes": dict(tally.codes.most_common()),
    }


def result_json(result: Result) -> dict[str, Any]:
    return {
        "server": result.label,
        "workers": result.workers,
        "seconds": result.seconds,
        "client_cpu_seconds": round(result.client_cpu_seconds, 2),
        "overall": _tally_json(result, result.overall()),
        "kinds": {k: _tally_json(result, t) for k, t in result.kinds.items()},
    }


def _serve_and_load(
    args: argparse.Namespace, setup: Installation, plan: LoadPlan, workers: int
) -> tuple[Result, Waits]:
    with server(setup, workers=workers, pool_size=args.pool_size) as base:
        print(f"-- loading {workers} worker(s) for {args.seconds:g} s", flush=True)
        warm_up(base, setup.tenants, plan)
        with sampled(setup.admin_url, setup.databases[0]) as seen:
            result = run_load(base, setup.tenants, plan, workers)
    return result, seen


def api_part(args: argparse.Namespace, setup: Installation) -> dict[str, Any]:
    """The mix against `--workers 1` and against `--workers N`, `--rounds` times each, in
    turns (1 then N, then N then 1, ...), so that a machine busier in one half of the run does
    not favour one server; each server's rounds are summed. The table and the ratios."""
    plan = LoadPlan(args.seconds, args.concurrency, args.mix, args.seed)
    runs: dict[int, list[tuple[Result, Waits]]] = {1: [], args.workers: []}
    for turn in range(args.rounds):
        order = (1, args.workers) if turn % 2 == 0 else (args.workers, 1)
        for workers in order:
            runs[workers].append(_serve_and_load(args, setup, plan, workers))
    baseline, subject = (merged([r for r, _ in runs[w]]) for w in (1, args.workers))
    base_waits, subject_waits = (Waits.merged([w for _, w in runs[n]]) for n in runs)
    results, waits = [baseline, subject], [base_waits.mean(), subject_waits.mean()]
    print_table(results)
    print_notes(results, waits)
    print_comparison(subject, baseline)
    return {
        "baseline": result_json(baseline) | {"database_sessions": waits[0]},
        "subject": result_json(subject) | {"database_sessions": waits[1]},
        "subject_over_baseline": comparison(subject, baseline),
    }


DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"

PARTS: dict[str, Callable[[argparse.Namespace, Installation], dict[str, Any]]] = {
    "api": api_part,
    "ingest": ingest_part,
}
"""What a load test can measure, by name; each part returns its section of the JSON."""


def _mix(text: str) -> dict[str, int]:
    weights: dict[str, int] = {}
    for item in text.split(","):
        kind, _, weight = item.partition("=")
        if kind.strip() not in KINDS or not weight.strip().isdigit():
            raise argparse.ArgumentTypeError(f"kind=weight, kinds {', '.join(KINDS)}")
        weights[kind.strip()] = int(weight)
    if not any(weights.values()):
        raise argparse.ArgumentTypeError("at least one weight above 0")
    return weights


def _parts(text: str) -> list[str]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"parts among {', '.join(PARTS)}")
    return parts


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    doc = "\n\n".join(__doc__.split("\n\n")[:2]) if __doc__ else None
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="load per server")
    parser.add_argument("--concurrency", type=int, default=32, help="requests under way at most")
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="the subject's processes")
    parser.add_argument("--calls", type=int, default=5_000, help="generated calls per tenant")
    parser.add_argument("--mix", type=_mix, default=DEFAULT_MIX, help="e.g. lookup=6,report=3")
    parser.add_argument("--rounds", type=int, default=1, help="loads of each server, in turns")
    parser.add_argument("--pool-size", type=int, default=5, help="DATAWARD_DB_POOL_SIZE")
    parser.add_argument("--admin-url", default=DEFAULT_ADMIN_URL, help="a PostgreSQL server")
    parser.add_argument("--database", default="dataward_load", help="prefix of the databases")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument("--parts", type=_parts, default=["api"], help=", ".join(PARTS))
    parser.add_argument("--ingest-files", type=int, default=4, help="ingest: files (tenants)")
    parser.add_argument("--ingest-calls", type=int, default=20_000, help="ingest: calls a file")
    parser.add_argument("--broker-url", default=DEFAULT_BROKER, help="ingest: RabbitMQ")
    args = parser.parse_args(argv)
    if min(args.concurrency, args.tenants, args.workers, args.rounds) < 1 or args.seconds <= 0:
        parser.error("--seconds, --concurrency, --tenants, --workers, --rounds: above 0")
    if args.workers == 1:
        parser.error("--workers: more than 1, to compare with the one-process baseline")
    return args


def machine() -> dict[str, Any]:
    """The CPUs, their model and the load average before the run: the client, the servers and
    PostgreSQL share them (and so does anything else running on the machine)."""
    model = ""
    with suppress(OSError), Path("/proc/cpuinfo").open(encoding="utf-8") as info:
        model = next(
            (line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), ""
        )
    return {"cpus": os.cpu_count(), "model": model, "load_average": list(os.getloadavg())}


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    size = Size(tenants=args.tenants, calls=args.calls)
    name = database_name(args.database)
    box = machine()
    print(
        f"-- machine: {box['cpus']} CPUs ({box['model'] or 'model unknown'}), load average "
        f"{box['load_average'][0]:.2f}; databases {name}, {name}_keys",
        flush=True,
    )
    report: dict[str, Any] = {
        "machine": box,
        "settings": {
            "seconds": args.seconds,
            "concurrency": args.concurrency,
            "tenants": args.tenants,
            "calls_per_tenant": args.calls,
            "workers": args.workers,
            "rounds": args.rounds,
            "pool_size": args.pool_size,
            "mix": args.mix,
        },
    }
    with (
        tempfile.TemporaryDirectory(prefix="dataward-load-") as folder,
        make_installation(args.admin_url, name, Path(folder), size) as setup,
    ):
        for part in args.parts:
            report[part] = PARTS[part](args, setup)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"-- figures written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
