"""The retention sweep against what happens around it: holds on agents and restrictions that
keep the data, a caller registered without a call, a hold placed while a sweep runs, two sweeps
at once, another tenant's call not yet committed into a month being emptied, an ingest under
way, calls joined from several records that end days after they start, and a sweep interrupted
one day and run again the next. Each test states what must hold; all on both backends unless
the case is PostgreSQL's own."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy import text as sql

from dataward.adapters.sql.calls.tables import call_links
from dataward.adapters.sql.registry.tables import subjects
from dataward.adapters.sql.retention.repository import SqlRetentionRepository
from dataward.domain.calls.records import StoredCall
from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.processing.restrictions import Restriction, RestrictionGround
from dataward.domain.retention.sweeps import SweepRecord, SweepRunning, SweepState
from dataward.domain.subjects import Actor
from dataward.services.processing.holds import PlaceHold, place_hold
from dataward.services.retention import sweep as sweep_module
from dataward.services.retention.evidence import begin as real_begin
from dataward.services.retention.history import retention_history
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import TENANT_B, a_stored_call, a_tenant
from tests.integration.world import World

TENANT = "tenant-r"
DCO = Actor(id="staff-dco", role="dco")
ADMIN = Actor(id="admin-r", role="tenant_admin", tenant_id=TENANT)
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=430)  # past 13 months from NOW, when the callers were made
OLD = datetime(2023, 1, 10, 12, 0, tzinfo=UTC)  # past a 13-month retention
NUMBER = "07700900123"  # Ofcom's drama range: never a real line


def _tenant(world: World) -> None:
    world.clock.current = NOW
    with world.uow() as uow:
        uow.tenants.add(replace(a_tenant(TENANT), call_retention="P13M"))
        uow.commit()


def _call(tenant: str, start: datetime, **parties: str) -> StoredCall:
    call = a_stored_call(tenant, start)
    return replace(call, caller_ref=parties.get("caller"), agent_ref=parties.get("agent"))


def _in_background(world: World) -> tuple[threading.Thread, list[BaseException]]:
    """A sweep of the tenant started in a thread of its own, and what it raised."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            _sweep(world)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    sweeper = threading.Thread(target=run)
    sweeper.start()
    return sweeper, errors


def _add(world: World, *rows: StoredCall) -> None:
    with world.uow() as uow:
        uow.calls.prepare_months({(r.started_at.year, r.started_at.month) for r in rows})
        uow.calls.add_calls(list(rows))
        uow.commit()


def _count(world: World, tenant: str) -> int:
    with world.engine.connect() as c:
        query = sql("SELECT count(*) FROM calls WHERE tenant_id = :t")
        return int(c.execute(query, {"t": tenant}).scalar_one())


def _exists(world: World, subject_id: object) -> bool:
    with world.uow() as uow:
        subject = uow.subjects.get(str(subject_id))
    return subject is not None and not subject.erased


def _caller(world: World) -> uuid.UUID:
    return create_subject(
        world.use_case(ADMIN),
        NewSubject(kind="caller", tenant_id=TENANT, identifiers=[("phone", NUMBER)]),
    ).id


def _sweep(world: World, **kw: Any) -> list[SweepRecord]:
    return sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT, **kw))


def test_a_held_agent_keeps_the_calls_naming_it(world: World) -> None:
    _tenant(world)
    agent = create_subject(
        world.use_case(DCO), NewSubject(kind="end_user", identifiers=[("email", "a@example.com")])
    ).id
    place_hold(
        world.use_case(DCO),
        PlaceHold(agent, HoldGround.LEGAL_CLAIMS, NOW.date() + timedelta(days=30), "Claim"),
    )
    _add(world, _call(TENANT, OLD, agent=str(agent)), _call(TENANT, OLD))
    _sweep(world)
    assert _count(world, TENANT) == 1  # the held agent's call; the other went


def test_a_restriction_opposing_erasure_keeps_the_caller(world: World) -> None:
    _tenant(world)
    caller = _caller(world)
    _add(world, _call(TENANT, OLD, caller=str(caller)))
    with world.uow() as uow:
        uow.restrictions.add(
            Restriction(
                id=uuid.uuid4(),
                subject_id=caller,
                scope=None,
                ground=RestrictionGround.UNLAWFUL_PROCESSING_ERASURE_OPPOSED,
                starts_at=NOW,
            )
        )
        uow.commit()
    world.clock.current = LATER
    _sweep(world)
    assert _exists(world, caller)
    assert _count(world, TENANT) == 1


def test_a_caller_registered_without_a_call_is_kept_as_long_as_a_call_would_be(
    world: World,
) -> None:
    _tenant(world)
    caller = _caller(world)
    world.clock.current = NOW + timedelta(days=1)
    _sweep(world)
    assert _exists(world, caller)  # the tenant registered it yesterday
    world.clock.current = LATER
    _sweep(world)
    assert not _exists(world, caller)  # 13 months on, nothing names it


@pytest.mark.parametrize("how", ["litigation_hold", "legal_claims_restriction"])
def test_a_hold_placed_while_the_sweep_runs_is_honoured(
    world: World, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    _tenant(world)
    caller = _caller(world)
    _add(world, _call(TENANT, OLD, caller=str(caller)))
    world.clock.current = LATER
    placed: list[int] = []

    def begin(ctx, target):  # type: ignore[no-untyped-def]
        if not placed:  # the tenant's admin holds the caller as the nightly sweep starts
            if how == "litigation_hold":
                review = LATER.date() + timedelta(days=30)
                place_hold(
                    world.use_case(ADMIN), PlaceHold(caller, HoldGround.LEGAL_CLAIMS, review, "C")
                )
            else:
                with world.uow() as uow:
                    uow.restrictions.add(
                        Restriction(
                            id=uuid.uuid4(),
                            subject_id=caller,
                            scope=None,
                            ground=RestrictionGround.NEEDED_FOR_LEGAL_CLAIMS,
                            starts_at=world.clock.now(),
                        )
                    )
                    uow.commit()
            placed.append(1)
        return real_begin(ctx, target)

    monkeypatch.setattr(sweep_module, "begin", begin)
    _sweep(world)
    assert _count(world, TENANT) == 1
    assert _exists(world, caller)


def test_a_second_sweep_is_refused_while_one_runs(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tenant(world)
    _add(world, *[_call(TENANT, OLD + timedelta(minutes=i)) for i in range(10)])
    real = SqlRetentionRepository.delete_calls
    refused: list[SweepRunning] = []

    def delete_calls(self, scope, limit):  # type: ignore[no-untyped-def]
        if not refused:  # a second operator, or a retried API call, starts a sweep meanwhile
            with pytest.raises(SweepRunning) as error:
                _sweep(world)
            refused.append(error.value)
        return real(self, scope, limit)

    monkeypatch.setattr(SqlRetentionRepository, "delete_calls", delete_calls)
    _sweep(world, batch_size=3)
    monkeypatch.undo()
    assert refused
    history = retention_history(world.use_case(DCO))
    assert sum(r.removed for r in history if r.target.store.value == "calls") == 10
    assert _count(world, TENANT) == 0


def test_a_batch_of_callers_is_read_in_bounded_lists(world: World) -> None:
    """A batch of up to 10,000 callers is checked again in lists of at most `IN_LIST` (each
    value a bound parameter: PostgreSQL takes 65,535 at most)."""
    _tenant(world)
    made = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        {"id": str(uuid.uuid4()), "kind": "caller", "tenant_id": TENANT, "status": "active",
         "created_at": made}
        for _ in range(1_200)
    ]  # fmt: skip
    with world.engine.begin() as c:
        c.execute(insert(subjects), rows)
    world.clock.current = LATER
    records = _sweep(world, batch_size=10_000)
    assert records[1].removed == len(rows)


def test_another_tenants_call_not_yet_committed_is_never_emptied_with_a_month(
    world: World, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("month partitions are PostgreSQL's")
    _tenant(world)
    _add(world, *[_call(TENANT, OLD + timedelta(hours=i)) for i in range(5)])  # R alone in 2023-01
    late = world.uow()  # tenant B's ingest of a late file (B keeps calls 20 years), under way
    late.__enter__()
    late.calls.add_calls([_call(TENANT_B, OLD + timedelta(days=3))])
    sweeper, errors = _in_background(world)
    time.sleep(1)  # the sweep saw R's rows alone, and now waits for the month's lock
    late.commit()
    late.__exit__(None, None, None)
    sweeper.join(60)
    assert not errors
    assert _count(world, TENANT) == 0  # row by row, once the month was found shared
    assert _count(world, TENANT_B) == 1


def test_an_ingest_under_way_writes_on_into_a_month_emptied(world: World, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("month partitions are PostgreSQL's")
    _tenant(world)
    _add(world, *[_call(TENANT, OLD + timedelta(hours=i)) for i in range(5)])
    late = world.uow()
    late.__enter__()
    late.calls.prepare_months([(2023, 1)])  # there: nothing to create
    late.commit()
    late.__exit__(None, None, None)
    _sweep(world)
    _add(world, _call(TENANT_B, OLD + timedelta(days=3)))
    assert _count(world, TENANT_B) == 1


@pytest.mark.parametrize("shared", [False, True])
def test_the_links_of_swept_calls_go(world: World, shared: bool) -> None:
    _tenant(world)
    rows = [_call(TENANT, OLD + timedelta(hours=i, microseconds=123457)) for i in range(4)]
    if shared:
        _add(world, _call(TENANT_B, OLD))
    _add(world, *rows)
    with world.engine.begin() as c:
        c.execute(
            insert(call_links),
            [
                {"tenant_id": TENANT, "link_key": uuid.uuid4().bytes, "started_at": r.started_at,
                 "source_key": r.source_key}
                for r in rows
            ],
        )  # fmt: skip
    _sweep(world, batch_size=3)
    with world.engine.connect() as c:
        left = c.execute(
            select(func.count()).select_from(call_links).where(call_links.c.tenant_id == TENANT)
        ).scalar_one()
    assert _count(world, TENANT) == 0
    assert left == 0


def test_a_month_is_emptied_only_when_every_call_in_it_has_ended_in_time(world: World) -> None:
    _tenant(world)
    start = datetime(2023, 1, 31, 20, 0, tzinfo=UTC)  # joined from records: ends days later
    long = replace(_call(TENANT, start), ended_at=start + timedelta(days=4, hours=10))
    _add(world, long)
    day = date(2024, 3, 4)  # the first day kept is 2023-02-04: the call ended 2023-02-05
    plan = retention_plan(world.use_case(DCO), day)
    [calls] = [
        x for x in plan.lines if x.target.tenant_id == TENANT and x.target.store.value == "calls"
    ]
    assert calls.due == 0
    _sweep(world, as_of=day)
    assert _count(world, TENANT) == 1
    _sweep(world, as_of=day + timedelta(days=2))
    assert _count(world, TENANT) == 0


def test_an_ingest_under_way_holds_the_callers_sweep_off(world: World, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("two writers at once")
    _tenant(world)
    caller = _caller(world)
    _add(world, _call(TENANT, OLD, caller=str(caller)), _call(TENANT_B, OLD))
    world.clock.current = LATER
    ingest = world.uow()  # an ingest that resolved the number to the caller, not yet committed
    ingest.__enter__()
    ingest.calls.share_tenant(TENANT)
    ingest.calls.prepare_months([(LATER.year, LATER.month)])
    ingest.calls.add_calls([replace(_call(TENANT, LATER, caller=str(caller)), ingest_id=77)])
    sweeper, errors = _in_background(world)
    time.sleep(1)  # the sweep has deleted the old call and waits to erase the caller
    ingest.commit()
    ingest.__exit__(None, None, None)
    sweeper.join(60)
    assert not errors
    assert _exists(world, caller)  # the new call names it: it is no longer left without a call
    assert _count(world, TENANT) == 1


def test_an_interrupted_sweep_is_closed_and_audited_by_the_next_days(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tenant(world)
    _add(world, *[_call(TENANT, OLD + timedelta(minutes=i)) for i in range(6)])
    real = SqlRetentionRepository.delete_calls
    batches: list[int] = []

    def failing(self, scope, limit):  # type: ignore[no-untyped-def]
        if batches:
            raise RuntimeError("killed at 23:59")
        batches.append(1)
        return real(self, scope, limit)

    monkeypatch.setattr(SqlRetentionRepository, "delete_calls", failing)
    with pytest.raises(RuntimeError):
        _sweep(world, batch_size=2)
    monkeypatch.undo()
    world.clock.current = NOW + timedelta(days=1)
    _sweep(world, batch_size=2)
    history = retention_history(world.use_case(DCO))
    states = {(r.target.store.value, r.state) for r in history}
    assert ("calls", SweepState.INTERRUPTED) in states
    assert all(r.state is not SweepState.RUNNING for r in history)
    with world.uow() as uow:
        audited = sum(
            int(e.details["removed"])
            for e in uow.audit.iter_entries()
            if e.action == "retention_swept" and e.details["store"] == "calls"
        )
    assert audited == 6  # the interrupted sweep's two, and the next day's four


def test_an_ingest_that_outlasts_the_wait_leaves_the_callers_for_the_next_sweep(
    world: World, backend: str
) -> None:
    """The callers' batch waits a bounded time for the tenant's ingest under way, then leaves
    them to the next sweep (the record says deferred) rather than queue for the lock, which
    would hold every new ingest of the tenant back behind it."""
    if backend != "postgresql":
        pytest.skip("two writers at once")
    _tenant(world)
    caller = _caller(world)
    _add(world, _call(TENANT, OLD, caller=str(caller)))
    world.clock.current = LATER
    ingest = world.uow()  # an ingest under way, holding the tenant's lock shared
    ingest.__enter__()
    ingest.calls.share_tenant(TENANT)
    try:
        records = _sweep(world, ingest_wait_s=0.3)
    finally:
        ingest.__exit__(None, None, None)
    states = {r.target.store.value: (r.state, r.removed) for r in records}
    assert states["calls"] == (SweepState.DONE, 1)
    assert states["call_parties"] == (SweepState.DEFERRED, 0)  # left, not erased under it
    assert _exists(world, caller)
    again = {r.target.store.value: (r.state, r.removed) for r in _sweep(world)}
    assert again["call_parties"] == (SweepState.DONE, 1)  # the next sweep, with no ingest
    assert not _exists(world, caller)
