"""A sweep's record as it goes: begun (or an interrupted one taken up), advanced by each batch
in the batch's own transaction, and closed with its audit entry.

Every write of a record is fenced by the sweep's lease (`holding`): a sweep whose lease ended
under it (its PostgreSQL connection lost, so another sweep may have taken its record up) stops
at its next batch with `SweepLeaseLost`, that batch rolled back, instead of writing counts and
a digest over the other sweep's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import datetime

from dataward.domain.audit import AuditAction
from dataward.domain.retention.sweeps import (
    SweepLeaseLost,
    SweepRecord,
    SweepState,
    Target,
    add_digest,
    earliest,
)
from dataward.services.audit import Audited, record
from dataward.services.context import UseCase
from dataward.services.ports import Lease, UnitOfWork
from dataward.services.retention.ports import Removed

_LEASE: ContextVar[Lease | None] = ContextVar("retention_sweep_lease", default=None)


@contextmanager
def holding(lease: Lease) -> Iterator[None]:
    """Fence the records written in this block by `lease`."""
    token = _LEASE.set(lease)
    try:
        yield
    finally:
        _LEASE.reset(token)


def still_held() -> None:
    """Raise `SweepLeaseLost` if the sweep's lease ended under it (a no-op outside a sweep)."""
    lease = _LEASE.get()
    if lease is not None and not lease.held():
        raise SweepLeaseLost(
            "the sweep lost its lease (its connection to the database ended) and stopped: "
            "run it again to go on"
        )


def begin(ctx: UseCase, target: Target) -> SweepRecord:
    """The target's interrupted sweep of the same day, to go on with; or a new one, once any
    interrupted sweep of another day is closed as such (with its audit entry). Called under
    the sweep's lease, so a running record is never another sweep's at work."""
    now = ctx.clock.now()
    still_held()
    with ctx.uow as uow:
        running = uow.retention.running_sweep(target)
        if running is not None and running.target.as_of == target.as_of:
            sweep = replace(running, heartbeat_at=now)
            uow.retention.save_sweep(sweep)
        else:
            if running is not None:
                stopped = replace(running, state=SweepState.INTERRUPTED, finished_at=now)
                uow.retention.save_sweep(stopped)
                _audit(ctx, uow, stopped)
            sweep = uow.retention.start_sweep(target, ctx.actor.id, now)
        uow.commit()
    return sweep


def progress(sweep: SweepRecord, removed: Removed, at: datetime) -> SweepRecord:
    """The record after a batch that removed `removed` (written by the caller in the batch's
    transaction), its heartbeat `at`; `SweepLeaseLost` if the lease ended meanwhile."""
    still_held()
    return replace(
        sweep,
        heartbeat_at=at,
        removed=sweep.removed + removed.count,
        batches=sweep.batches + 1,
        oldest=earliest(sweep.oldest, removed.oldest),
        digest=add_digest(sweep.digest, removed.digest),
    )


def purge(ctx: UseCase, sweep: SweepRecord, *, keys: bool = False) -> SweepRecord:
    """After a sweep that removed something: fold the freed pages out of the database's
    write-ahead log (and the key store's too, with `keys`: keys were destroyed), the record
    saying whether that could be done (`SweepRecord.purged`), never pretending it was."""
    if not sweep.removed:
        return sweep
    keys_purged = ctx.vault.purge_freed_pages() if keys else True
    data_purged = ctx.uow.purge_freed_pages()  # both run, whatever the first answers
    return replace(sweep, purged=keys_purged and data_purged)


def finish(
    ctx: UseCase, sweep: SweepRecord, held: int, state: SweepState = SweepState.DONE
) -> SweepRecord:
    """The record closed (done, or deferred), and its audit entry, in one transaction."""
    done = replace(sweep, state=state, finished_at=ctx.clock.now(), held=held)
    still_held()
    with ctx.uow as uow:
        uow.retention.save_sweep(done)
        _audit(ctx, uow, done)
        uow.commit()
    return done


def _audit(ctx: UseCase, uow: UnitOfWork, sweep: SweepRecord) -> None:
    target = sweep.target
    record(
        uow,
        ctx.clock,
        ctx.actor,
        Audited(
            AuditAction.RETENTION_SWEPT,
            decision=sweep.state.value,
            details={
                "sweep": sweep.id,
                "rule": target.rule,
                "store": target.store.value,
                "tenant": target.tenant_id or "",
                "as_of": target.as_of.isoformat(),
                "retention": target.retention,
                "kept_from": target.kept_from.isoformat(),
                "oldest": sweep.oldest.isoformat() if sweep.oldest else "",
                "removed": sweep.removed,
                "held": sweep.held,
                "batches": sweep.batches,
                "digest": sweep.digest,
                **({} if sweep.purged is None else {"purged": sweep.purged}),
            },
        ),
    )
