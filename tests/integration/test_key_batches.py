"""Key batches in the key store, on both backends: keys named by their batch, a heartbeat that
decides when the sweep claims a batch, and a claimed batch that takes nothing more, so a
stalled ingest stops before its commit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from dataward.adapters.ingest.files import text_source
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore_tables import data_keys, key_batches
from dataward.domain.clock import FixedClock
from dataward.domain.errors import KeyBatchLost
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.keys.orphans import GRACE, destroy_orphan_keys
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import TENANT_A
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
OPERATOR = Actor(id="staff-operator", role="operator")


def _keys(world: World) -> dict[str, str | None]:
    with world.keystore.connect() as connection:
        rows = connection.execute(select(data_keys.c.subject_id, data_keys.c.batch))
        return {row.subject_id: row.batch for row in rows}


def _batches(world: World) -> int:
    with world.keystore.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(key_batches)).scalar_one())


def test_a_batch_names_its_keys_and_once_claimed_takes_no_more(world: World) -> None:
    vault = world.vault
    batch = vault.open_batch("test")
    vault.enrol({"k-1": ["one"], "k-2": ["two"]}, batch=batch)
    vault.create_keys(["k-3"])
    assert _keys(world) == {"k-1": batch, "k-2": batch, "k-3": None}
    now = world.clock.now()
    assert vault.claim_stale_batches(now - GRACE) == []  # it beat just now
    vault.heartbeat(batch)
    assert vault.claim_stale_batches(now + timedelta(seconds=1)) == [batch]
    with pytest.raises(KeyBatchLost):
        vault.heartbeat(batch)
    with pytest.raises(KeyBatchLost):
        vault.enrol({"k-4": ["four"]}, batch=batch)
    assert "k-4" not in _keys(world)
    assert sorted(vault.batch_keys(batch)) == ["k-1", "k-2"]
    # a sweep that did not finish is taken up again by the next
    assert vault.claim_stale_batches(now - GRACE) == [batch]
    vault.close_batch(batch)
    assert vault.claim_stale_batches(now + timedelta(days=1)) == []


def test_the_sweep_keeps_the_keys_of_records_that_landed(world: World) -> None:
    subject = create_subject(
        world.use_case(DCO),
        NewSubject(kind="caller", tenant_id=TENANT_A, identifiers=[("phone", "07700900321")]),
    )
    assert _keys(world)[str(subject.id)] is not None  # named by the registration's batch
    assert _batches(world) == 0  # closed once the subject landed
    lost = world.vault.open_batch("ingest")  # as a killed process leaves its batch
    world.vault.enrol({str(uuid.uuid4()): ["never landed"]}, batch=lost)
    late = FixedClock(world.clock.now() + GRACE + timedelta(seconds=1))
    swept = destroy_orphan_keys(SqlUnitOfWork(world.engine, read_only=True), world.vault, late)
    assert (swept.batches, swept.destroyed, swept.kept) == (1, 1, 0)
    assert set(_keys(world)) == {str(subject.id)}
    assert _batches(world) == 0


def _log(calls: int) -> str:
    start = int(datetime(2026, 10, 1, 9, tzinfo=UTC).timestamp())
    lines: list[str] = []
    for i in range(calls):
        t, call = start + 60 * i, f"{start + 60 * i}.{i}"
        lines += [
            f"{t}|{call}|sales|NONE|ENTERQUEUE||07700 9{i:05d}|1",
            f"{t + 4}|{call}|sales|NONE|ABANDON|1|1|4",
        ]
    return "\n".join(lines) + "\n"


def test_an_ingest_whose_batch_the_sweep_claimed_stops_before_its_commit(world: World) -> None:
    """A stall longer than the grace period: the sweep claims the ingest's batch but leaves
    its keys alone while the ingest's transaction is under way; the ingest then fails at its
    next batch (retryable), stores nothing and destroys the keys it made itself."""
    source = text_source(_log(30), name="stalled.log", format_name="asterisk-queue-log")
    late = FixedClock(world.clock.now() + GRACE + timedelta(seconds=1))
    swept: list[tuple[int, int]] = []

    def stall(read: int) -> None:
        if read == 10:  # after the first batch, which made ten keys
            sweep = destroy_orphan_keys(
                SqlUnitOfWork(world.engine, read_only=True), world.vault, late
            )
            swept.append((sweep.busy, sweep.destroyed))

    with pytest.raises(KeyBatchLost, match="send it again"):
        ingest(
            world.use_case(OPERATOR), IngestCalls(TENANT_A, [source], batch_size=10), progress=stall
        )
    assert swept == [(1, 0)]
    assert _keys(world) == {}
    assert _batches(world) == 0
    with world.uow() as uow:
        assert list(uow.calls.iter_calls(TENANT_A)) == []
