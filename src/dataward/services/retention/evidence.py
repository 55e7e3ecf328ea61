"""A sweep's record as it goes: begun (or an interrupted one taken up), advanced by each batch
in the batch's own transaction, and closed with its audit entry."""

from __future__ import annotations

from dataclasses import replace

from dataward.domain.audit import AuditAction
from dataward.domain.retention.sweeps import (
    SweepRecord,
    SweepState,
    Target,
    chain_digest,
    earliest,
)
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.retention.ports import Removed


def begin(ctx: UseCase, target: Target) -> SweepRecord:
    """The target's interrupted sweep, to go on with; or a new one."""
    with ctx.uow as uow:
        sweep = uow.retention.running_sweep(target)
        if sweep is None:
            sweep = uow.retention.start_sweep(target, ctx.actor.id, ctx.clock.now())
        uow.commit()
    return sweep


def progress(sweep: SweepRecord, removed: Removed) -> SweepRecord:
    """The record after a batch that removed `removed` (written by the caller in the batch's
    transaction)."""
    return replace(
        sweep,
        removed=sweep.removed + len(removed.ids),
        batches=sweep.batches + 1,
        oldest=earliest(sweep.oldest, removed.oldest),
        digest=chain_digest(sweep.digest, removed.ids),
    )


def finish(ctx: UseCase, sweep: SweepRecord, held: int) -> SweepRecord:
    """The record closed, and its audit entry, in one transaction."""
    done = replace(sweep, state=SweepState.DONE, finished_at=ctx.clock.now(), held=held)
    target = done.target
    with ctx.uow as uow:
        uow.retention.save_sweep(done)
        record(
            uow,
            ctx.clock,
            ctx.actor,
            Audited(
                AuditAction.RETENTION_SWEPT,
                details={
                    "sweep": done.id,
                    "rule": target.rule,
                    "store": target.store.value,
                    "tenant": target.tenant_id or "",
                    "as_of": target.as_of.isoformat(),
                    "retention": target.retention,
                    "kept_from": target.kept_from.isoformat(),
                    "oldest": done.oldest.isoformat() if done.oldest else "",
                    "removed": done.removed,
                    "held": done.held,
                    "batches": done.batches,
                    "digest": done.digest,
                },
            ),
        )
        uow.commit()
    return done
