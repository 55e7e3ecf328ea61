"""One call from all its sources: a tenant that sends its Asterisk CDR and its queue_log, in
either order, in one file or several, stores each call once and reports exactly what its
queue_log alone reports; a BroadWorks call centre's record and its agent's are one call.

Tenant A is sent both sources; tenant B (set up the same way) the queue_log alone, so their
reports can be compared cell by cell. Every report hides its cells under the register's k, so
the files compared are made K times over (`tests.support.copies`: each call repeated with ids
of its own, the CDR's and the queue_log's still matching), where no cell is under k and every
cell is compared.
"""

from __future__ import annotations

import io
from dataclasses import astuple
from datetime import UTC, date, datetime

import pytest
from bench.gen_calls import Workload, generate
from faker import Faker

from dataward.adapters.ingest.files import text_source
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import AcdReport, ReportBy
from dataward.domain.calls.records import IngestReport
from dataward.domain.calls.telephony import Disposition
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.reports import ReadAcdReport, acd_report
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World
from tests.samples import sample
from tests.support.copies import K, asterisk_copies

OPERATOR = Actor(id="staff-operator", role="operator")
CDR, QUEUE_LOG = "asterisk-cdr-csv", "asterisk-queue-log"
SAMPLE_QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"


def _generated(fmt: str, calls: int = 1500, copies: int = K) -> str:
    """`calls` generated calls, `copies` times over."""
    out = io.StringIO()
    generate(fmt, out, Workload(calls, numbers=300, queues=4, days=3))
    return asterisk_copies(out.getvalue(), copies)


def _ingest(world: World, tenant: str, text: str, fmt: str, name: str = "calls") -> IngestReport:
    source = text_source(text, name=name, format_name=fmt)
    return ingest(world.use_case(OPERATOR), IngestCalls(tenant, [source]))


def _report(world: World, tenant: str, period: Period) -> AcdReport:
    command = ReadAcdReport(tenant, ReportBy.QUEUE, period)
    return acd_report(world.use_case(OPERATOR), command)


def _cells(report: AcdReport) -> dict[tuple[str, str], object]:
    return {(c.group, c.period): astuple(c.metrics) for c in report.cells}


def _same_reports(world: World) -> None:
    for period in (Period.DAY, Period.HOUR, Period.HOUR_OF_DAY, Period.MONTH):
        both, alone = _report(world, TENANT_A, period), _report(world, TENANT_B, period)
        assert _cells(both) == _cells(alone), period
        assert both.cells, period
        assert both.suppressed == alone.suppressed == 0, period  # every cell compared


def _count(world: World, tenant: str) -> int:
    with world.uow() as uow:
        return uow.calls.count_calls(tenant)


@pytest.mark.parametrize("cdr_first", [True, False], ids=["cdr-first", "queue-log-first"])
def test_the_cdr_and_the_queue_log_report_what_the_queue_log_alone_does(
    world: World, cdr_first: bool
) -> None:
    cdr, log = _generated(CDR), _generated(QUEUE_LOG)
    order = [(cdr, CDR), (log, QUEUE_LOG)] if cdr_first else [(log, QUEUE_LOG), (cdr, CDR)]
    for text, fmt in order:
        _ingest(world, TENANT_A, text, fmt)
    _ingest(world, TENANT_B, log, QUEUE_LOG)
    assert _count(world, TENANT_A) == _count(world, TENANT_B) == 1500 * K
    _same_reports(world)
    # each source again, in the other order: nothing changes
    for text, fmt in reversed(order):
        again = _ingest(world, TENANT_A, text, fmt)
        assert again.stored == 0
        assert again.joined == 0
    assert _count(world, TENANT_A) == 1500 * K
    _same_reports(world)


def test_a_call_seen_only_in_the_cdr_counts_once(world: World) -> None:
    done = _ingest(world, TENANT_A, _generated(CDR, 400, copies=1), CDR)
    assert done.stored == 400
    report = _report(world, TENANT_A, Period.MONTH)
    assert sum(cell.metrics.offered for cell in report.cells) == 400
    assert report.suppressed == 0  # four queues' months: each well over k


def test_the_sources_split_over_several_files_still_make_one_call_each(world: World) -> None:
    cdr, log = (
        _generated(CDR).splitlines(keepends=True),
        _generated(QUEUE_LOG).splitlines(keepends=True),
    )
    half_cdr = len(cdr) // 2
    half_log = next(i for i in range(len(log) // 2, len(log)) if "|ENTERQUEUE|" in log[i])
    parts = [
        ("".join(log[:half_log]), QUEUE_LOG),
        ("".join(cdr[:half_cdr]), CDR),
        ("".join(cdr[half_cdr:]), CDR),
        ("".join(log[half_log:]), QUEUE_LOG),
    ]
    for number, (text, fmt) in enumerate(parts):
        _ingest(world, TENANT_A, text, fmt, name=f"part-{number}")
    _ingest(world, TENANT_B, "".join(log), QUEUE_LOG)
    assert _count(world, TENANT_A) == _count(world, TENANT_B) == 1500 * K
    _same_reports(world)


def _hand_cdr(fake: Faker) -> tuple[str, str, str]:
    """A queue call that went through an IVR (its CDR starts 30 s before it entered the queue),
    left the first queue by timeout, entered a second and was answered there; and a call that
    left its queue by timeout, which its CDR calls NO ANSWER."""
    number = f"07700 900{fake.random_int(100, 999)}"
    base = 1_772_442_000  # 2026-03-02 09:00:00 UTC (GMT)
    log = "\n".join(
        [
            f"{base + 30}|1772442000.10|sales|NONE|ENTERQUEUE||{number}|1",
            f"{base + 90}|1772442000.10|sales|NONE|EXITWITHTIMEOUT|1|1|60",
            f"{base + 91}|1772442000.10|support|NONE|ENTERQUEUE||{number}|1",
            f"{base + 101}|1772442000.10|support|SIP/300|CONNECT|10|1772442101.12|2",
            f"{base + 161}|1772442000.10|support|SIP/300|COMPLETECALLER|10|60|1",
            f"{base + 600}|1772442600.20|sales|NONE|ENTERQUEUE||{number}|1",
            f"{base + 660}|1772442600.20|sales|NONE|EXITWITHTIMEOUT|1|1|60",
        ]
    )
    cdr = "\n".join(
        [
            (
                f'"","{number}","6000","from-trunk","""{number}"" <{number}>",'
                '"PJSIP/trunk-00000010","PJSIP/300-00000012","Queue","support,t",'
                '"2026-03-02 09:00:00","2026-03-02 09:01:41","2026-03-02 09:02:41",161,60,'
                '"ANSWERED","DOCUMENTATION","1772442000.10","","","1772442000.10",1'
            ),
            (
                f'"","{number}","6000","from-trunk","""{number}"" <{number}>",'
                '"PJSIP/trunk-00000020","","Queue","sales,t","2026-03-02 09:10:00","",'
                '"2026-03-02 09:11:00",60,0,"NO ANSWER","DOCUMENTATION","1772442600.20","","",'
                '"1772442600.20",2'
            ),
        ]
    )
    return cdr, log, number


@pytest.mark.parametrize("cdr_first", [True, False], ids=["cdr-first", "queue-log-first"])
def test_a_timeout_an_overflow_and_an_ivr_are_counted_as_the_queue_log_says(
    world: World, fake: Faker, cdr_first: bool
) -> None:
    cdr, log, _number = _hand_cdr(fake)
    cdr, log = asterisk_copies(cdr), asterisk_copies(log)
    order = [(cdr, CDR), (log, QUEUE_LOG)] if cdr_first else [(log, QUEUE_LOG), (cdr, CDR)]
    reports = [_ingest(world, TENANT_A, text, fmt) for text, fmt in order]
    _ingest(world, TENANT_B, log, QUEUE_LOG)
    assert _count(world, TENANT_A) == 3 * K  # two visits of one call, and the timeout
    assert sum(r.joined for r in reports) == 2 * K
    _same_reports(world)
    cells = {c.group: c.metrics for c in _report(world, TENANT_A, Period.MONTH).cells}
    sales, support = cells["sales"], cells["support"]
    assert sales is not None
    assert support is not None
    assert (sales.offered, sales.overflow, sales.abandoned) == (2 * K, 2 * K, 0)
    assert (support.offered, support.answered) == (1 * K, 1 * K)
    with world.uow() as uow:
        rows = sorted(uow.calls.iter_calls(TENANT_A), key=lambda c: (c.started_at, c.queue or ""))
    joined = [row for row in rows if row.sources == 3]
    assert len(joined) == 2 * K
    assert {row.disposition for row in joined} == {Disposition.OVERFLOW}
    assert all(row.legs == 1 and row.caller_ref is not None for row in rows)
    assert len({row.caller_ref for row in rows}) == 1


def test_a_restricted_presentation_in_either_source_is_stored_withheld(
    world: World, fake: Faker
) -> None:
    number = f"07700 900{fake.random_int(100, 999)}"
    line = (
        f'"""{number}"" <{number}>","{number}","6000","from-trunk","PJSIP/trunk-00000001",'
        '"","Queue","sales,t","2026-03-02 09:00:00","","2026-03-02 09:01:00",60,0,"NO ANSWER",'
        '"DOCUMENTATION","","1772442000.5","","1","prohib_passed_screen"'
    )
    log = "\n".join(
        [
            f"1772442000|1772442000.5|sales|NONE|ENTERQUEUE||{number}|1",
            "1772442060|1772442000.5|sales|NONE|ABANDON|1|1|60",
        ]
    )
    _ingest(world, TENANT_A, line, "asterisk-cdr-custom")
    done = _ingest(world, TENANT_A, log, QUEUE_LOG)
    assert done.joined == 1
    assert done.subjects_created == 0
    with world.uow() as uow:
        (row,) = list(uow.calls.iter_calls(TENANT_A))
    assert row.caller_withheld
    assert row.caller_ref is None
    assert row.disposition is Disposition.ABANDONED


def _broadworks(fake: Faker, copy: int = 0) -> str:
    """A call centre's record of a call, and the record of the agent it delivered it to, which
    names the centre's call as its related call; `copy` numbers the ids, for a call of its own
    at the same times."""
    number = f"+44770090{fake.random_int(1000, 9999)}"
    width = 273

    def record(fields: dict[int, str]) -> str:
        return ",".join(fields.get(n, "") for n in range(1, width + 1))

    common = {3: "Normal", 4: "+441134960001", 6: "Terminating", 7: number, 8: "Public"}
    centre = record(
        {
            **common,
            1: "0000000001B07A5A520260302090000",
            9: "+441134960001",
            10: "20260302090000.000",
            11: "0+0000",
            12: "No",
            14: "20260302090130.000",
            15: "016",
            45: "centre-call-1",
            121: "sales@example.test",
            273: "sales@example.test",
        }
    )
    agent = record(
        {
            **common,
            1: "0000000002B07A5A520260302090020",
            9: "+441134960201",
            10: "20260302090020.000",
            11: "0+0000",
            12: "Yes",
            13: "20260302090030.000",
            14: "20260302090130.000",
            15: "016",
            45: "agent-call-1",
            121: "201@example.test",
            147: "centre-call-1",
            273: "sales@example.test",
        }
    )
    text = centre + "\n" + agent + "\n"
    if copy:
        text = text.replace("call-1,", f"call-{copy + 1},").replace("B07A5A5", f"B07A5A{copy}")
    return text


def _broadworks_copies(fake: Faker, copies: int = K) -> tuple[str, str]:
    """`copies` calls, each as `_broadworks`: the call centre's records and the agents'."""
    lines = "".join(_broadworks(fake, i) for i in range(copies)).splitlines(keepends=True)
    return "".join(lines[0::2]), "".join(lines[1::2])


@pytest.mark.parametrize("split", [False, True], ids=["one-file", "two-files"])
def test_a_call_centre_s_record_and_its_agent_s_are_one_call(
    world: World, fake: Faker, split: bool
) -> None:
    centre, agent = _broadworks_copies(fake)  # the call K times, each with ids of its own
    if split:
        _ingest(world, TENANT_A, agent, "broadworks-csv", name="agents")
        _ingest(world, TENANT_A, centre, "broadworks-csv", name="centre")
    else:
        _ingest(world, TENANT_A, centre + agent, "broadworks-csv")
    again = _ingest(world, TENANT_A, centre + agent, "broadworks-csv", name="again")
    assert again.stored == 0
    assert again.joined == 0
    with world.uow() as uow:
        rows = list(uow.calls.iter_calls(TENANT_A))
    assert len(rows) == K
    for row in rows:
        assert row.disposition is Disposition.ANSWERED
        assert row.wait_s == 30.0  # from the centre's start to the agent's answer
        assert row.talk_s == 60.0
        assert row.agent_ref is not None
    cells = {c.group: c.metrics for c in _report(world, TENANT_A, Period.MONTH).cells}
    sales = cells["sales@example.test"]
    assert sales is not None
    assert (sales.offered, sales.answered, sales.abandoned) == (K, K, 0)


def _companion_cdr(queue_log: str) -> str:
    """A CDR row for each call the queue_log enters a queue, with the id, number and start the
    queue_log gives it, unanswered (the CDR cannot see the queue's outcome)."""
    rows = []
    for index, line in enumerate(queue_log.splitlines()):
        fields = line.split("|")
        if len(fields) < 7 or fields[4] != "ENTERQUEUE":
            continue
        at, callid, queue, number = int(fields[0]), fields[1], fields[2], fields[6]
        stamp = f"{_utc(at)}"
        rows.append(
            f'"","{number}","6000","from-trunk","""{number}"" <{number}>",'
            f'"PJSIP/trunk-{index:08x}","","Queue","{queue},t","{stamp}",'
            f'"","{stamp}",0,0,"NO ANSWER","DOCUMENTATION","{callid}","","","{callid}",0'
        )
    return "\n".join(rows) + "\n"


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize("cdr_first", [True, False], ids=["cdr-first", "queue-log-first"])
def test_the_real_queue_log_with_its_cdr_reports_what_it_does_alone(
    world: World, cdr_first: bool
) -> None:
    log = asterisk_copies(sample(SAMPLE_QUEUE_LOG).read_text("utf-8"))
    cdr = _companion_cdr(log)
    order = [(cdr, CDR), (log, QUEUE_LOG)] if cdr_first else [(log, QUEUE_LOG), (cdr, CDR)]
    for text, fmt in order:
        _ingest(world, TENANT_A, text, fmt)
    _ingest(world, TENANT_B, log, QUEUE_LOG)
    assert _count(world, TENANT_A) == _count(world, TENANT_B)
    _same_reports(world)


def _by_agent(world: World, tenant: str, period: Period) -> list[tuple[str, object]]:
    """Each cell of the by-agent report as (period, figures): the agents' subject references
    differ from store to store, the periods and figures must not."""
    report = acd_report(world.use_case(OPERATOR), ReadAcdReport(tenant, ReportBy.AGENT, period))
    return sorted((cell.period, astuple(cell.metrics)) for cell in report.cells)


@pytest.mark.parametrize("cdr_first", [True, False], ids=["cdr-first", "queue-log-first"])
def test_the_agent_report_counts_a_call_when_it_entered_the_queue_as_the_queue_log_does(
    world: World, fake: Faker, cdr_first: bool
) -> None:
    cdr, log, _number = _hand_cdr(fake)
    cdr, log = asterisk_copies(cdr), asterisk_copies(log)
    # the IVR now starts in the hour before the call enters its queue (09:00:30)
    cdr = cdr.replace(
        '"2026-03-02 09:00:00","2026-03-02 09:01:41","2026-03-02 09:02:41",161,',
        ('"2026-03-02 08:59:40","2026-03-02 09:01:41","2026-03-02 09:02:41",181,'),
    )
    assert "08:59:40" in cdr
    order = [(cdr, CDR), (log, QUEUE_LOG)] if cdr_first else [(log, QUEUE_LOG), (cdr, CDR)]
    for text, fmt in order:
        _ingest(world, TENANT_A, text, fmt)
    _ingest(world, TENANT_B, log, QUEUE_LOG)
    for period in (Period.HOUR, Period.DAY):
        both, alone = _by_agent(world, TENANT_A, period), _by_agent(world, TENANT_B, period)
        assert both == alone, period
    hours = {cell_period for cell_period, _figures in _by_agent(world, TENANT_A, Period.HOUR)}
    assert all("T09" in hour or " 09" in hour for hour in hours), hours
    # read first, the CDR gave the row its start (08:59:40): the report still counts the call
    # at 09:00, when it entered the queue
    with world.uow() as uow:
        first = min(call.started_at for call in uow.calls.iter_calls(TENANT_A))
    assert first.minute == (59 if cdr_first else 0)


def _offered_by_day(
    world: World, by: ReportBy, first: date | None = None, last: date | None = None
) -> dict[str, int]:
    command = ReadAcdReport(TENANT_A, by, Period.DAY, first, last)
    report = acd_report(world.use_case(OPERATOR), command)
    totals: dict[str, int] = {}
    for cell in report.cells:
        totals[cell.period] = totals.get(cell.period, 0) + cell.metrics.offered
    return totals


def test_a_call_entered_before_midnight_but_read_first_from_after_it_is_in_the_right_day(
    world: World, fake: Faker
) -> None:
    """The agent's record (00:00:10) arrives before the call centre's (entry 23:59:50): the row
    keeps the later start, its queue entry is the day before, and every report, for any range,
    counts it on that day."""
    centre, agent = (
        text.replace("20260302090000", "20260302235950")
        .replace("20260302090020", "20260303000010")
        .replace("20260302090030", "20260303000020")
        .replace("20260302090130", "20260303000120")
        for text in _broadworks_copies(fake)  # the call K times, each with ids of its own
    )
    _ingest(world, TENANT_A, agent, "broadworks-csv", name="agents")
    _ingest(world, TENANT_A, centre, "broadworks-csv", name="centre")
    with world.uow() as uow:
        rows = list(uow.calls.iter_calls(TENANT_A))
    assert len(rows) == K
    for row in rows:
        assert row.queued_at is not None
        assert row.queued_at < row.started_at  # the case: entry before the row's start
    before, after = date(2026, 3, 2), date(2026, 3, 3)
    for by in (ReportBy.QUEUE, ReportBy.AGENT):  # (each caller is under k: pooled away)
        assert _offered_by_day(world, by) == {"2026-03-02": K}, by
        assert _offered_by_day(world, by, before, before) == {"2026-03-02": K}, by
        assert _offered_by_day(world, by, after, after) == {}, by
