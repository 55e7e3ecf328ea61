"""The load: a bounded asyncio client sending a weighted mix of requests from many tenants.

`concurrency` tasks share one `httpx2.AsyncClient` (as many connections as tasks); each sends
a request, waits for its answer, and sends the next, until `seconds` have passed, so no more
than `concurrency` requests are ever under way. Each request is drawn from the mix by weight,
for a tenant drawn at random, and sent with that tenant's own administrator token:

- `lookup`: `POST /api/v1/subjects/lookup`, one of the tenant's caller numbers, for
  `telephony_reporting` (the caller's subject record; the gate decides and records it);
- `report`: `GET /api/v1/tenants/{id}/reports/acd`, by queue per day over the tenant's month;
- `intake`: `POST /api/v1/requests`, a rights request about the tenant's call data received
  today, with a generated requester's name and address (kept encrypted, its acknowledgement
  queued). Staff intake, not the public form: the form allows each address
  `DATAWARD_PUBLIC_FORM_PER_HOUR` requests an hour and would answer the load with 429s.

Every answer is timed from send to the end of its body. A status other than 2xx is an error,
counted by status; a request that got no answer (refused connection, timeout) is counted as
status 0. Requests under way at the deadline are let finish but not counted.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx2
from faker import Faker

from bench.gen_calls import END
from bench.loadsetup import TenantLoad
from bench.timing import Timing

KINDS = ("lookup", "report", "intake")
DEFAULT_MIX = {"lookup": 6, "report": 3, "intake": 1}
REQUEST_TYPES = ("access", "erasure", "rectification", "portability")  # need no scope
TIMEOUT = 30.0


@dataclass
class Tally:
    """What one kind of request got: its latencies (2xx and not) and its statuses."""

    seconds: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    """Errors by `status code`: the status and the `code` of the API's error shape."""

    def add(self, status: int, seconds: float, code: str | None = None) -> None:
        self.statuses[status] += 1
        self.seconds.append(seconds)
        if code is not None:
            self.codes[f"{status} {code}"] += 1

    @property
    def count(self) -> int:
        return len(self.seconds)

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    @property
    def too_many(self) -> int:
        return self.statuses[429]

    def percentile(self, q: float) -> float:
        return Timing("", self.seconds).percentile(q) if self.seconds else float("nan")


@dataclass
class Result:
    """One server's run: the tally of each kind, the seconds the load lasted, and the CPU
    seconds the client itself spent meanwhile (taken from the machine the servers share)."""

    label: str
    workers: int
    seconds: float
    kinds: dict[str, Tally]
    client_cpu_seconds: float = 0.0

    def overall(self) -> Tally:
        merged = Tally()
        for tally in self.kinds.values():
            merged.seconds.extend(tally.seconds)
            merged.statuses.update(tally.statuses)
            merged.codes.update(tally.codes)
        return merged

    def rate(self, tally: Tally | None = None) -> float:
        return (tally or self.overall()).count / self.seconds if self.seconds else 0.0


def _report_range() -> tuple[str, str]:
    """The month of calls every tenant holds: the days before `gen_calls.END`."""
    last = datetime.fromtimestamp(END, UTC).date() - timedelta(days=1)
    return (last - timedelta(days=29)).isoformat(), last.isoformat()


class Mix:
    """Draws requests: a kind by weight, a tenant at random, and the request's parts."""

    def __init__(self, tenants: tuple[TenantLoad, ...], weights: dict[str, int], seed: int) -> None:
        self.tenants = tenants
        self.kinds = [k for k in KINDS if weights.get(k, 0) > 0]
        self.weights = [weights[k] for k in self.kinds]
        self.random = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.first, self.last = _report_range()

    def draw(self, today: date) -> tuple[str, str, str, dict[str, Any]]:
        """(kind, method, path, keyword arguments for `AsyncClient.request`)."""
        kind = self.random.choices(self.kinds, self.weights)[0]
        tenant = self.random.choice(self.tenants)
        headers = {"Authorization": f"Bearer {tenant.token}"}
        if kind == "lookup":
            body = {
                "type": "phone",
                "value": self.random.choice(tenant.numbers),
                "purpose": "telephony_reporting",
                "tenant_id": tenant.id,
            }
            return kind, "POST", "/api/v1/subjects/lookup", {"json": body, "headers": headers}
        if kind == "report":
            params = {"by": "queue", "period": "day", "from": self.first, "to": self.last}
            path = f"/api/v1/tenants/{tenant.id}/reports/acd"
            return kind, "GET", path, {"params": params, "headers": headers}
        body = {
            "type": self.random.choice(REQUEST_TYPES),
            "received": today.isoformat(),
            "channel": "email",
            "tenant_id": tenant.id,
            "contact_email": self.fake.safe_email(),
            "contact_name": self.fake.name(),
        }
        return kind, "POST", "/api/v1/requests", {"json": body, "headers": headers}


async def _worker(
    client: httpx2.AsyncClient, mix: Mix, deadline: float, kinds: dict[str, Tally]
) -> None:
    today = datetime.now(UTC).date()  # never after the UK's date: intake refuses the future
    while time.perf_counter() < deadline:
        kind, method, path, options = mix.draw(today)
        began = time.perf_counter()
        code = None
        try:
            answer = await client.request(method, path, **options)
            status = answer.status_code
            if not answer.is_success:
                code = _error_code(answer)
        except httpx2.HTTPError as error:
            status, code = 0, type(error).__name__
        ended = time.perf_counter()
        if ended <= deadline:
            kinds[kind].add(status, ended - began, code)


def _error_code(answer: httpx2.Response) -> str:
    """The `code` of the API's one error shape (never its message), or `?`."""
    try:
        code = answer.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return "?"
    return code if isinstance(code, str) else "?"


async def _load(base: str, mix: Mix, seconds: float, concurrency: int) -> dict[str, Tally]:
    kinds = {kind: Tally() for kind in mix.kinds}
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT) as client:
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_worker(client, mix, deadline, kinds) for _ in range(concurrency)))
    return kinds


@dataclass(frozen=True)
class LoadPlan:
    """How long, how many at once, in what mix, and from which seed."""

    seconds: float
    concurrency: int
    weights: dict[str, int]
    seed: int
    warmup: float = 2.0


def warm_up(base: str, tenants: tuple[TenantLoad, ...], plan: LoadPlan) -> None:
    """The mix for `plan.warmup` seconds from another seed, not counted: each process's pool
    and caches filled before the load."""
    if plan.warmup > 0:
        warm = Mix(tenants, plan.weights, plan.seed + 1)
        asyncio.run(_load(base, warm, plan.warmup, plan.concurrency))


def run_load(base: str, tenants: tuple[TenantLoad, ...], plan: LoadPlan, workers: int) -> Result:
    """The load for `plan.seconds`, drawn from the same seed whichever server it is sent to."""
    cpu = time.process_time()
    kinds = asyncio.run(
        _load(base, Mix(tenants, plan.weights, plan.seed), plan.seconds, plan.concurrency)
    )
    cpu = time.process_time() - cpu
    label = f"{workers} worker" + ("s" if workers > 1 else "")
    return Result(label, workers, plan.seconds, kinds, cpu)


def merged(results: list[Result]) -> Result:
    """One server's rounds as one: their tallies joined, their seconds and CPU summed."""
    first = results[0]
    kinds = {kind: Tally() for kind in first.kinds}
    for result in results:
        for kind, tally in result.kinds.items():
            kinds[kind].seconds.extend(tally.seconds)
            kinds[kind].statuses.update(tally.statuses)
            kinds[kind].codes.update(tally.codes)
    seconds = sum(r.seconds for r in results)
    cpu = sum(r.client_cpu_seconds for r in results)
    return Result(first.label, first.workers, seconds, kinds, cpu)
