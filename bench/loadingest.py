"""The ingest part of the load test: the same kind of call files ingested by background jobs on
one Celery worker, then on two, on the load test's installation (`bench.load --parts ingest`).

For each round (1 worker, then 2): `--ingest-files` generated queue_log files of
`--ingest-calls` calls each, every file for a different tenant (one tenant's ingests run one
after the other, by design, so only different tenants' can run at once), fresh calls each
round (a seed of their own: nothing is a duplicate); each staged with
`dataward ingest FILE --background`, then that many `dataward worker --queues ingest` processes
started and the jobs awaited. Throughput is the calls stored over the time from the first job's
start to the last one's end, as the jobs record them. The broker is `--broker-url` (RabbitMQ),
its queues named after a prefix of this run's, deleted after.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.gen_calls import SEED, Workload, generate
from bench.loadsetup import ROOT, Installation, dataward

QUEUES = ("ingest", "rights", "outreach", "maintenance")


def _files(setup: Installation, round_no: int, args: argparse.Namespace) -> list[tuple[str, Path]]:
    out = []
    for index, tenant in enumerate(setup.tenants[: args.ingest_files]):
        path = setup.folder / f"ingest-{round_no}-{index}.queue_log"
        seed = SEED + 10_000 * (round_no + 1) + index
        with path.open("w", encoding="utf-8", newline="") as stream:
            generate(
                "asterisk-queue-log", stream, Workload(args.ingest_calls, 50_000, 20, 30, seed)
            )
        out.append((tenant.id, path))
    return out


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dataward", "worker", "--queues", "ingest", "--concurrency", "1"],
        cwd=ROOT,
        env=env | {"DATAWARD_ACTOR_ROLE": "dco"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _round(
    setup: Installation, env: dict[str, str], workers: int, round_no: int, args: argparse.Namespace
) -> dict[str, Any]:
    files = _files(setup, round_no, args)
    jobs = []
    for tenant, path in files:
        out = dataward(
            env, "ingest", str(path), "--tenant", tenant, "--background", "--json", role="operator"
        )
        jobs.append(json.loads(out)[0]["job"])
    print(f"-- ingest: {len(jobs)} job(s) staged; {workers} worker(s) start", flush=True)
    began = time.monotonic()
    processes = [_worker(env) for _ in range(workers)]
    try:
        done = [
            json.loads(dataward(env, "jobs", "wait", job, "--timeout", "3600", "--json"))
            for job in jobs
        ]
    finally:
        for process in processes:
            _stop(process)
    wall = time.monotonic() - began
    for path in (p for _, p in files):
        path.unlink()
    failed = [j["id"] for j in done if j["state"] != "succeeded"]
    if failed:
        raise RuntimeError(f"ingest jobs failed: {failed}")
    start = min(datetime.fromisoformat(j["started_at"]) for j in done)
    end = max(datetime.fromisoformat(j["finished_at"]) for j in done)
    seconds = (end - start).total_seconds()
    stored = sum(int(j["result"]["stored"]) for j in done)
    return {
        "workers": workers,
        "jobs": len(done),
        "calls_stored": stored,
        "seconds": round(seconds, 2),
        "calls_per_second": round(stored / seconds, 1) if seconds > 0 else None,
        "wall_seconds_with_worker_start": round(wall, 2),
    }


def ingest_part(args: argparse.Namespace, setup: Installation) -> dict[str, Any]:
    """One worker, then two, on fresh files of the same size; the table and the ratio."""
    prefix = f"load{uuid.uuid4().hex[:8]}."
    env = setup.env | {
        "DATAWARD_BROKER_URL": args.broker_url,
        "DATAWARD_BROKER_QUEUE_PREFIX": prefix,
    }
    try:
        rows = [_round(setup, env, workers, n, args) for n, workers in enumerate((1, 2))]
    finally:
        _drop_queues(args.broker_url, prefix)
    print(f"{'workers':>8} {'jobs':>5} {'calls':>9} {'seconds':>8} {'calls/s':>9}")
    for row in rows:
        cells = (row["workers"], row["jobs"], row["calls_stored"], row["seconds"])
        print(f"{cells[0]:>8} {cells[1]:>5} {cells[2]:>9} {cells[3]:>8} ", end="")
        print(f"{row['calls_per_second']:>9}")
    one, two = rows[0]["calls_per_second"], rows[1]["calls_per_second"]
    ratio = round(two / one, 2) if one and two else None
    print(f"-- ingest: two workers over one: {ratio}x calls/s", flush=True)
    return {"one_worker": rows[0], "two_workers": rows[1], "two_over_one": ratio}


def _drop_queues(broker_url: str, prefix: str) -> None:
    from kombu import Connection

    with Connection(broker_url) as broker, broker.channel() as channel:
        for queue in QUEUES:
            channel.queue_delete(f"{prefix}{queue}")
            channel.exchange_delete(f"{prefix}{queue}")
