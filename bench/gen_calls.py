"""Realistic telephony files for benchmarks: one tenant's queue calls, deterministic and streamed.

    python -m bench.gen_calls --format asterisk-queue-log --calls 1000000 --out /tmp/q.log \
        [--numbers 500000] [--queues 50] [--days 730] [--seed 20261125]

The tenant (issue: ingest benchmarks): `calls` inbound queue calls over `days` days ending on
2026-10-31 (UTC days), more of them 9-17 on weekdays (Europe/London hours) and a slow growth
over the period; callers drawn from `numbers` distinct UK numbers with a heavy tail (a Zipf-like
law, weight `1 / (i + 20) ** 1.1` for the i-th number: at the defaults the top caller rings
about 78k times, a thousand numbers ring over a thousand times each and the median number two or
three times; 440k of the 500k numbers are used by 10M calls); about 3% of calls withheld;
`queues` queues (some busier), each answered by a pool of 40 of the 300 agents (extensions
2000-2299; pools overlap). About 85% of calls are answered by an agent, 10% abandoned (a third
of those within 5 s), 5% leave by the queue's timeout (overflow); 15% ring one or two agents
who do not answer first.

The calls are the same for a seed whatever the format (one stream of draws, made in one order),
so every format of a run reports the same `GenStats`, and a benchmark can compare parsers on
the same tenant. Formats, each imitating the samples in shared/samples:

- `asterisk-queue-log`: ENTERQUEUE, then CONNECT + COMPLETECALLER / COMPLETEAGENT, ABANDON or
  EXITWITHTIMEOUT (with RINGNOANSWER lines before, in milliseconds); each call's lines together
  and in order, calls in the order they entered (the file is not in time order line by line).
- `asterisk-cdr-csv`: cdr_csv Master.csv with loguniqueid, loguserfield and newcdrcolumns (21
  columns), one row per call (a single leg: lastapp `Queue`, lastdata `queue,t,,,timeout`),
  local (Europe/London) times; a call the agents did not answer is `NO ANSWER`.
- `freeswitch-cdr-csv`: mod_cdr_csv "example" template (15 columns, every field quoted),
  context `public`, version-1 uuids as FreeSWITCH writes them, local times.
- `broadworks-csv`: accounting CSV, 273 columns (field N in column N), one Terminating record
  per call with userId (121) the agent (the call centre's own id when nobody answered, as on
  a call centre's record) and callCenterUserId (273) the queue; stamps `YYYYMMDDhhmmss.mmm` at
  the userTimeZone offset (11) of the call's start.

Caller numbers (`number_of`): the 1,000 heaviest callers are Ofcom's drama mobile block 07700
900000-900999; the rest are mobiles 074/075/078/079 + 8 scrambled digits (possible numbers
that may also be allocated ones: never dial them), one in five written in E.164 (+447...).
Withheld callers are `anonymous` in queue_log, an empty src with clid `"Anonymous" <anonymous>`
in cdr_csv, `anonymous` in FreeSWITCH and `Private` presentation in BroadWorks.

Memory is flat in `calls`: the per-number tables (about 40 MB at 500k numbers), a time table of
86,400 strings and a write buffer; the distinct numbers used are counted in a bytearray. On a
2-CPU box, 1M calls take about 7 s as queue_log (10M: 65 s, 75 MB) and 9-10 s in the CSV formats.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

__all__ = ["FORMATS", "GenStats", "Workload", "generate", "main", "number_of"]

FORMATS = ("asterisk-queue-log", "asterisk-cdr-csv", "freeswitch-cdr-csv", "broadworks-csv")
SEED = 20261125
END = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())  # the period ends with 2026-10-31
LONDON = ZoneInfo("Europe/London")

AGENTS = 300
FIRST_EXTENSION = 2000
POOL = 40  # agents answering each queue (pools overlap)
ZIPF_EXPONENT = 1.1
ZIPF_OFFSET = 20  # flattens the very top: number 0 rings ~1.05x number 1, not 2x
WITHHELD = 0.03
ANSWERED = 0.85
ABANDONED = 0.10  # the rest (5%) leave by the queue's timeout
SHORT_ABANDON = 0.3  # share of abandons within 5 s
TIMEOUTS = (120, 180, 240, 300, 600)  # seconds, by queue
MAX_WAIT = 3600
MAX_TALK = 4 * 3600
_DRAMA = 1000  # 07700 900000-900999
_MOBILE_PREFIXES = ("078", "079", "075", "074")
_SCRAMBLE = 73_939_133  # odd, not a multiple of 5: a bijection of 8-digit numbers
_MAX_NUMBERS = _DRAMA + len(_MOBILE_PREFIXES) * 100_000_000
_UUID_EPOCH = 0x01B21DD213814000  # 1582-10-15 to 1970-01-01 in 100 ns ticks

# Calls by Europe/London hour on a weekday, and by day of the week (Monday first).
HOURLY = (
    0.02,
    0.01,
    0.01,
    0.01,
    0.01,
    0.02,
    0.05,
    0.15,
    0.55,
    1.0,
    1.15,
    1.1,
    0.95,
    0.9,
    1.0,
    1.05,
    0.95,
    0.7,
    0.35,
    0.2,
    0.12,
    0.08,
    0.05,
    0.03,
)
DAILY = (1.15, 1.0, 1.0, 0.95, 0.9, 0.3, 0.12)
GROWTH = (0.8, 1.2)  # relative volume at the start and at the end of the period

_DEPARTMENTS = (
    "sales",
    "support",
    "billing",
    "accounts",
    "renewals",
    "claims",
    "bookings",
    "complaints",
    "technical",
    "returns",
)
_VARIANTS = ("", "-priority", "-welsh", "-callback", "-business")
_FLUSH = 4096  # calls per write


@dataclass(slots=True)
class GenStats:
    """What a run wrote: calls and lines, distinct caller numbers shown, outcomes."""

    format: str = ""
    calls: int = 0
    lines: int = 0
    distinct_numbers: int = 0
    answered: int = 0
    abandoned: int = 0
    overflow: int = 0
    withheld: int = 0


def number_of(i: int) -> str:
    """The i-th caller number (0 = the heaviest caller), as the files write it."""
    if not 0 <= i < _MAX_NUMBERS:
        raise ValueError(f"caller index {i} out of range")
    if i < _DRAMA:
        return f"07700900{i:03d}"
    k = i - _DRAMA
    prefix = _MOBILE_PREFIXES[k % 4]
    national = f"{prefix}{(k // 4 * _SCRAMBLE + 12_345_678) % 100_000_000:08d}"
    return "+44" + national[1:] if k % 5 == 2 else national


def queue_name(q: int) -> str:
    """The q-th queue's name: 50 department names, then numbered ones."""
    base = _DEPARTMENTS[q % 10] + _VARIANTS[q // 10 % 5]
    return base if q < 50 else f"{base}-{q // 50}"


def _e164(number: str) -> str:
    return "+44" + number[1:] if number[0] == "0" else number


# A call, as the generator yields it (a tuple: a class would cost time at 10M calls):
# (seq, enter epoch, number index, withheld, queue, outcome, wait s, ring s, talk s, agent,
#  rings ((offset s, agent, ms), ...), completed by the caller, position)
_Rings = tuple[tuple[int, int, int], ...]
_Row = tuple[int, int, int, bool, int, int, int, int, int, int, _Rings, bool, int]
_NO_RINGS: _Rings = ()
ANSWER, ABANDON, OVERFLOW = 0, 1, 2


def _cumulative(weights: Iterable[float]) -> tuple[list[float], float]:
    """Running sums for `bisect(sums, random() * total)`; the last is infinite so that a draw
    rounded up to the total still lands on the last entry."""
    sums = list(itertools.accumulate(weights))
    total = sums[-1]
    sums[-1] = math.inf
    return sums, total


class _Tenant:
    """Everything precomputed for a run: callers, queues, agents, and the calls per hour."""

    def __init__(self, *, calls: int, numbers: int, queues: int, days: int) -> None:
        self.numbers = [number_of(i) for i in range(numbers)]
        weights = ((i + ZIPF_OFFSET) ** -ZIPF_EXPONENT for i in range(numbers))
        self.number_cum, self.number_total = _cumulative(weights)
        self.queues = [queue_name(q) for q in range(queues)]
        self.queue_cum, self.queue_total = _cumulative((q + 1) ** -0.8 for q in range(queues))
        self.timeouts = [TIMEOUTS[q % len(TIMEOUTS)] for q in range(queues)]
        self.pool_start = [q * AGENTS // queues for q in range(queues)]
        self.start = END - days * 86_400
        slots = days * 24
        self.offsets: list[int] = []  # Europe/London UTC offset by hour from the start
        weights_by_slot: list[float] = []
        for slot in range(slots + 48 + (MAX_WAIT + MAX_TALK) // 3600):
            moment = datetime.fromtimestamp(self.start + slot * 3600, LONDON)
            offset = moment.utcoffset()
            self.offsets.append(int(offset.total_seconds()) if offset else 0)
            if slot < slots:
                trend = GROWTH[0] + (GROWTH[1] - GROWTH[0]) * slot / slots
                weights_by_slot.append(HOURLY[moment.hour] * DAILY[moment.weekday()] * trend)
        total = sum(weights_by_slot)
        self.bounds = [0]
        for running in itertools.accumulate(weights_by_slot):
            self.bounds.append(min(calls, int(calls * running / total)))
        self.bounds[-1] = calls


def _moments(tenant: _Tenant, draw: Callable[[], float]) -> Iterator[int]:
    """The calls' entry epochs in order: each hour's share of the calls at random seconds."""
    bounds, start = tenant.bounds, tenant.start
    for slot in range(len(bounds) - 1):
        count = bounds[slot + 1] - bounds[slot]
        if count:
            base = start + slot * 3600
            yield from sorted([base + int(draw() * 3600) for _ in range(count)])


def _missed(draw: Callable[[], float], pool: int, misses: float) -> _Rings:
    """1 or 2 agents of the pool rung without answer: (offset s, agent, ring ms) each."""
    found = []
    offset = 0
    for _ in range(1 if misses < 0.12 else 2):
        other = (pool + int(draw() * POOL)) % AGENTS
        ms = 15_000 if draw() < 0.75 else 1_000 + int(draw() * 14_000)
        found.append((offset + ms // 1000, other, ms))
        offset += ms // 1000 + 5  # the member's retry delay
    return tuple(found)


def _unanswered(draw: Callable[[], float], pick: float, timeout: int) -> tuple[int, int]:
    """The outcome and wait of a call nobody answered: abandoned (some at once) or overflow."""
    if pick >= ANSWERED + ABANDONED:
        return OVERFLOW, timeout
    if draw() < SHORT_ABANDON:
        return ABANDON, int(draw() * 5)
    return ABANDON, min(MAX_WAIT, 5 + int(-70.0 * math.log(1.0 - draw())))


def _calls(tenant: _Tenant, rng: random.Random, stats: GenStats) -> Iterator[_Row]:
    """The calls, in order of entering their queue, counting the outcomes into `stats`."""
    draw, gauss, log, exp = rng.random, rng.gauss, math.log, math.exp
    number_cum, queue_cum = tenant.number_cum, tenant.queue_cum
    number_total, queue_total = tenant.number_total, tenant.queue_total
    timeouts, pool_start = tenant.timeouts, tenant.pool_start
    seen = bytearray(len(number_cum))
    tally = [0, 0, 0]  # by outcome
    withheld_calls = 0
    seq = -1
    for seq, t in enumerate(_moments(tenant, draw)):
        n = bisect(number_cum, draw() * number_total)
        withheld = draw() < WITHHELD
        if withheld:
            withheld_calls += 1
        else:
            seen[n] = 1
        q = bisect(queue_cum, draw() * queue_total)
        pick = draw()
        position = 1 + int(-2.0 * log(1.0 - draw()))
        agent = (pool_start[q] + int(draw() * POOL)) % AGENTS
        ring = 1 + int(draw() * 12)
        talk = 1 + int(exp(4.9 + 0.8 * gauss()))
        talk = MAX_TALK if talk > MAX_TALK else talk
        by_caller = draw() < 0.55
        misses = draw()
        rings = _missed(draw, pool_start[q], misses) if misses < 0.15 else _NO_RINGS
        if pick < ANSWERED:
            outcome = ANSWER
            wait = min(MAX_WAIT, int(-25.0 * log(1.0 - draw())))
            rung = ring + (rings[-1][0] + 5 if rings else 0)  # the misses ring first
            wait = rung if wait < rung else wait
        else:
            outcome, wait = _unanswered(draw, pick, timeouts[q])
            if rings:
                rings = tuple(r for r in rings if r[0] < wait)
        tally[outcome] += 1
        yield (
            seq,
            t,
            n,
            withheld,
            q,
            outcome,
            wait,
            ring,
            talk,
            agent,
            rings,
            by_caller,
            position,
        )
    stats.calls = seq + 1
    stats.answered, stats.abandoned, stats.overflow = tally
    stats.withheld = withheld_calls
    stats.distinct_numbers = seen.count(1)


class _LocalClock:
    """Epoch seconds as Europe/London wall-clock text, from per-day and per-second tables."""

    def __init__(self, tenant: _Tenant, *, date: str, clock: str) -> None:
        start, offsets = tenant.start, tenant.offsets
        first = start // 86_400 - 1
        days = [
            datetime.fromtimestamp((first + d) * 86_400, UTC).strftime(date)
            for d in range(len(offsets) // 24 + 3)
        ]
        times = [clock.format(h=s // 3600, m=s // 60 % 60, s=s % 60) for s in range(86_400)]

        def offset(epoch: int) -> int:
            return offsets[(epoch - start) // 3600]

        def text(epoch: int) -> str:
            local = epoch + offsets[(epoch - start) // 3600]
            return days[local // 86_400 - first] + times[local % 86_400]

        def text_at(epoch: int, offset: int) -> str:
            local = epoch + offset
            return days[local // 86_400 - first] + times[local % 86_400]

        self.offset, self.text, self.text_at = offset, text, text_at


Writer = Callable[[Iterator[_Row], _Tenant, TextIO], int]


def _queue_log(calls: Iterator[_Row], tenant: _Tenant, out: TextIO) -> int:
    numbers, queues = tenant.numbers, tenant.queues
    members = [
        ("PJSIP/{}", "SIP/{}", "PJSIP/{}", "Local/{}@from-queue/n")[a % 4].format(
            FIRST_EXTENSION + a
        )
        for a in range(AGENTS)
    ]
    buffer: list[str] = []
    lines = 0
    for row in calls:
        seq, t, n, withheld, q, outcome, wait, ring, talk, agent, rings, by_caller, pos = row
        call_id = f"{t}.{2 * seq}"
        head = f"|{call_id}|{queues[q]}|"
        buffer.append(
            f"{t}{head}NONE|ENTERQUEUE||{'anonymous' if withheld else numbers[n]}|{pos}\n"
        )
        for offset, other, ms in rings:
            buffer.append(f"{t + offset}{head}{members[other]}|RINGNOANSWER|{ms}\n")
        lines += 2 + len(rings)
        if outcome == ANSWER:
            member = members[agent]
            answer = t + wait
            end = "COMPLETECALLER" if by_caller else "COMPLETEAGENT"
            buffer.append(
                f"{answer}{head}{member}|CONNECT|{wait}|{answer - ring}.{2 * seq + 1}|{ring}\n"
                f"{answer + talk}{head}{member}|{end}|{wait}|{talk}|{pos}\n"
            )
            lines += 1
        else:
            event = "ABANDON" if outcome == ABANDON else "EXITWITHTIMEOUT"
            now = max(1, pos - wait // 45)
            buffer.append(f"{t + wait}{head}NONE|{event}|{now}|{pos}|{wait}\n")
        if len(buffer) >= _FLUSH:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    return lines


def _cdr_csv(calls: Iterator[_Row], tenant: _Tenant, out: TextIO) -> int:
    numbers, queues, timeouts = tenant.numbers, tenant.queues, tenant.timeouts
    clock = _LocalClock(tenant, date="%Y-%m-%d ", clock="{h:02d}:{m:02d}:{s:02d}")
    text = clock.text
    devices = [("PJSIP/{}-", "SIP/{}-")[a % 2].format(FIRST_EXTENSION + a) for a in range(AGENTS)]
    trunks = ("PJSIP/trunk-gamma-", "PJSIP/trunk-bt-")
    dialled = [f"{6000 + q}" for q in range(len(queues))]
    data = [f'"{name},t,,,{timeouts[q]}"' for q, name in enumerate(queues)]
    sources = [f'"{number}"' for number in numbers]
    clids = [f'"""{number}"" <{number}>"' for number in numbers]
    anonymous = '"""Anonymous"" <anonymous>"'
    buffer: list[str] = []
    lines = 0
    for row in calls:
        seq, t, n, withheld, q, outcome, wait, _, talk, agent, _, _, _ = row
        unique = f'"{t}.{2 * seq}"'
        src, clid = ('""', anonymous) if withheld else (sources[n], clids[n])
        start = text(t)
        channel = f"{trunks[seq % 2]}{2 * seq:08x}"
        if outcome == ANSWER:
            answer = t + wait
            buffer.append(
                f'"",{src},"{dialled[q]}","ext-queues",{clid},"{channel}",'
                f'"{devices[agent]}{2 * seq + 1:08x}","Queue",{data[q]},"{start}",'
                f'"{text(answer)}","{text(answer + talk)}",{wait + talk},{talk},"ANSWERED",'
                f'"DOCUMENTATION",{unique},"","",{unique},{seq}\n'
            )
        else:
            buffer.append(
                f'"",{src},"{dialled[q]}","ext-queues",{clid},"{channel}","","Queue",'
                f'{data[q]},"{start}","","{text(t + wait)}",{wait},0,"NO ANSWER","DOCUMENTATION",'
                f'{unique},"","",{unique},{seq}\n'
            )
        lines += 1
        if len(buffer) >= _FLUSH:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    return lines


def _uuid(t: int, seq: int, clock_seq: int) -> str:
    """A version-1 uuid as FreeSWITCH writes them: unique per (second, seq mod 10M)."""
    ticks = t * 10_000_000 + seq % 10_000_000 + _UUID_EPOCH
    return (
        f"{ticks & 0xFFFFFFFF:08x}-{ticks >> 32 & 0xFFFF:04x}-{ticks >> 48 & 0x0FFF | 0x1000:04x}"
        f"-{clock_seq:04x}-9dd79410affb"
    )


def _freeswitch(calls: Iterator[_Row], tenant: _Tenant, out: TextIO) -> int:
    numbers = tenant.numbers
    clock = _LocalClock(tenant, date="%Y-%m-%d ", clock="{h:02d}:{m:02d}:{s:02d}")
    text = clock.text
    dialled = [f'"0113496{q:04d}","public"' for q in range(len(tenant.queues))]
    callers = [f'"{number}","{number}"' for number in numbers]
    anonymous = '"Anonymous","anonymous"'
    causes = {ABANDON: "ORIGINATOR_CANCEL", OVERFLOW: "NO_ANSWER"}
    buffer: list[str] = []
    lines = 0
    for row in calls:
        seq, t, n, withheld, q, outcome, wait, _, talk, _, _, _, _ = row
        caller = anonymous if withheld else callers[n]
        start = text(t)
        if outcome == ANSWER:
            answer = t + wait
            buffer.append(
                f'{caller},{dialled[q]},"{start}","{text(answer)}","{text(answer + talk)}",'
                f'"{wait + talk}","{talk}","NORMAL_CLEARING","{_uuid(t, seq, 0x97A0)}",'
                f'"{_uuid(t, seq, 0x97A1)}","","PCMA","PCMA"\n'
            )
        else:
            buffer.append(
                f'{caller},{dialled[q]},"{start}","","{text(t + wait)}","{wait}","0",'
                f'"{causes[outcome]}","{_uuid(t, seq, 0x97A0)}","","","PCMA","PCMA"\n'
            )
        lines += 1
        if len(buffer) >= _FLUSH:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    return lines


_BROADWORKS_WIDTH = 273


def _broadworks(calls: Iterator[_Row], tenant: _Tenant, out: TextIO) -> int:
    numbers, queues = tenant.numbers, tenant.queues
    clock = _LocalClock(tenant, date="%Y%m%d", clock="{h:02d}{m:02d}{s:02d}")
    text, offset_of = clock.text_at, clock.offset
    zones = {0: "0+0000", 3600: "1+0100"}
    users = [f"+44113496{q:04d}" for q in range(len(queues))]
    centres = [f"{name}@example.test" for name in queues]
    agents = [f"{FIRST_EXTENSION + a}@example.test" for a in range(AGENTS)]
    e164 = [_e164(number) for number in numbers]
    gap_15_121 = "," * (121 - 15)  # fields 16..120 empty
    gap_123_273 = "," * (273 - 123)  # fields 124..272 empty
    buffer: list[str] = []
    lines = 0
    for row in calls:
        seq, t, n, withheld, q, outcome, wait, _, talk, agent, _, _, _ = row
        offset = offset_of(t)
        ms = f".{seq * 37 % 1000:03d}"
        start = text(t, offset) + ms
        user = users[q]
        caller = f"{e164[n]},Private" if withheld else f"{e164[n]},Public"
        if outcome == ANSWER:
            answer = t + wait
            rest = f"Yes,{text(answer, offset)}{ms},{text(answer + talk, offset)}{ms},016"
            user_id = agents[agent]
        else:
            cause = "016" if outcome == ABANDON else "019"
            rest = f"No,,{text(t + wait, offset)}{ms},{cause}"
            user_id = centres[q]
        buffer.append(
            f"{seq:011d}B07A5A5{start[:14]},sp-dataward-bench,Normal,{user},+441134960000,"
            f"Terminating,{caller},{user},{start},{zones[offset]},{rest}{gap_15_121}"
            f"{user_id},,{gap_123_273}{centres[q]}\n"
        )
        lines += 1
        if len(buffer) >= _FLUSH:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    return lines


_WRITERS: dict[str, Writer] = {
    "asterisk-queue-log": _queue_log,
    "asterisk-cdr-csv": _cdr_csv,
    "freeswitch-cdr-csv": _freeswitch,
    "broadworks-csv": _broadworks,
}


@dataclass(frozen=True, slots=True)
class Workload:
    """What to generate: `calls` calls from `numbers` caller numbers into `queues` queues over
    the `days` days before `END`, drawn from `seed`."""

    calls: int
    numbers: int = 500_000
    queues: int = 50
    days: int = 730
    seed: int = SEED


def generate(fmt: str, out: TextIO, workload: Workload) -> GenStats:
    """Write the workload's calls of the tenant in format `fmt` to `out`; what was written."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    calls, numbers, queues, days = workload.calls, workload.numbers, workload.queues, workload.days
    if calls < 0 or not 0 < numbers <= _MAX_NUMBERS or queues < 1 or days < 1:
        raise ValueError("calls >= 0, numbers, queues and days >= 1 (numbers <= 400,001,000)")
    if fmt == "broadworks-csv" and queues > 10_000:
        raise ValueError("broadworks-csv numbers at most 10,000 queues")
    tenant = _Tenant(calls=calls, numbers=numbers, queues=queues, days=days)
    stats = GenStats(format=fmt)
    stats.lines = writer(_calls(tenant, random.Random(workload.seed), stats), tenant, out)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--numbers", type=int, default=500_000)
    parser.add_argument("--queues", type=int, default=50)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    begin = time.perf_counter()
    with args.out.open("w", encoding="utf-8", newline="", buffering=1 << 20) as out:
        workload = Workload(args.calls, args.numbers, args.queues, args.days, args.seed)
        stats = generate(args.format, out, workload)
    seconds = time.perf_counter() - begin
    print(
        f"{args.out}: {stats.calls:,} calls, {stats.lines:,} lines, "
        f"{stats.distinct_numbers:,} distinct numbers, {stats.answered:,} answered, "
        f"{stats.abandoned:,} abandoned, {stats.overflow:,} overflow, "
        f"{stats.withheld:,} withheld, in {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
