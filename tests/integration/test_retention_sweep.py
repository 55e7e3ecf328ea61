"""Retention sweeps on each backend, against the truth read from the generated file itself: a
tenant's calls past its call retention go, and the callers left without a call are
crypto-shredded (its agents are our customer's users, kept under another rule); a held caller
and its calls stay and are listed; the ACD rollups are unchanged; each sweep leaves its evidence
and an audit entry; an interrupted sweep goes on where it stopped, and a second sweep finds
nothing more."""

from __future__ import annotations

import calendar
import csv
import io
import uuid
from dataclasses import astuple, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bench.gen_calls import END, Workload, generate
from faker import Faker

from dataward.adapters.ingest.files import text_source
from dataward.adapters.sql.retention.repository import SqlRetentionRepository
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import ReportBy, ReportCell
from dataward.domain.errors import ActionNotAllowed
from dataward.domain.processing.litigation_holds import HoldGround
from dataward.domain.processing.restrictions import Restriction, RestrictionGround
from dataward.domain.requests.terms import RequestType
from dataward.domain.retention.sweeps import RetentionRefused, SweepState, SweepStore
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.parties import CALLER_KIND
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.calls.rollups import Grain
from dataward.services.processing.holds import PlaceHold, lift_hold, place_hold
from dataward.services.retention.history import retention_history
from dataward.services.retention.plan import retention_plan
from dataward.services.retention.sweep import SweepRetention, sweep_retention
from dataward.services.rights.intake import NewRequest, receive_request
from tests.builders import TENANT_A, a_tenant
from tests.integration.world import World

TENANT = "tenant-r"
DCO = Actor(id="staff-dco", role="dco")
OPERATOR = Actor(id="staff-operator", role="operator")
ADMIN = Actor(id="admin-r", role="tenant_admin", tenant_id=TENANT)
LONDON = ZoneInfo("Europe/London")
INGESTED = datetime.fromtimestamp(END, UTC) + timedelta(days=20)  # just after the file's end
SWEPT = INGESTED + timedelta(days=200)
LATER = INGESTED + timedelta(days=430)  # past 13 months from the ingest itself
MONTHS = 13


def _plus_months(day: date, months: int) -> date:
    """The test's own calendar sum: `months` on, the month's last day where the day is missing."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _past(day: date, today: date) -> bool:
    return _plus_months(day, MONTHS) < today


class Truth:
    """What the file says: each call's UTC end day (its start's, with no end) and its caller's
    number (None when withheld)."""

    def __init__(self, text: str) -> None:
        self.calls: list[tuple[date, str | None]] = []
        for row in csv.reader(io.StringIO(text)):
            start, end = row[9], row[11] or row[9]
            local = datetime.fromisoformat(end).replace(tzinfo=LONDON)
            number = row[1] or None
            if number is not None and number.startswith("+44"):
                number = "0" + number[3:]
            self.calls.append((local.astimezone(UTC).date(), number))
            assert start

    def past(self, today: date) -> int:
        return sum(_past(day, today) for day, _number in self.calls)

    def callers_gone(self, ingested: date, swept: date) -> int:
        """Callers that had a subject (a call within retention when ingested) and whose every
        call is past retention when swept, once the day we came to hold them (the ingest) is
        past retention too: a caller goes at the later of its last call and its creation."""
        if not _past(ingested, swept):
            return 0
        by_caller: dict[str, list[date]] = {}
        for day, number in self.calls:
            if number is not None:
                by_caller.setdefault(number, []).append(day)
        return sum(
            1
            for days in by_caller.values()
            if any(not _past(d, ingested) for d in days) and all(_past(d, swept) for d in days)
        )


@pytest.fixture
def text() -> str:
    out = io.StringIO()
    generate("asterisk-cdr-csv", out, Workload(900, numbers=90, queues=4, days=500))
    return out.getvalue()


def _ingest(world: World, text: str) -> None:
    with world.uow() as uow:
        uow.tenants.add(replace(a_tenant(TENANT), call_retention=f"P{MONTHS}M"))
        uow.commit()
    world.clock.current = INGESTED
    source = text_source(text, name="history", format_name="asterisk-cdr-csv")
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT, [source]))
    world.clock.current = SWEPT


def _rollups(world: World) -> dict[tuple[str, str, str], tuple[object, ...]]:
    with world.uow() as uow:
        return {
            (grain.value, queue, bucket): astuple(tally)
            for grain in Grain
            for queue, bucket, tally in uow.rollups.read(TENANT, grain.value)
        }


def _report(world: World) -> list[ReportCell]:
    """The tenant's ACD report by queue and month, over all time: what its users read."""
    command = ReadAcdReport(TENANT, ReportBy.QUEUE, Period.MONTH)
    return acd_report(world.use_case(OPERATOR), command).cells


def _state(world: World) -> tuple[int, set[str], set[str]]:
    """Calls held, callers the calls name, and the tenant's callers."""
    with world.engine.connect() as connection:
        from sqlalchemy import text as sql

        count = connection.execute(
            sql("SELECT count(*) FROM calls WHERE tenant_id = :t"), {"t": TENANT}
        ).scalar_one()
        named = {
            ref
            for column in ("caller_ref", "callee_ref")
            for (ref,) in connection.execute(
                sql(f"SELECT {column} FROM calls WHERE tenant_id = :t AND {column} IS NOT NULL"),  # noqa: S608
                {"t": TENANT},
            )
        }
        parties = {
            subject_id
            for (subject_id,) in connection.execute(
                sql("SELECT id FROM subjects WHERE tenant_id = :t AND kind = :c"),
                {"t": TENANT, "c": CALLER_KIND},
            )
        }
    return int(count), named, parties


def test_a_sweep_removes_exactly_the_calls_past_retention_and_the_parties_left_without_one(
    world: World, text: str
) -> None:
    truth = Truth(text)
    _ingest(world, text)
    before = _rollups(world)
    report = _report(world)
    assert sum(cell.metrics.offered for cell in report) > 0
    total, _named, parties_before = _state(world)
    assert total == len(truth.calls)
    swept_on = SWEPT.date()
    expected_calls = truth.past(swept_on)
    assert 0 < expected_calls < total
    assert truth.callers_gone(INGESTED.date(), swept_on) == 0  # we came to hold them lately

    plan = retention_plan(world.use_case(DCO))
    lines = {line.target.store: line for line in plan.lines if line.target.tenant_id == TENANT}
    assert lines[SweepStore.CALLS].due == expected_calls
    assert lines[SweepStore.CALL_PARTIES].due == 0
    assert _state(world)[0] == total  # a plan changes nothing

    records = sweep_retention(world.use_case(DCO), SweepRetention(batch_size=97))
    mine = {r.target.store: r for r in records if r.target.tenant_id == TENANT}
    assert mine[SweepStore.CALLS].removed == expected_calls
    assert mine[SweepStore.CALL_PARTIES].removed == 0
    count, _named, parties = _state(world)
    assert count == total - expected_calls
    assert parties == parties_before  # each caller stays while we have held it under 13 months
    assert _rollups(world) == before  # the anonymous rollups stay: reports read the same
    assert _report(world) == report
    for record in mine.values():
        assert record.state is SweepState.DONE
        assert len(record.digest) == 64
    calls_record = mine[SweepStore.CALLS]
    assert calls_record.oldest is not None
    assert calls_record.oldest < calls_record.target.kept_from

    world.clock.current = LATER  # every call past, and the ingest that made the callers too
    expected_parties = truth.callers_gone(INGESTED.date(), LATER.date())
    assert expected_parties == len(parties_before) > 0
    plan = retention_plan(world.use_case(DCO))
    lines = {line.target.store: line for line in plan.lines if line.target.tenant_id == TENANT}
    assert lines[SweepStore.CALLS].due == truth.past(LATER.date()) - expected_calls
    assert lines[SweepStore.CALL_PARTIES].due == expected_parties
    later = sweep_retention(world.use_case(DCO), SweepRetention(batch_size=97))
    mine = {r.target.store: r for r in later if r.target.tenant_id == TENANT}
    assert mine[SweepStore.CALL_PARTIES].removed == expected_parties
    assert _state(world) == (0, set(), set())  # no caller outlives its calls
    assert _rollups(world) == before
    assert _report(world) == report  # every call gone, and the report reads the same
    with world.uow() as uow:
        entries = [e for e in uow.audit.iter_entries() if e.action == "retention_swept"]
    assert {e.details["store"] for e in entries if e.details["tenant"] == TENANT} == {
        "calls",
        "call_parties",
        "quarantined_lines",
    }

    again = sweep_retention(world.use_case(DCO), SweepRetention())
    assert all(r.removed == 0 for r in again)  # safe to run twice, and recorded
    history = retention_history(world.use_case(Actor(id="staff-auditor", role="auditor")))
    assert len(history) == len(records) + len(later) + len(again)


def test_a_held_caller_and_its_calls_are_kept_and_listed(world: World, text: str) -> None:
    truth = Truth(text)
    _ingest(world, text)
    swept_on = LATER.date()
    with world.engine.connect() as connection:
        from sqlalchemy import text as sql

        held_id, held_calls = connection.execute(
            sql(
                "SELECT caller_ref, count(*) FROM calls WHERE tenant_id = :t AND caller_ref IS "
                "NOT NULL GROUP BY caller_ref ORDER BY max(started_at), caller_ref LIMIT 1"
            ),
            {"t": TENANT},
        ).one()  # the caller whose calls are oldest
    world.clock.current = INGESTED
    place_hold(
        world.use_case(ADMIN),
        PlaceHold(held_id, HoldGround.LEGAL_CLAIMS, swept_on + timedelta(days=30), "Claim 7"),
    )
    world.clock.current = LATER
    plan = retention_plan(world.use_case(DCO))
    lines = {line.target.store: line for line in plan.lines if line.target.tenant_id == TENANT}
    [kept] = lines[SweepStore.CALLS].held
    assert (kept.subject_id, kept.holds, kept.items) == (held_id, ("legal_claims",), held_calls)
    [kept_party] = lines[SweepStore.CALL_PARTIES].held
    assert kept_party.subject_id == held_id
    assert lines[SweepStore.CALLS].due == truth.past(swept_on) - held_calls

    records = sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT))
    calls_record, parties_record, _lines = records
    assert calls_record.held == held_calls
    assert parties_record.held == 1
    _count, named, parties = _state(world)
    assert held_id in named
    assert held_id in parties


def test_an_interrupted_sweep_goes_on_with_its_record(
    world: World, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = Truth(text)
    _ingest(world, text)
    expected = truth.past(SWEPT.date())
    real = SqlRetentionRepository.delete_calls
    batches: list[int] = []

    def failing(self: SqlRetentionRepository, scope: object, limit: int) -> object:
        if len(batches) == 2:
            raise RuntimeError("killed")
        batches.append(limit)
        return real(self, scope, limit)  # type: ignore[arg-type]

    monkeypatch.setattr(SqlRetentionRepository, "delete_calls", failing)
    with pytest.raises(RuntimeError):
        sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT, batch_size=50))
    monkeypatch.undo()
    [interrupted] = retention_history(world.use_case(DCO))
    assert interrupted.state is SweepState.RUNNING
    assert 0 < interrupted.removed <= 100
    assert _state(world)[0] == len(truth.calls) - interrupted.removed  # each batch landed whole

    records = sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT, batch_size=50))
    assert records[0].id == interrupted.id
    assert records[0].removed == expected
    assert records[0].state is SweepState.DONE


def test_a_sweep_may_not_run_ahead_of_today_and_needs_the_maintenance_role(
    world: World, text: str
) -> None:
    _ingest(world, text)
    with pytest.raises(RetentionRefused):
        sweep_retention(world.use_case(DCO), SweepRetention(as_of=SWEPT.date() + timedelta(1)))
    for actor in (OPERATOR, ADMIN):
        with pytest.raises(ActionNotAllowed):
            sweep_retention(world.use_case(actor), SweepRetention())
        with pytest.raises(ActionNotAllowed):
            retention_plan(world.use_case(actor))
    assert _state(world)[0] == len(Truth(text).calls)


def _count(world: World, tenant: str) -> int:
    with world.engine.connect() as connection:
        from sqlalchemy import text as sql

        return int(
            connection.execute(
                sql("SELECT count(*) FROM calls WHERE tenant_id = :t"), {"t": tenant}
            ).scalar_one()
        )


def _partitions(world: World) -> set[str]:
    with world.engine.connect() as connection:
        from sqlalchemy import text as sql

        return {
            name
            for (name,) in connection.execute(
                sql(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'calls' "
                    "AND p.relnamespace = to_regnamespace(current_schema())::oid"
                )
            )
        }


def test_a_month_shared_with_another_tenant_loses_only_this_tenants_calls(
    world: World, text: str, backend: str
) -> None:
    truth = Truth(text)
    _ingest(world, text)
    world.clock.current = INGESTED
    source = text_source(text, name="same calls", format_name="asterisk-cdr-csv")
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))  # kept for 20 years
    world.clock.current = SWEPT
    months = _partitions(world) if backend == "postgresql" else set()

    sweep_retention(world.use_case(DCO), SweepRetention(batch_size=64))
    assert _count(world, TENANT_A) == len(truth.calls)  # not one of the other tenant's rows
    assert _count(world, TENANT) == len(truth.calls) - truth.past(SWEPT.date())
    if backend == "postgresql":
        assert _partitions(world) == months  # shared months: rows deleted


def test_a_month_of_one_tenants_expired_calls_is_emptied_whole(
    world: World, text: str, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("month partitions are PostgreSQL's")
    _ingest(world, text)
    before = _files(world)
    with world.engine.connect() as connection:
        from sqlalchemy import text as sql

        filled = {
            name
            for name in before
            if connection.execute(sql(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
        }
    records = sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT))
    after = _files(world)
    kept_from = records[0].target.kept_from
    bound = f"calls_{kept_from.year:04d}_{kept_from.month:02d}"
    truncated = {name for name in before if after[name] != before[name]}
    assert truncated  # TRUNCATE gives a table a new file; row deletes do not
    assert truncated == {name for name in filled if name < bound}  # the months wholly past
    assert set(after) == set(before)  # emptied, not dropped: an ingest writes on into them
    assert _count(world, TENANT) == len(Truth(text).calls) - records[0].removed


def _files(world: World) -> dict[str, int]:
    """Each month partition's data file (its relfilenode)."""
    with world.engine.connect() as connection:
        from sqlalchemy import text as sql

        return {
            name: int(node)
            for name, node in connection.execute(
                sql(
                    "SELECT c.relname, c.relfilenode FROM pg_inherits i "
                    "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                    "WHERE p.relname = 'calls' "
                    "AND p.relnamespace = to_regnamespace(current_schema())::oid"
                )
            )
        }


def test_a_restriction_for_legal_claims_and_an_open_request_hold_too(
    world: World, text: str, fake: Faker
) -> None:
    _ingest(world, text)
    with world.engine.connect() as connection:
        from sqlalchemy import text as sql

        oldest = [
            ref
            for (ref,) in connection.execute(
                sql(
                    "SELECT caller_ref FROM calls WHERE tenant_id = :t AND caller_ref IS NOT NULL "
                    "GROUP BY caller_ref ORDER BY max(started_at), caller_ref LIMIT 3"
                ),
                {"t": TENANT},
            )
        ]  # the three callers whose calls are oldest: all past retention when swept
    restricted, asked, lifted = oldest
    world.clock.current = INGESTED
    with world.uow() as uow:
        uow.restrictions.add(
            Restriction(
                id=uuid.uuid4(),
                subject_id=uuid.UUID(restricted),
                scope=None,
                ground=RestrictionGround.NEEDED_FOR_LEGAL_CLAIMS,
                starts_at=INGESTED,
            )
        )
        uow.commit()
    receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=INGESTED.date(),
            channel="email",
            tenant_id=TENANT,
            subject_id=asked,
            contact_email=fake.email(),
            contact_name=fake.name(),
        ),
    )
    hold = place_hold(
        world.use_case(ADMIN),
        PlaceHold(lifted, HoldGround.LEGAL_CLAIMS, INGESTED.date() + timedelta(days=9), "Claim"),
    )
    lift_hold(world.use_case(ADMIN), hold.id)
    world.clock.current = LATER

    plan = retention_plan(world.use_case(DCO))
    [parties] = [
        line
        for line in plan.lines
        if line.target.tenant_id == TENANT and line.target.store is SweepStore.CALL_PARTIES
    ]
    held = {item.subject_id: item.holds for item in parties.held}
    assert held == {restricted: ("legal_claims",), asked: ("open_rights_request",)}
    sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT))
    _count, named, callers = _state(world)
    assert {restricted, asked} <= callers & named
    assert lifted not in callers  # a lifted hold keeps nothing


def test_quarantined_lines_go_with_the_calls_retention_unless_they_name_a_held_caller(
    world: World, text: str
) -> None:
    rows = text.splitlines(keepends=True)
    first = rows[0].split(",")[1].strip('"')
    unknown = [f"0770090{n:04d}" for n in range(9000, 9003)]  # numbers no good line has
    assert not any(other in text for other in unknown)
    bad = [  # the first call's line, naming a number nobody else has, with a bad start
        rows[0].replace(rows[0].split(",")[9], '"not a date"', 1).replace(first, other)
        for other in unknown
    ]
    naming = rows[-1].replace(rows[-1].split(",")[9], '"not a date"', 1)
    with world.uow() as uow:
        uow.tenants.add(replace(a_tenant(TENANT), call_retention=f"P{MONTHS}M"))
        uow.commit()
    world.clock.current = INGESTED
    source = text_source("".join(rows + bad + [naming]), name="f", format_name="asterisk-cdr-csv")
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT, [source], quarantine=True))
    with world.uow() as uow:
        lines = uow.quarantine.lines(TENANT)
    with world.engine.connect() as connection:
        from sqlalchemy import text as sql

        held_id = connection.execute(
            sql("SELECT caller_ref FROM calls WHERE tenant_id = :t ORDER BY started_at DESC"),
            {"t": TENANT},
        ).first()[0]  # type: ignore[index]  # the newest call's caller, whom `naming` names
    assert len(lines) == 4
    place_hold(
        world.use_case(ADMIN),
        PlaceHold(held_id, HoldGround.LEGAL_CLAIMS, (INGESTED + timedelta(days=500)).date(), "C"),
    )
    world.clock.current = INGESTED + timedelta(days=390)  # within 13 months of the quarantine
    sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT))
    with world.uow() as uow:
        assert len(uow.quarantine.lines(TENANT)) == 4
    world.clock.current = INGESTED + timedelta(days=400)  # past them
    plan = retention_plan(world.use_case(DCO))
    [line] = [
        x
        for x in plan.lines
        if x.target.tenant_id == TENANT and x.target.store is SweepStore.QUARANTINED_LINES
    ]
    assert (line.due, [(h.subject_id, h.items) for h in line.held]) == (3, [(held_id, 1)])
    records = sweep_retention(world.use_case(DCO), SweepRetention(tenant_id=TENANT))
    [record] = [r for r in records if r.target.store is SweepStore.QUARANTINED_LINES]
    assert (record.removed, record.held) == (3, 1)
    with world.uow() as uow:
        [left] = uow.quarantine.lines(TENANT)
    assert left.id == max(line.id for line in lines)  # the line naming the held caller
    assert not any(world.vault.has_key(line.key_id or "") for line in lines if line.id != left.id)
