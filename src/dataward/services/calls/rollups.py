"""Anonymous rollups of queue calls, kept as calls land so reports outlive the calls.

Each queue call adds to its tenant's and queue's tally (`domain.calls.acd.Tally`, additive, with no
subject reference) in five grains:

- `hour`: the UTC hour (`2026-03-29T01Z`), for hourly reports on any clock;
- `day`: the tenant's local date (`2026-03-29`), also summed into ISO weeks;
- `month`: the local month (`2026-03`);
- `hod`: the local month and hour of day (`2026-03/09`), for hour-of-day profiles;
- `dow`: the local month and weekday (`2026-03/7-Sun`), for day-of-week profiles;
- `hody` and `dowy`: the same by local year (`2026/09`, `2026/7-Sun`), so a profile over
  years reads a few rows per queue and year instead of a few per queue and month.

Calls are first tallied per UTC hour in memory (`RollupBuffer`), then each hour's tally is
merged into the local grains, so the zone arithmetic is done once per hour of calls. The hour
cells are written at each flush (every `FLUSH_CELLS` of them); the local grains' cells, which
the hours of many flushes touch again (a month, an hour of day, a weekday), are held for the
whole ingest and written once at its end, or whenever more than `LOCAL_CELLS` of them are held
(which bounds the memory). So each cell is read and written about once per ingest, not once
per call or per flush. That is exact for every zone
whose offset is whole hours (all of the UK and Europe); in a zone with a half-hour offset a
call's local day and hour are those of the start of its UTC hour.

Erasing a caller or deleting raw calls by retention leaves the rollups as they were.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from dataward.domain.calls.acd import Period, Tally, period_key
from dataward.domain.calls.correlation import Contribution
from dataward.domain.calls.telephony import RawCall
from dataward.services.ports import UnitOfWork

Cell = tuple[str, str, str]
"""(queue, grain, bucket)."""

FLUSH_CELLS = 2_000
"""Hour cells held in memory before they are written (bounds the buffer's memory)."""

LOCAL_CELLS = 16_000
"""Cells of the local grains held across flushes before they are written (bounds the rest)."""


class Grain(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    HOUR_OF_DAY = "hod"
    DAY_OF_WEEK = "dow"
    HOUR_OF_DAY_BY_YEAR = "hody"
    DAY_OF_WEEK_BY_YEAR = "dowy"


def hour_bucket(hour: int) -> str:
    """The `hour` grain's bucket for an hour counted from the epoch (UTC)."""
    return datetime.fromtimestamp(hour * 3600, UTC).strftime("%Y-%m-%dT%HZ")


def hour_of_bucket(bucket: str) -> datetime:
    return datetime.strptime(bucket, "%Y-%m-%dT%HZ").replace(tzinfo=UTC)


def local_buckets(hour: int, zone: ZoneInfo) -> dict[Grain, str]:
    """The buckets of the local grains that an hour (from the epoch, UTC) falls in."""
    at = datetime.fromtimestamp(hour * 3600, UTC)
    month = period_key(at, Period.MONTH, zone)
    year = month[:4]
    hour_of_day = period_key(at, Period.HOUR_OF_DAY, zone)
    weekday = period_key(at, Period.DAY_OF_WEEK, zone)
    return {
        Grain.DAY: period_key(at, Period.DAY, zone),
        Grain.MONTH: month,
        Grain.HOUR_OF_DAY: f"{month}/{hour_of_day}",
        Grain.DAY_OF_WEEK: f"{month}/{weekday}",
        Grain.HOUR_OF_DAY_BY_YEAR: f"{year}/{hour_of_day}",
        Grain.DAY_OF_WEEK_BY_YEAR: f"{year}/{weekday}",
    }


class RollupBuffer:
    """Queue calls tallied per queue and UTC hour, written to the rollups on `flush`."""

    def __init__(self, tenant_id: str, zone: ZoneInfo) -> None:
        self.tenant_id = tenant_id
        self.zone = zone
        self._hourly: dict[tuple[str, int], Tally] = {}
        self._taken: dict[tuple[str, int], Tally] = {}
        self._locals: dict[int, dict[Grain, str]] = {}
        self._local_added: dict[Cell, Tally] = {}
        self._local_taken: dict[Cell, Tally] = {}

    def __len__(self) -> int:
        return len(self._hourly) + len(self._taken)

    def add(self, queue: str, call: RawCall) -> None:
        """Tally a queue call (`queue`: its name as stored) in its UTC hour."""
        key = (queue, int(call.start.timestamp()) // 3600)  # hot: no Contribution per call
        tally = self._hourly.get(key)
        if tally is None:
            tally = self._hourly[key] = Tally()
        tally.add(call.disposition, call.wait_s, call.talk_s, call.ring_s)

    def add_facts(self, part: Contribution) -> None:
        """Tally a queue call given by its part in the rollups, in the UTC hour it started."""
        self._tally(self._hourly, part)

    def take_back(self, part: Contribution) -> None:
        """Remove exactly what `add_facts` of `part` added (a call whose facts a later record
        replaced), at the next `flush`."""
        self._tally(self._taken, part)

    @staticmethod
    def _tally(hourly: dict[tuple[str, int], Tally], part: Contribution) -> None:
        key = (part.queue, int(part.at.timestamp()) // 3600)
        tally = hourly.get(key)
        if tally is None:
            tally = hourly[key] = Tally()
        tally.add(part.disposition, part.wait_s, part.talk_s, part.ring_s)

    def _hour_cells(
        self, hourly: dict[tuple[str, int], Tally], local: dict[Cell, Tally]
    ) -> dict[Cell, Tally]:
        """The hour grain's cells of `hourly`; its local grains' are merged into `local`."""
        hours: dict[Cell, Tally] = {}
        for (queue, hour), tally in hourly.items():
            hours[(queue, Grain.HOUR.value, hour_bucket(hour))] = tally
            buckets = self._locals.get(hour)
            if buckets is None:
                buckets = self._locals[hour] = local_buckets(hour, self.zone)
            for grain, bucket in buckets.items():
                cell = (queue, grain.value, bucket)
                merged = local.get(cell)
                if merged is None:
                    merged = local[cell] = Tally()
                merged.merge(tally)
        return hours

    def flush(self, uow: UnitOfWork, *, final: bool = False) -> int:
        """Merge the held hour tallies into the stored rollups, in the caller's transaction;
        the local grains too if `final` (the ingest's end) or if too many are held. Returns
        the number of cells written."""
        hours = self._hour_cells(self._hourly, self._local_added)
        taken = self._hour_cells(self._taken, self._local_taken)
        self._hourly.clear()
        self._taken.clear()
        if len(self._locals) > FLUSH_CELLS:
            self._locals.clear()
        written = self._write(uow, hours, taken)
        if final or len(self._local_added) + len(self._local_taken) > LOCAL_CELLS:
            written += self._write(uow, self._local_added, self._local_taken)
            self._local_added, self._local_taken = {}, {}
        return written

    def _write(self, uow: UnitOfWork, delta: dict[Cell, Tally], taken: dict[Cell, Tally]) -> int:
        """Add `delta` to the stored cells and take `taken` from them (each taken call was
        added before: to the store, or in `delta`)."""
        if not delta and not taken:
            return 0
        stored = uow.rollups.for_update(self.tenant_id, set(delta) | set(taken))
        for cell, tally in delta.items():
            if cell in stored:
                stored[cell].merge(tally)
                delta[cell] = stored[cell]
        for cell, tally in taken.items():
            kept = delta.get(cell) or stored.get(cell)
            if kept is None:
                raise RuntimeError("a rollup cell to take back from is not stored")
            kept.take(tally)
            delta[cell] = kept
        uow.rollups.save(self.tenant_id, delta, set(stored))
        return len(delta)
