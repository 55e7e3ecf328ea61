"""ACD reports per tenant, from the pseudonymised store, never decrypting anything.

- By queue: read from the anonymous rollups (`services.calls.rollups`), so a queue report is the
  same after callers are erased and raw calls deleted, and reads a few thousand rows however many
  calls there were. A date range that cuts a month is read from the day or hour grain instead
  of the month grains, so figures are exact for any range.
- By agent or by caller: from the raw queue calls (subject references as labels, `(none)` for
  a call without one, e.g. a withheld or erased caller), each counted in the period it entered
  its queue, as the rollups count it. Labelling a cell with a subject is processing of that
  subject's data, so the label of every cell that would be shown is put to the gate for the
  report's purpose (`report_labels`): a role without need-to-know for it is refused the
  report, and a subject the gate refuses is left out of the report, calls and all (counted,
  never named; the queue report still counts its calls).

Every report, by anything, in any period and format, shows no cell under the register's
`k_anonymity_threshold` (`domain.calls.small_cells`): such a cell is removed and its calls
pooled into one `(suppressed)` row per period, shown only if the pool itself reaches k. The
rollups and calls themselves are untouched: suppression is at release. A labelled report works
out which cells reach k before it asks the gate: a cell under k is released only pooled and
unlabelled, so its label is never shown and needs no decision (nor an audit entry saying it was
disclosed).

Dates are the tenant's local dates, both ends included. Every report is audited.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.bounds import check_day
from dataward.domain.calls.acd import Period, Tally, Thresholds, metrics, period_key
from dataward.domain.calls.acd_report import AcdReport, ReportBy, ReportCell
from dataward.domain.calls.correlation import Contribution, contribution
from dataward.domain.calls.record_limits import LONGEST
from dataward.domain.calls.records import StoredCall
from dataward.domain.calls.small_cells import NO_PARTY, pooled_tallies, shown_tally_groups, without
from dataward.domain.errors import DatawardError, NotFound
from dataward.domain.permissions import require
from dataward.domain.processing.gate import Gate
from dataward.domain.register.model import StaffAction
from dataward.services.calls.report_labels import (
    REPORTING_PURPOSE,
    Labels,
    check_labels,
    refused_labels,
)
from dataward.services.calls.rollups import Grain, hour_bucket, hour_of_bucket
from dataward.services.context import UseCase
from dataward.services.ports import UnitOfWork

NOON = time(12)
"""A day's rollup stands for the day: its key in a period is its noon's, on the tenant's clock."""


class ReportRefused(DatawardError):
    code = "report_refused"


@dataclass(frozen=True, slots=True)
class ReadAcdReport:
    """The tenant's ACD report: by what, per what period, between which local dates (both
    included; None for no bound)."""

    tenant_id: str
    by: ReportBy
    period: Period
    first: date | None = None
    last: date | None = None
    dp_epsilon: float | None = None
    """Release the counts with differential-privacy noise spending this budget
    (`domain.calls.dp_release`); the spend is recorded in the tenant's ledger."""
    purpose: str = REPORTING_PURPOSE
    """What the subject labels of a report by agent or by caller are processed for (the gate
    decides each); a report by queue names nobody and ignores it."""


def acd_report(ctx: UseCase, command: ReadAcdReport) -> AcdReport:
    uow, clock, register, actor = ctx.uow, ctx.clock, ctx.register, ctx.actor
    tenant_id, by, first, last = command.tenant_id, command.by, command.first, command.last
    require(register, actor, StaffAction.READ_CALL_REPORTS, tenant_id=tenant_id)
    check_day("from", first)
    check_day("to", last)
    if first is not None and last is not None and last < first:
        raise ReportRefused("the range ends before it starts")
    if command.dp_epsilon is not None:
        from dataward.services.calls.releases import release_acd

        return release_acd(ctx, command)
    labels = None
    if by is not ReportBy.QUEUE:  # rows labelled with subjects: the gate decides them
        labels = Labels(Gate(register), by, tenant_id, command.purpose, clock.now())
        check_labels(actor, labels)  # before anything about anyone is read
    k = register.k_anonymity_threshold
    withheld: int | None = None
    with uow:
        tenant = uow.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound("tenant", tenant_id)
        zone = tenant.zone
        if labels is None:
            tallies, source = from_rollups(uow, command, zone)
        else:
            tallies, source = _from_calls(uow, command, zone), "calls"
            # only the labels of cells the k rule shows go to the gate: a cell under k is
            # released only pooled and unlabelled, as a queue report releases its calls
            wanted = shown_tally_groups(tallies, k) - {NO_PARTY}  # `(none)` names nobody
            refused = refused_labels(uow, actor, wanted, labels)
            tallies, withheld = without(tallies, refused), len(refused)
        uow.audit.append(
            AuditDraft(
                at=clock.now(),
                actor=actor.id,
                action=AuditAction.CALL_REPORT_READ,
                details=_read_details(command, labels, withheld),
            )
        )
        uow.commit()
    thresholds = Thresholds(tenant.service_level_seconds, tenant.short_abandon_seconds)
    shown, hidden = pooled_tallies(tallies, k)
    cells = [
        ReportCell(group, key, metrics(tally, thresholds))
        for (group, key), tally in sorted(shown.items())
    ]
    return AcdReport(
        tenant_id,
        by,
        command.period,
        first,
        last,
        thresholds,
        k,
        cells,
        hidden,
        source,
        purpose=None if labels is None else labels.purpose,
        withheld=withheld,
    )


def _read_details(
    command: ReadAcdReport, labels: Labels | None, withheld: int | None
) -> dict[str, object]:
    """The report's audit entry: what was read, and for labelled reports the purpose and how
    many labels were withheld (the gate's decisions on them are entries of their own)."""
    details: dict[str, object] = {
        "tenant": command.tenant_id,
        "by": command.by.value,
        "period": command.period.value,
    }
    if labels is not None:
        details["purpose"] = labels.purpose
        details["withheld"] = withheld
    return details


def _whole_months(first: date | None, last: date | None) -> bool:
    if first is not None and first.day != 1:
        return False
    return last is None or last.day == calendar.monthrange(last.year, last.month)[1]


def _whole_years(first: date | None, last: date | None) -> bool:
    return (first is None or (first.month, first.day) == (1, 1)) and (
        last is None or (last.month, last.day) == (12, 31)
    )


def _add(cells: dict[tuple[str, str], Tally], key: tuple[str, str], tally: Tally) -> None:
    """Merge `tally` (a row just read, held by no one else) into its cell."""
    found = cells.get(key)
    if found is None:
        cells[key] = tally  # the first row of its cell: taken as it is, not copied
        return
    found.merge(tally)


def from_rollups(
    uow: UnitOfWork, command: ReadAcdReport, zone: ZoneInfo
) -> tuple[dict[tuple[str, str], Tally], str]:
    tenant_id, period, first, last = command.tenant_id, command.period, command.first, command.last
    cells: dict[tuple[str, str], Tally] = {}
    months = _whole_months(first, last)
    first_month = f"{first:%Y-%m}" if first else None
    last_month = f"{last:%Y-%m}" if last else None
    if period is Period.MONTH and months:
        for queue, bucket, tally in uow.rollups.read(
            tenant_id, Grain.MONTH, first_month, last_month
        ):
            _add(cells, (queue, bucket), tally)
        return cells, "rollups:month"
    profile = period in (Period.HOUR_OF_DAY, Period.DAY_OF_WEEK)
    if profile and _whole_years(first, last):
        by_hour = period is Period.HOUR_OF_DAY
        grain = Grain.HOUR_OF_DAY_BY_YEAR if by_hour else Grain.DAY_OF_WEEK_BY_YEAR
        low = f"{first:%Y}/" if first else None
        high = f"{last:%Y}/~" if last else None
        for queue, bucket, tally in uow.rollups.read(tenant_id, grain, low, high):
            _add(cells, (queue, bucket.split("/", 1)[1]), tally)
        return cells, f"rollups:{grain.value}"
    if profile and months:
        grain = Grain.HOUR_OF_DAY if period is Period.HOUR_OF_DAY else Grain.DAY_OF_WEEK
        low = f"{first_month}/" if first_month else None
        high = f"{last_month}/~" if last_month else None
        for queue, bucket, tally in uow.rollups.read(tenant_id, grain, low, high):
            _add(cells, (queue, bucket.split("/", 1)[1]), tally)
        return cells, f"rollups:{grain.value}"
    if period in (Period.DAY, Period.WEEK, Period.MONTH, Period.DAY_OF_WEEK):
        day_rows = uow.rollups.read(
            tenant_id,
            Grain.DAY,
            first.isoformat() if first else None,
            last.isoformat() if last else None,
        )
        for queue, bucket, tally in day_rows:
            day = date.fromisoformat(bucket)
            _add(cells, (queue, period_key(datetime.combine(day, NOON, zone), period, zone)), tally)
        return cells, "rollups:day"
    low_hour, high_hour = _utc_hours(first, last, zone)
    for queue, bucket, tally in uow.rollups.read(tenant_id, Grain.HOUR, low_hour, high_hour):
        _add(cells, (queue, period_key(hour_of_bucket(bucket), period, zone)), tally)
    return cells, "rollups:hour"


def _utc_range(
    first: date | None, last: date | None, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(first, time(), zone) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), zone) if last else None
    return start, end


def _utc_hours(
    first: date | None, last: date | None, zone: ZoneInfo
) -> tuple[str | None, str | None]:
    start, end = _utc_range(first, last, zone)
    low = hour_bucket(int(start.timestamp()) // 3600) if start else None
    high = hour_bucket(int(end.timestamp()) // 3600 - 1) if end else None
    return low, high


def _from_calls(
    uow: UnitOfWork, command: ReadAcdReport, zone: ZoneInfo
) -> dict[tuple[str, str], Tally]:
    tenant_id, by, period = command.tenant_id, command.by, command.period
    start, end = _utc_range(command.first, command.last, zone)
    cells: dict[tuple[str, str], Tally] = {}
    for call, part in _queue_calls(uow, tenant_id, start, end):
        ref = call.agent_ref if by is ReportBy.AGENT else call.caller_ref
        key = (ref or NO_PARTY, period_key(part.at, period, zone))
        tally = cells.get(key)
        if tally is None:
            tally = cells[key] = Tally()
        tally.add(part.disposition, part.wait_s, part.talk_s, part.ring_s)
    return cells


def _queue_calls(
    uow: UnitOfWork, tenant_id: str, start: datetime | None, end: datetime | None
) -> Iterator[tuple[StoredCall, Contribution]]:
    """The queue calls that entered their queue from `start` to before `end`, each with its
    part in the rollups: a call counts when it entered the queue, as the queue report counts
    it, which can lie up to `LONGEST` either side of the row's start (the start of the record
    read first: a CDR's begins in the IVR before the queue, an agent's record after the call
    centre's entry). The margin is taken in UTC, so it is the same across a clock change."""
    since = start.astimezone(UTC) - LONGEST if start is not None else None
    until = end.astimezone(UTC) + LONGEST if end is not None else None
    for call in uow.calls.iter_calls(tenant_id, since, until):
        part = contribution(call)
        if part is None or (start is not None and part.at < start):
            continue
        if end is not None and part.at >= end:
            continue
        yield call, part
