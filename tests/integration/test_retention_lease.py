"""A sweep whose lease ends under it stops: on PostgreSQL the lease is an advisory lock of the
sweep's own connection, and a server that ends that connection (a restart, a terminated
backend) frees it, so another sweep could begin beside this one. The sweep checks it still
holds the lease before each store, and stops with what it removed recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from dataward.adapters.sql.leases import LEASE_CLASS, _key
from dataward.domain.retention.sweeps import SweepLeaseLost, SweepRecord, SweepState
from dataward.domain.subjects import Actor
from dataward.services.context import UseCase
from dataward.services.retention import sweep as sweep_module
from dataward.services.retention.history import retention_history
from dataward.services.retention.ports import Removed
from dataward.services.retention.sweep import LEASE, SweepRetention, sweep_retention
from dataward.services.retention.targets import TenantTargets
from tests.builders import a_stored_call, a_tenant
from tests.integration.world import World

TENANT = "tenant-l"
DCO = Actor(id="staff-dco", role="dco")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
OLD = datetime(2023, 1, 10, 12, 0, tzinfo=UTC)


def _store(world: World) -> None:
    world.clock.current = NOW
    with world.uow() as uow:
        uow.tenants.add(replace(a_tenant(TENANT), call_retention="P13M"))
        uow.calls.prepare_months({(OLD.year, OLD.month)})
        uow.calls.add_calls([a_stored_call(TENANT, OLD.replace(minute=m)) for m in range(3)])
        uow.commit()


def _end_the_lease(world: World) -> int:
    """End the session holding this schema's sweep lease, as a server restart would."""
    with world.engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = "
                "'advisory' AND classid = :c AND objid = :k AND objsubid = 2"
            ),
            {"c": LEASE_CLASS & 0xFFFFFFFF, "k": _key(f"{schema}/{LEASE}") & 0xFFFFFFFF},
        ).scalar_one()
    return int(ended)


def test_a_sweep_that_loses_its_lease_stops_before_its_next_store(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's lease is the process's own flock: it ends only with the process")
    _store(world)
    real = sweep_module._sweep_calls
    ended: list[int] = []

    def calls_then_lost(ctx: UseCase, targets: TenantTargets, size: int) -> SweepRecord:
        record = real(ctx, targets, size)
        ended.append(_end_the_lease(world))
        return record

    monkeypatch.setattr(sweep_module, "_sweep_calls", calls_then_lost)
    with pytest.raises(SweepLeaseLost):
        sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT))
    assert ended == [1]  # the lease was there to lose, and only it was ended
    history = retention_history(world.use_case(DCO), limit=10)
    assert [(r.target.store.value, r.state, r.removed) for r in history] == [
        ("calls", SweepState.DONE, 3)  # what went before is on record; nothing ran after
    ]
    monkeypatch.setattr(sweep_module, "_sweep_calls", real)
    again = sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT))
    assert [r.removed for r in again] == [0, 0, 0]  # the next sweep runs, with nothing left


def test_a_sweep_that_loses_its_lease_mid_store_writes_nothing_more(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lost in the middle of a store's batches: the batch under way is rolled back, and the
    next sweep takes the record up and closes it once."""
    if world.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's lease is the process's own flock: it ends only with the process")
    _store(world)
    real = sweep_module.progress

    def lost_then_progress(sweep: SweepRecord, removed: Removed, at: datetime) -> SweepRecord:
        _end_the_lease(world)
        return real(sweep, removed, at)

    monkeypatch.setattr(sweep_module, "progress", lost_then_progress)
    with pytest.raises(SweepLeaseLost):
        sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT, batch_size=1))
    monkeypatch.setattr(sweep_module, "progress", real)
    with world.engine.connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM calls")).scalar_one()
    assert left == 3  # the batch that found the lease gone was rolled back
    again = sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT))
    assert again[0].removed == 3
    calls = [
        r
        for r in retention_history(world.use_case(DCO), limit=20)
        if r.target.store.value == "calls"
    ]
    assert [(r.state, r.removed) for r in calls] == [(SweepState.DONE, 3)]  # one record, once


def test_a_lease_held_says_so_until_its_session_ends(world: World) -> None:
    with world.uow().lease(LEASE) as lease:
        assert lease.had
        assert lease.held()
        with world.uow().lease(LEASE) as second:
            assert not second.had
            assert not second.held()
        if world.engine.dialect.name == "postgresql":
            assert _end_the_lease(world) == 1
            assert not lease.held()
