"""The register's k holds for every ACD report, on SQLite and PostgreSQL: by queue, agent and
caller, in every period, nothing offered 1 to k-1 calls is shown, and a pool of hidden cells
is shown only once it reaches k, when the shown cells and the pool add up to every call.

Tenant A, Monday 2 March 2026 (GMT): K calls into `sales` from 09:01, each from one caller and
answered by agent 200; one call into `night` at 03:00 from another caller, abandoned.
"""

from __future__ import annotations

import pytest
from faker import Faker

from dataward.adapters.documents.acd_report import report_csv, report_json, report_table
from dataward.adapters.ingest.files import text_source
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import AcdReport, ReportBy
from dataward.domain.calls.small_cells import SUPPRESSED
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.builders import TENANT_A
from tests.integration.world import World
from tests.support.copies import K

OPERATOR = Actor(id="staff-operator", role="operator")
NINE = 1_772_442_000  # 2026-03-02T09:00:00Z
THREE = NINE - 6 * 3600


def _answered(callid: str, queue: str, at: int, number: str) -> list[str]:
    return [
        f"{at}|{callid}|{queue}|NONE|ENTERQUEUE||{number}|1",
        f"{at + 10}|{callid}|{queue}|SIP/200|CONNECT|10|{callid}9|2",
        f"{at + 40}|{callid}|{queue}|SIP/200|COMPLETECALLER|10|30|1",
    ]


def _ingest(world: World, lines: list[str]) -> None:
    source = text_source("\n".join(lines) + "\n", name="q.log", format_name="asterisk-queue-log")
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))


def _report(world: World, by: ReportBy, period: Period) -> AcdReport:
    return acd_report(world.use_case(OPERATOR), ReadAcdReport(TENANT_A, by, period))


def _number(fake: Faker) -> str:
    return f"07700 900{fake.unique.random_int(100, 999)}"


@pytest.fixture
def lone(world: World, fake: Faker) -> str:
    """The busy queue and the lone call; the lone caller's subject id."""
    busy, alone = _number(fake), _number(fake)
    lines = []
    for n in range(K):
        lines += _answered(f"{NINE + n}.{n}", "sales", NINE + 60 * n, busy)
    lines += [
        f"{THREE}|{THREE}.1|night|NONE|ENTERQUEUE||{alone}|1",
        f"{THREE + 20}|{THREE}.1|night|NONE|ABANDON|1|1|20",
    ]
    _ingest(world, lines)
    wanted = FindSubject("phone", alone, tenant_id=TENANT_A)
    subject = find_subject(world.uow(), world.vault, wanted)
    assert subject is not None
    return str(subject.id)


@pytest.mark.parametrize("period", list(Period))
@pytest.mark.parametrize("by", list(ReportBy))
def test_a_lone_call_is_in_no_report(world: World, lone: str, by: ReportBy, period: Period) -> None:
    report = _report(world, by, period)
    assert all(c.metrics.offered == 0 or c.metrics.offered >= K for c in report.cells)
    assert sum(c.metrics.offered for c in report.cells) == K  # the busy queue's calls only
    assert SUPPRESSED not in {c.group for c in report.cells}  # a pool of one is not shown
    assert (report.k, report.suppressed) == (K, 1)
    for render in (report_csv, report_json, report_table):
        text = render(report)
        assert "night" not in text
        assert lone not in text


def test_hidden_cells_whose_pool_reaches_k_are_shown_together(world: World, fake: Faker) -> None:
    """Three queues of two calls each at nine: every cell hidden, the pool of six shown, and
    it holds exactly their calls."""
    lines = []
    for q, queue in enumerate(("q-one", "q-two", "q-three")):
        for n in range(2):
            at = NINE + 600 * q + 60 * n
            lines += _answered(f"{at}.{q}{n}", queue, at, _number(fake))
    _ingest(world, lines)
    for period in (Period.HOUR, Period.DAY, Period.MONTH, Period.HOUR_OF_DAY):
        report = _report(world, ReportBy.QUEUE, period)
        (cell,) = report.cells
        assert cell.group == SUPPRESSED
        assert (cell.metrics.offered, cell.metrics.answered, cell.metrics.asa_s) == (6, 6, 10.0)
        assert report.suppressed == 3
    by_caller = _report(world, ReportBy.CALLER, Period.DAY)  # six callers of one call each
    assert [(c.group, c.metrics.offered) for c in by_caller.cells] == [(SUPPRESSED, 6)]
    assert (by_caller.suppressed, by_caller.withheld) == (6, 0)
    by_agent = _report(world, ReportBy.AGENT, Period.DAY)  # one agent took all six
    assert [c.metrics.offered for c in by_agent.cells] == [6]
    assert by_agent.suppressed == 0
