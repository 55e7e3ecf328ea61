"""ACD reports released with differential-privacy noise (`domain.calls.dp_release`).

A release is by queue, for a bounded range of dates, with a fixed set of cells (every queue
the tenant has, every period of the range, zero-filled). Its budget is reserved first, in one
transaction that sums what the tenant's releases spent in the last `BUDGET_DAYS` days (under
the tenant's release lock, so two releases cannot both fit in the last of the budget), records
the release in the ledger and writes its audit entry; only then is the noise drawn. A release
that would pass the budget is refused, and nothing is spent.

After the noise, the register's k applies as to every report (`domain.calls.small_cells`): a
cell whose noisy offered count is 1 to k-1 is removed and pooled into its period's
`(suppressed)` row, shown if the pool's noisy count reaches k. That is decided from the noisy
counts alone, never from the data, so it is post-processing and the release stays as private
as its noise made it; how many cells it hid is told for the same reason.
"""

from __future__ import annotations

from datetime import timedelta

from dataward.domain.audit import AuditAction, AuditDraft
from dataward.domain.calls.acd import Tally, Thresholds
from dataward.domain.calls.acd_report import AcdReport, ReportBy, ReportCell
from dataward.domain.calls.dp_release import (
    BUDGET,
    BUDGET_DAYS,
    COUNTS,
    SENSITIVITY,
    ReleaseRefused,
    check_epsilon,
    counts_of,
    release_keys,
    released,
)
from dataward.domain.calls.small_cells import Counts, pooled_counts
from dataward.domain.errors import ConfigurationError, NotFound
from dataward.domain.tenants import Tenant
from dataward.services.calls.ports import NewRelease
from dataward.services.calls.reports import ReadAcdReport, from_rollups
from dataward.services.calls.rollups import Grain
from dataward.services.context import UseCase


def release_acd(ctx: UseCase, command: ReadAcdReport) -> AcdReport:
    """The report of `command` (by queue, both dates given) with noise spending its budget."""
    noise, epsilon = ctx.noise, check_epsilon(command.dp_epsilon or 0.0)
    if noise is None:
        raise ConfigurationError("no differential-privacy mechanism is bound")
    if command.by is not ReportBy.QUEUE:
        raise ReleaseRefused(
            "a report released with noise is by queue: rows by agent or caller name people"
        )
    first, last = command.first, command.last
    if first is None or last is None:
        raise ReleaseRefused("a report released with noise needs both --from and --to")
    with ctx.uow as uow:
        tenant = uow.tenants.get(command.tenant_id)
        if tenant is None:
            raise NotFound("tenant", command.tenant_id)
        keys = release_keys(first, last, command.period, tenant.zone)
        queues = sorted({queue for queue, _b, _t in uow.rollups.read(tenant.id, Grain.MONTH)})
        tallies, source = from_rollups(uow, command, tenant.zone)
    cells = [(queue, key) for queue in queues for key in keys]
    spent = noise.spent(sensitivity=SENSITIVITY, epsilon=epsilon)
    _reserve(ctx, command, spent, len(cells))
    counts = [n for cell in cells for n in counts_of(tallies.get(cell, Tally()), _t(tenant))]
    noisy = noise.add(counts, sensitivity=SENSITIVITY, epsilon=epsilon)
    k = ctx.register.k_anonymity_threshold
    kept, hidden = pooled_counts(_noisy_cells(cells, noisy), k)
    shown = [
        ReportCell(group, period, released(list(n))) for (group, period), n in sorted(kept.items())
    ]
    return AcdReport(
        tenant.id,
        command.by,
        command.period,
        first,
        last,
        _t(tenant),
        k,
        shown,
        hidden,
        source,
        spent,
    )


def _noisy_cells(cells: list[tuple[str, str]], noisy: list[int]) -> dict[tuple[str, str], Counts]:
    """Each cell's noisy counts, in `cells`' order, each held at 0 or more (as `released` holds
    them), so that a pool adds what its cells would have shown."""
    return {
        cell: tuple(max(0, n) for n in noisy[i * COUNTS : (i + 1) * COUNTS])
        for i, cell in enumerate(cells)
    }


def _t(tenant: Tenant) -> Thresholds:
    return Thresholds(tenant.service_level_seconds, tenant.short_abandon_seconds)


def _reserve(ctx: UseCase, command: ReadAcdReport, spent: float, cells: int) -> None:
    """The release in the tenant's ledger, and its audit entry, once the budget allows it."""
    now = ctx.clock.now()
    with ctx.uow as uow:
        uow.releases.lock(command.tenant_id)
        before = uow.releases.spent(command.tenant_id, since=now - timedelta(days=BUDGET_DAYS))
        if before + spent > BUDGET + 1e-9:
            raise ReleaseRefused(
                f"the tenant's releases have spent {before:g} of {BUDGET:g} in the last "
                f"{BUDGET_DAYS} days: this one ({spent:g}) would pass it"
            )
        uow.releases.add(
            NewRelease(
                tenant_id=command.tenant_id,
                at=now,
                actor=ctx.actor.id,
                report=f"{command.by.value}/{command.period.value}",
                first=command.first,
                last=command.last,
                epsilon=spent,
                cells=cells,
            )
        )
        uow.audit.append(
            AuditDraft(
                at=now,
                actor=ctx.actor.id,
                action=AuditAction.CALL_REPORT_RELEASED,
                details={
                    "tenant": command.tenant_id,
                    "by": command.by.value,
                    "period": command.period.value,
                    "epsilon": spent,
                    "cells": cells,
                    "spent_in_window": before + spent,
                },
            )
        )
        uow.commit()
