"""Anonymous rollups of queue calls, kept as calls land so reports outlive the calls.

Each queue call adds to its tenant's and queue's tally (`domain.acd.Tally`, additive, with no
subject reference) in five grains:

- `hour`: the UTC hour (`2026-03-29T01Z`), for hourly reports on any clock;
- `day`: the tenant's local date (`2026-03-29`), also summed into ISO weeks;
- `month`: the local month (`2026-03`);
- `hod`: the local month and hour of day (`2026-03/09`), for hour-of-day profiles;
- `dow`: the local month and weekday (`2026-03/7-Sun`), for day-of-week profiles.

Calls are first tallied per UTC hour, then each hour's tally is merged into the local grains,
so the zone arithmetic is done once per hour of calls, not once per call. That is exact for
every zone whose offset is whole hours (all of the UK and Europe); in a zone with a half-hour
offset a call's local day and hour are those of the start of its UTC hour.

Erasing a caller or deleting raw calls by retention leaves the rollups as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from dataward.domain.acd import Period, Tally, period_key
from dataward.domain.calls import StoredCall
from dataward.services.ports import UnitOfWork

Cell = tuple[str, str, str]
"""(queue, grain, bucket)."""


class Grain(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    HOUR_OF_DAY = "hod"
    DAY_OF_WEEK = "dow"


def hour_bucket(hour: int) -> str:
    """The `hour` grain's bucket for an hour counted from the epoch (UTC)."""
    return datetime.fromtimestamp(hour * 3600, UTC).strftime("%Y-%m-%dT%HZ")


def hour_of_bucket(bucket: str) -> datetime:
    return datetime.strptime(bucket, "%Y-%m-%dT%HZ").replace(tzinfo=UTC)


def local_buckets(hour: int, zone: ZoneInfo) -> dict[Grain, str]:
    """The buckets of the local grains that an hour (from the epoch, UTC) falls in."""
    at = datetime.fromtimestamp(hour * 3600, UTC)
    month = period_key(at, Period.MONTH, zone)
    return {
        Grain.DAY: period_key(at, Period.DAY, zone),
        Grain.MONTH: month,
        Grain.HOUR_OF_DAY: f"{month}/{period_key(at, Period.HOUR_OF_DAY, zone)}",
        Grain.DAY_OF_WEEK: f"{month}/{period_key(at, Period.DAY_OF_WEEK, zone)}",
    }


def tally_by_grain(calls: Iterable[StoredCall], zone: ZoneInfo) -> dict[Cell, Tally]:
    """The queue calls among `calls` tallied into every grain's cells."""
    hourly: dict[tuple[str, int], Tally] = {}
    for call in calls:
        if call.queue is None:
            continue
        key = (call.queue, int(call.started_at.timestamp()) // 3600)
        tally = hourly.get(key)
        if tally is None:
            tally = hourly[key] = Tally()
        tally.add(call.disposition, call.wait_s, call.talk_s, call.ring_s)
    cells: dict[Cell, Tally] = {}
    locals_of: dict[int, dict[Grain, str]] = {}
    for (queue, hour), tally in hourly.items():
        cells[(queue, Grain.HOUR.value, hour_bucket(hour))] = tally
        buckets = locals_of.get(hour)
        if buckets is None:
            buckets = locals_of[hour] = local_buckets(hour, zone)
        for grain, bucket in buckets.items():
            cell = (queue, grain.value, bucket)
            merged = cells.get(cell)
            if merged is None:
                merged = cells[cell] = Tally()
            merged.merge(tally)
    return cells


def add_to_rollups(
    uow: UnitOfWork, tenant_id: str, zone: ZoneInfo, calls: Iterable[StoredCall]
) -> int:
    """Add the queue calls among `calls` to the tenant's rollups; returns how many cells."""
    delta = tally_by_grain(calls, zone)
    if not delta:
        return 0
    stored = uow.rollups.for_update(tenant_id, delta)
    merged: dict[Cell, Tally] = {}
    for cell, tally in delta.items():
        if cell in stored:
            stored[cell].merge(tally)
            merged[cell] = stored[cell]
        else:
            merged[cell] = tally
    uow.rollups.save(tenant_id, merged, set(stored))
    return len(delta)
