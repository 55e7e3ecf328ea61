"""ACD reports against figures worked out by hand on a small queue_log fixture.

Tenant A: Europe/London (GMT on 2 March 2026), service level 20 s, short abandon 5 s; the
register's k is 5. All calls are on Monday 2 March 2026.

queue sales (one caller, X, makes all five calls):
  c1 09:00 answered, wait 10, talk 100, agent 200
  c2 09:10 answered, wait 25, talk 200, agent 200
  c3 09:20 abandoned, wait 3 (short)
  c4 09:30 abandoned, wait 40
  c5 10:05 overflow (timeout), wait 60
queue support (two other callers, one call each):
  c6 09:15 answered, wait 5, talk 50, agent 300
  c7 10:15 answered, wait 20, talk 70, agent 200

Every report hides its cells under k, so the figures are checked on the fixture made k times
over (`scaled`: each call repeated with call ids of its own), where every cell is k times its
count above and every rate, average and percentile the same; the seven calls as they are
(`loaded`) show what is suppressed.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from faker import Faker
from sqlalchemy import delete

from dataward.adapters.ingest.files import text_source
from dataward.adapters.sql.calls.tables import calls
from dataward.domain.bounds import FIRST_DAY, LAST_DAY
from dataward.domain.calls.acd import Metrics, Period
from dataward.domain.calls.acd_report import AcdReport, ReportBy
from dataward.domain.calls.small_cells import NO_PARTY, SUPPRESSED
from dataward.domain.errors import ActionNotAllowed, OutOfRange
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.processing.erasure import Shred, shred
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World
from tests.support.copies import K

OPERATOR = Actor(id="staff-operator", role="operator")
ADMIN_B = Actor(id="admin-b", role="tenant_admin", tenant_id=TENANT_B)
DCO = Actor(id="staff-dco", role="dco")
BASE = 1_772_442_000  # 2026-03-02T09:00:00Z


def _fixture(x: str, y: str, z: str, copies: int = 1) -> str:
    """The seven calls, `copies` times over: copy i's call ids end in `x<i>` (none for the
    first), so each copy is calls of its own."""
    return "\n".join(_copy(x, y, z, "" if i == 0 else f"x{i}") for i in range(copies))


def _copy(x: str, y: str, z: str, tag: str) -> str:
    def at(minute: int, second: int = 0) -> int:
        return BASE + minute * 60 + second

    text = "\n".join(
        [
            f"{at(0)}|c1|sales|NONE|ENTERQUEUE||{x}|1",
            f"{at(0, 10)}|c1|sales|SIP/200|CONNECT|10|c1b|2",
            f"{at(1, 50)}|c1|sales|SIP/200|COMPLETECALLER|10|100|1",
            f"{at(10)}|c2|sales|NONE|ENTERQUEUE||{x}|1",
            f"{at(10, 25)}|c2|sales|SIP/200|CONNECT|25|c2b|4",
            f"{at(13, 45)}|c2|sales|SIP/200|COMPLETEAGENT|25|200|1",
            f"{at(20)}|c3|sales|NONE|ENTERQUEUE||{x}|1",
            f"{at(20, 3)}|c3|sales|NONE|ABANDON|1|1|3",
            f"{at(30)}|c4|sales|NONE|ENTERQUEUE||{x}|1",
            f"{at(30, 40)}|c4|sales|NONE|ABANDON|1|1|40",
            f"{at(65)}|c5|sales|NONE|ENTERQUEUE||{x}|1",
            f"{at(66)}|c5|sales|NONE|EXITWITHTIMEOUT|1|1|60",
            f"{at(15)}|c6|support|NONE|ENTERQUEUE||{y}|1",
            f"{at(15, 5)}|c6|support|SIP/300|CONNECT|5|c6b|1",
            f"{at(15, 55)}|c6|support|SIP/300|COMPLETECALLER|5|50|1",
            f"{at(75)}|c7|support|NONE|ENTERQUEUE||{z}|1",
            f"{at(75, 20)}|c7|support|SIP/200|CONNECT|20|c7b|3",
            f"{at(76, 30)}|c7|support|SIP/200|COMPLETECALLER|20|70|1",
        ]
    )
    return re.sub(r"\|(c\d)(b?)\|", rf"|\1{tag}\2|", text)


def _load(world: World, fake: Faker, copies: int) -> tuple[World, str]:
    x, y, z = (f"07700 900{fake.unique.random_int(100, 999)}" for _ in range(3))
    text = _fixture(x, y, z, copies)
    source = text_source(text, name="fixture.log", format_name="asterisk-queue-log")
    report = ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))
    assert report.stored == 7 * copies
    return world, x


@pytest.fixture
def loaded(world: World, fake: Faker) -> tuple[World, str]:
    """The seven calls as they are."""
    return _load(world, fake, 1)


@pytest.fixture
def scaled(world: World, fake: Faker) -> tuple[World, str]:
    """The seven calls K times over: every cell K times its hand-computed count."""
    return _load(world, fake, K)


def _report(
    world: World, by: ReportBy, period: Period, first: date | None = None, last: date | None = None
) -> AcdReport:
    return acd_report(world.use_case(OPERATOR), ReadAcdReport(TENANT_A, by, period, first, last))


def _cells(report: AcdReport) -> dict[tuple[str, str], Metrics | None]:
    return {(c.group, c.period): c.metrics for c in report.cells}


def _offered(report: AcdReport) -> dict[tuple[str, str], int]:
    return {(c.group, c.period): c.metrics.offered for c in report.cells if c.metrics}


def test_queue_by_day_matches_the_hand_computed_figures(scaled: tuple[World, str]) -> None:
    world, _ = scaled
    report = _report(world, ReportBy.QUEUE, Period.DAY)
    cells = _cells(report)
    sales = cells[("sales", "2026-03-02")]
    assert sales is not None
    assert (sales.offered, sales.answered, sales.abandoned) == (5 * K, 2 * K, 2 * K)
    assert (sales.short_abandoned, sales.overflow) == (1 * K, 1 * K)
    assert sales.answer_rate == pytest.approx(2 / 5)
    assert sales.abandon_rate == pytest.approx((2 - 1) / (5 - 1))
    assert sales.asa_s == pytest.approx((10 + 25) / 2)
    assert sales.service_level == pytest.approx(1 / 2)  # c1 within 20 s, c2 not
    assert sales.service_level_2 == pytest.approx((1 + 1) / (2 + 2))  # c1 and c3
    assert sales.service_level_offered == pytest.approx(1 / (5 - 1))
    assert sales.avg_wait_s == pytest.approx((10 + 25 + 3 + 40 + 60) / 5)
    # nearest rank ceil(0.9 * 5K) = 23rd of 3,10,25,40,60 each K times: the last five are 60
    assert sales.p90_wait_s == 60
    assert sales.avg_talk_s == pytest.approx(150)
    support = cells[("support", "2026-03-02")]
    assert support is not None
    assert (support.offered, support.answered, support.asa_s) == (2 * K, 2 * K, 12.5)
    assert support.service_level == pytest.approx(1.0)  # 20 s is within 20 s
    assert support.p90_wait_s == 20
    assert support.avg_talk_s == pytest.approx(60)
    assert report.source == "rollups:day"
    assert (report.k, report.suppressed) == (K, 0)


def test_the_seven_calls_as_they_are_show_only_what_reaches_k(loaded: tuple[World, str]) -> None:
    world, _ = loaded
    by_day = _report(world, ReportBy.QUEUE, Period.DAY)
    assert _offered(by_day) == {("sales", "2026-03-02"): 5}  # support's 2 calls: hidden
    assert (by_day.k, by_day.suppressed) == (K, 1)
    by_hour = _report(world, ReportBy.QUEUE, Period.HOUR)
    # sales 4 + support 1 at nine: pooled, and the pool reaches k; sales 1 + support 1 at ten:
    # a pool of 2, not shown
    assert _offered(by_hour) == {(SUPPRESSED, "2026-03-02T09:00"): 5}
    assert by_hour.suppressed == 4
    pool = _cells(by_hour)[(SUPPRESSED, "2026-03-02T09:00")]
    assert pool is not None
    assert (pool.answered, pool.abandoned) == (3, 2)
    assert pool.asa_s == pytest.approx((10 + 25 + 5) / 3)


def test_queue_by_hour_and_hour_of_day(scaled: tuple[World, str]) -> None:
    world, _ = scaled
    assert _offered(_report(world, ReportBy.QUEUE, Period.HOUR)) == {
        ("sales", "2026-03-02T09:00"): 4 * K,
        ("sales", "2026-03-02T10:00"): 1 * K,
        ("support", "2026-03-02T09:00"): 1 * K,
        ("support", "2026-03-02T10:00"): 1 * K,
    }
    profile = _report(world, ReportBy.QUEUE, Period.HOUR_OF_DAY)
    assert profile.source == "rollups:hody"
    march = _report(
        world, ReportBy.QUEUE, Period.HOUR_OF_DAY, first=date(2026, 3, 1), last=date(2026, 3, 31)
    )
    assert march.source == "rollups:hod"
    assert _offered(march) == _offered(profile)
    one_day = _report(
        world, ReportBy.QUEUE, Period.HOUR_OF_DAY, first=date(2026, 3, 2), last=date(2026, 3, 2)
    )
    assert one_day.source == "rollups:hour"
    assert _offered(one_day) == _offered(profile)
    assert _offered(profile) == {
        ("sales", "09"): 4 * K,
        ("sales", "10"): 1 * K,
        ("support", "09"): 1 * K,
        ("support", "10"): 1 * K,
    }


def test_a_range_that_cuts_a_month_reads_days_and_gives_the_same_figures(
    scaled: tuple[World, str],
) -> None:
    world, _ = scaled
    whole = _report(world, ReportBy.QUEUE, Period.MONTH)
    assert whole.source == "rollups:month"
    cut = _report(
        world, ReportBy.QUEUE, Period.MONTH, first=date(2026, 3, 2), last=date(2026, 3, 2)
    )
    assert cut.source == "rollups:day"
    assert _cells(cut) == _cells(whole)
    outside = _report(world, ReportBy.QUEUE, Period.MONTH, first=date(2026, 3, 3))
    assert outside.cells == []
    weekday = _report(
        world, ReportBy.QUEUE, Period.DAY_OF_WEEK, first=date(2026, 3, 2), last=date(2026, 3, 2)
    )
    assert {c.period for c in weekday.cells} == {"1-Mon"}


def test_per_agent(scaled: tuple[World, str]) -> None:
    world, _ = scaled
    report = _report(world, ReportBy.AGENT, Period.DAY)
    # agent 300: c6; agent 200: c1, c2, c7; no agent: c3, c4, c5 (each K times)
    assert sorted(_offered(report).values()) == [1 * K, 3 * K, 3 * K]
    nobody = _cells(report)[(NO_PARTY, "2026-03-02")]
    assert nobody is not None
    assert nobody.answered == 0
    assert (report.suppressed, report.withheld, report.purpose) == (0, 0, "telephony_reporting")


def test_per_agent_as_they_are(loaded: tuple[World, str]) -> None:
    world, _ = loaded
    report = _report(world, ReportBy.AGENT, Period.DAY)
    # agent 300 (1 call), agent 200 (3) and no agent (3): every cell hidden, their pool shown
    assert _offered(report) == {(SUPPRESSED, "2026-03-02"): 7}
    assert report.suppressed == 3


def test_per_caller_cells_under_k_are_suppressed(loaded: tuple[World, str]) -> None:
    world, x = loaded
    report = _report(world, ReportBy.CALLER, Period.DAY)
    assert report.k == 5
    shown = report.cells
    assert list(_offered(report).values()) == [5]  # caller X: five calls, k = 5
    # the two support callers, one call each: gone, not listed; their pool of 2 is under k
    assert report.suppressed == 2
    caller = find_subject(world.uow(), world.vault, FindSubject("phone", x, tenant_id=TENANT_A))
    assert caller is not None
    assert shown[0].group == str(caller.id)


def test_queue_reports_survive_erasing_the_caller(scaled: tuple[World, str]) -> None:
    world, x = scaled
    before = _cells(_report(world, ReportBy.QUEUE, Period.DAY))
    caller = find_subject(world.uow(), world.vault, FindSubject("phone", x, tenant_id=TENANT_A))
    assert caller is not None
    shred(
        world.use_case(world.who_erases(str(caller.id))), Shred(str(caller.id), "erasure_request")
    )
    assert _cells(_report(world, ReportBy.QUEUE, Period.DAY)) == before
    by_caller = _report(world, ReportBy.CALLER, Period.DAY)
    assert str(caller.id) not in {c.group for c in by_caller.cells}
    assert NO_PARTY in {c.group for c in by_caller.cells}


def test_another_tenants_admin_cannot_read_the_report(loaded: tuple[World, str]) -> None:
    world, _ = loaded
    with pytest.raises(ActionNotAllowed):
        acd_report(
            world.use_case(ADMIN_B), ReadAcdReport(TENANT_A, by=ReportBy.QUEUE, period=Period.DAY)
        )
    own = acd_report(
        world.use_case(ADMIN_B), ReadAcdReport(TENANT_B, by=ReportBy.QUEUE, period=Period.DAY)
    )
    assert own.cells == []


def test_queue_reports_survive_the_deletion_of_the_raw_calls(scaled: tuple[World, str]) -> None:
    world, _ = scaled
    before = _cells(_report(world, ReportBy.QUEUE, Period.WEEK))
    assert before
    with world.engine.begin() as connection:  # what a retention sweep will do
        assert connection.execute(delete(calls)).rowcount == 7 * K
    assert _cells(_report(world, ReportBy.QUEUE, Period.WEEK)) == before
    assert _report(world, ReportBy.AGENT, Period.WEEK).cells == []


@pytest.mark.parametrize("by", list(ReportBy))
@pytest.mark.parametrize("period", list(Period))
def test_the_widest_range_taken_reports_every_call_and_one_past_it_is_refused(
    scaled: tuple[World, str], by: ReportBy, period: Period
) -> None:
    """The first and last days taken reach every call, on both backends, in every grain."""
    world, _ = scaled
    everything = _report(world, by, period)
    widest = _report(world, by, period, first=FIRST_DAY, last=LAST_DAY)
    assert _cells(widest) == _cells(everything)
    assert sum(_offered(widest).values()) == 7 * K  # every cell reaches k: none hidden
    assert widest.suppressed == 0
    with pytest.raises(OutOfRange, match=r"^to: "):
        _report(world, by, period, first=FIRST_DAY, last=date(9999, 12, 31))
    with pytest.raises(OutOfRange, match=r"^from: "):
        _report(world, by, period, first=date(1, 1, 1))
