"""The evidence of past sweeps, newest first."""

from __future__ import annotations

from dataward.domain.errors import OutOfRange
from dataward.domain.retention.sweeps import SweepRecord
from dataward.services.context import UseCase
from dataward.services.retention.targets import may_read_history

MOST = 10_000


def retention_history(ctx: UseCase, limit: int = 100) -> list[SweepRecord]:
    """The latest `limit` sweep records: for those who run sweeps, and for auditors."""
    may_read_history(ctx.register, ctx.actor)
    if not 1 <= limit <= MOST:
        raise OutOfRange("limit", f"a whole number from 1 to {MOST:,}")
    with ctx.uow as uow:
        return uow.retention.sweeps(limit)
