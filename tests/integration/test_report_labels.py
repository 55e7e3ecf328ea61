"""A report by agent or by caller labels its cells with subjects: every label of a cell the k
rule shows is put to the gate for the report's purpose, on SQLite and PostgreSQL (a cell under
k is pooled unlabelled, and asks nothing). A subject the gate refuses is left out, calls and
all, in every format (counted, never named); a role without need-to-know for the purpose is
refused the whole report before anything is read; every decision is on the audit log.

Tenant A's queue `sales`, Monday 2 March 2026 from 09:01: three callers (`plain`,
`restricted`, `erased`) ring K times each, and agent 200 answers every call.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import pytest
from faker import Faker
from sqlalchemy import select, update

from dataward.adapters.documents.acd_report import report_csv, report_json, report_table
from dataward.adapters.ingest.files import text_source
from dataward.adapters.sql.calls.tables import calls
from dataward.domain.audit import AuditAction, AuditEntry
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import AcdReport, ReportBy
from dataward.domain.calls.small_cells import NO_PARTY, SUPPRESSED
from dataward.domain.errors import AccessDenied, ActionNotAllowed
from dataward.domain.processing.restrictions import RestrictionGround
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.processing.erasure import Shred, shred
from dataward.services.processing.restrictions import ApplyRestriction, apply_restriction
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World
from tests.support.copies import K

OPERATOR = Actor(id="staff-operator", role="operator")
SUPPORT = Actor(id="staff-support", role="support")
ADMIN_A = Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A)
ADMIN_B = Actor(id="admin-b", role="tenant_admin", tenant_id=TENANT_B)
BASE = 1_772_442_000  # 2026-03-02T09:00:00Z
DAY = "2026-03-02"
CALLERS = ("plain", "restricted", "erased")


def _queue_log(numbers: list[str]) -> str:
    """A call to `sales` answered by agent 200 for each number of `numbers`, a minute apart."""
    lines = []
    for n, number in enumerate(numbers):
        at, callid = BASE + 60 * (n + 1), f"{BASE + n}.{n}"
        lines += [
            f"{at}|{callid}|sales|NONE|ENTERQUEUE||{number}|1",
            f"{at + 10}|{callid}|sales|SIP/200|CONNECT|10|{callid}9|2",
            f"{at + 40}|{callid}|sales|SIP/200|COMPLETECALLER|10|30|1",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def ids(world: World, fake: Faker) -> dict[str, str]:
    """Each caller's subject id, and the agent's, by name."""
    numbers = {name: f"07700 900{fake.unique.random_int(100, 999)}" for name in CALLERS}
    _ingest(world, [number for number in numbers.values() for _ in range(K)])
    found = {name: _subject_id(world, number) for name, number in numbers.items()}
    with world.uow() as uow:
        (agent,) = {call.agent_ref for call in uow.calls.iter_calls(TENANT_A)}
    assert agent is not None
    found["agent"] = agent
    return found


def _ingest(world: World, numbers: list[str]) -> None:
    source = text_source(_queue_log(numbers), name="labels.log", format_name="asterisk-queue-log")
    stored = ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source])).stored
    assert stored == len(numbers)


def _subject_id(world: World, number: str) -> str:
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", number, tenant_id=TENANT_A)
    )
    assert subject is not None
    return str(subject.id)


def _restrict(world: World, subject_id: str) -> None:
    apply_restriction(
        world.use_case(ADMIN_A),
        ApplyRestriction(uuid.UUID(subject_id), RestrictionGround.ACCURACY_CONTESTED),
    )


def _report(
    world: World, actor: Actor, by: ReportBy, purpose: str = "telephony_reporting"
) -> AcdReport:
    command = ReadAcdReport(TENANT_A, by, Period.DAY, purpose=purpose)
    return acd_report(world.use_case(actor), command)


def _offered(report: AcdReport) -> dict[str, int]:
    return {cell.group: cell.metrics.offered for cell in report.cells}


def _entries(world: World, action: AuditAction) -> list[AuditEntry]:
    with world.uow() as uow:
        return [e for e in uow.audit.iter_entries() if e.action == action]


def _decisions(world: World) -> dict[str, list[str | None]]:
    """Each subject's gate decisions, in order, by subject id."""
    out: dict[str, list[str | None]] = {}
    for entry in _entries(world, AuditAction.GATE_DECISION):
        out.setdefault(str(entry.subject_ref), []).append(entry.decision)
    return out


RENDERERS: list[Callable[[AcdReport], str]] = [report_csv, report_json, report_table]


def test_every_label_is_decided_and_recorded(world: World, ids: dict[str, str]) -> None:
    by_caller = _report(world, OPERATOR, ReportBy.CALLER)
    assert _offered(by_caller) == {ids[name]: K for name in CALLERS}
    assert (by_caller.withheld, by_caller.purpose) == (0, "telephony_reporting")
    by_agent = _report(world, OPERATOR, ReportBy.AGENT)
    assert _offered(by_agent) == {ids["agent"]: 3 * K}
    decisions = _decisions(world)
    assert decisions == {ids[name]: ["permitted"] for name in (*CALLERS, "agent")}
    entries = _entries(world, AuditAction.GATE_DECISION)
    assert {(e.purpose, e.details["category"], e.actor) for e in entries} == {
        ("telephony_reporting", "telephony_activity", OPERATOR.id)
    }
    (read, _agent_read) = _entries(world, AuditAction.CALL_REPORT_READ)
    assert read.details == {
        "tenant": TENANT_A,
        "by": "caller",
        "period": "day",
        "purpose": "telephony_reporting",
        "withheld": 0,
    }


@pytest.mark.usefixtures("ids")
def test_a_queue_report_names_nobody_and_asks_the_gate_nothing(world: World) -> None:
    report = _report(world, OPERATOR, ReportBy.QUEUE)
    assert _offered(report) == {"sales": 3 * K}
    assert (report.purpose, report.withheld) == (None, None)
    assert _decisions(world) == {}


def test_a_restricted_caller_is_left_out_calls_and_all(world: World, ids: dict[str, str]) -> None:
    _restrict(world, ids["restricted"])
    report = _report(world, OPERATOR, ReportBy.CALLER)
    assert _offered(report) == {ids["plain"]: K, ids["erased"]: K}
    assert report.withheld == 1
    for render in RENDERERS:
        assert ids["restricted"] not in render(report)
    assert _decisions(world)[ids["restricted"]] == ["processing_restricted"]
    # its tenant's administrator, the controller, is refused the label too: the restriction
    # stands for every use but storage and legal claims
    own = _report(world, ADMIN_A, ReportBy.CALLER)
    assert ids["restricted"] not in _offered(own)
    assert own.withheld == 1


def test_an_erased_caller_is_left_out(world: World, ids: dict[str, str]) -> None:
    erased = ids["erased"]
    shred(world.use_case(world.who_erases(erased)), Shred(erased, "erasure_request"))
    report = _report(world, OPERATOR, ReportBy.CALLER)
    # the store unlinked its calls: they count, with no one's label
    assert _offered(report) == {ids["plain"]: K, ids["restricted"]: K, NO_PARTY: K}
    assert report.withheld == 0
    # a reference the unlinking missed still labels nothing: the gate refuses the subject
    # from its tombstone, and the decision is recorded
    with world.engine.begin() as connection:
        connection.execute(
            update(calls)
            .where(calls.c.tenant_id == TENANT_A, calls.c.caller_ref.is_(None))
            .values(caller_ref=erased)
        )
    stale = _report(world, OPERATOR, ReportBy.CALLER)
    assert _offered(stale) == {ids["plain"]: K, ids["restricted"]: K}
    assert stale.withheld == 1
    for render in RENDERERS:
        assert erased not in render(stale)
    assert _decisions(world)[erased] == ["subject_erased"]


def test_a_reference_to_no_subject_is_left_out_without_a_decision(
    world: World, ids: dict[str, str]
) -> None:
    nobody = str(uuid.uuid4())
    with world.engine.begin() as connection:
        connection.execute(
            update(calls)
            .where(calls.c.tenant_id == TENANT_A, calls.c.caller_ref == ids["plain"])
            .values(caller_ref=nobody)
        )
    report = _report(world, OPERATOR, ReportBy.CALLER)
    assert _offered(report) == {ids["restricted"]: K, ids["erased"]: K}
    assert report.withheld == 1
    assert nobody not in _decisions(world)


def test_a_label_under_k_is_pooled_unlabelled_and_never_decided(
    world: World, ids: dict[str, str]
) -> None:
    with world.engine.begin() as connection:  # all but two of its calls made plain's
        moved = connection.execute(
            select(calls.c.started_at, calls.c.source_key)
            .where(calls.c.tenant_id == TENANT_A, calls.c.caller_ref == ids["restricted"])
            .order_by(calls.c.started_at)
            .limit(K - 2)
        ).all()
        for started_at, source_key in moved:
            connection.execute(
                update(calls)
                .where(
                    calls.c.tenant_id == TENANT_A,
                    calls.c.started_at == started_at,
                    calls.c.source_key == source_key,
                )
                .values(caller_ref=ids["plain"])
            )
    _restrict(world, ids["restricted"])
    report = _report(world, OPERATOR, ReportBy.CALLER)
    # the restricted caller's 2 calls: under k, so its label would never be shown and is not
    # put to the gate; its calls go to the pool, unlabelled, and a pool of 2 is not shown
    assert _offered(report) == {ids["plain"]: 2 * K - 2, ids["erased"]: K}
    assert (report.withheld, report.suppressed) == (0, 1)
    assert ids["restricted"] not in _decisions(world)


@pytest.mark.parametrize("by", [ReportBy.AGENT, ReportBy.CALLER])
def test_a_role_without_need_to_know_for_the_purpose_is_refused_the_report(
    world: World, ids: dict[str, str], by: ReportBy
) -> None:
    with pytest.raises(AccessDenied) as refused:
        _report(world, SUPPORT, by)  # support reads reports for telephony_support only
    assert refused.value.reason == "role_lacks_need_to_know"
    with pytest.raises(AccessDenied):
        _report(world, OPERATOR, by, purpose="telephony_support")
    with pytest.raises(AccessDenied) as unregistered:
        _report(world, OPERATOR, by, purpose="no_such_purpose")
    assert unregistered.value.reason == "unregistered_purpose"
    assert _decisions(world) == {}  # refused before anyone was looked at
    assert _entries(world, AuditAction.CALL_REPORT_READ) == []
    # the purpose its role has: allowed, labels and all
    allowed = _report(world, SUPPORT, ReportBy.CALLER, purpose="telephony_support")
    assert _offered(allowed) == {ids[name]: K for name in CALLERS}
    assert _report(world, SUPPORT, ReportBy.QUEUE).cells  # a queue report needs no purpose


@pytest.mark.usefixtures("ids")
@pytest.mark.parametrize("by", list(ReportBy))
def test_another_tenants_admin_is_refused_as_before(world: World, by: ReportBy) -> None:
    with pytest.raises(ActionNotAllowed):
        _report(world, ADMIN_B, by)
    assert _decisions(world) == {}


def test_a_tenant_admin_gets_its_callers_but_not_our_agents(
    world: World, ids: dict[str, str]
) -> None:
    """An agent is one of our own subjects (tenant None): out of a tenant administrator's
    scope, so the gate refuses the label (tenant mismatch) and its calls are left out: with
    one agent on duty, any row of them would be that agent's figures."""
    by_caller = _report(world, ADMIN_A, ReportBy.CALLER)
    assert _offered(by_caller) == {ids[name]: K for name in CALLERS}
    by_agent = _report(world, ADMIN_A, ReportBy.AGENT)
    assert _offered(by_agent) == {}
    assert (by_agent.withheld, by_agent.suppressed) == (1, 0)
    assert _decisions(world)[ids["agent"]] == ["tenant_mismatch"]


def test_a_lone_refused_callers_figures_are_in_no_row_of_any_format(
    world: World, fake: Faker
) -> None:
    """One restricted caller of k+1 calls, and another of k-1: a row of the refused caller's
    calls would be its own figures, and pooled with the other's they would reach k."""
    restricted, other = (f"07700 900{fake.unique.random_int(100, 999)}" for _ in range(2))
    _ingest(world, [restricted] * (K + 1) + [other] * (K - 1))
    _restrict(world, _subject_id(world, restricted))
    report = _report(world, OPERATOR, ReportBy.CALLER)
    assert (report.cells, report.withheld, report.suppressed) == ([], 1, 1)
    assert report_csv(report).splitlines()[1:] == []
    assert json.loads(report_json(report))["cells"] == []
    table = report_table(report).splitlines()
    assert table[1] == ""  # the header, then the footer: no row
    assert "their calls left out of this view" in table[2]
    queue = _report(world, OPERATOR, ReportBy.QUEUE)  # the anonymous rollups count every call
    assert _offered(queue) == {"sales": 2 * K}


def test_only_the_labels_of_cells_shown_are_decided(world: World) -> None:
    """3,000 callers of one call each (pooled, never labelled) and one of k calls: one label is
    shown, so one decision is recorded, not 3,001."""
    ranges = ("07700 900{:03d}", "020 7946 0{:03d}", "01632 960{:03d}")
    singles = [spelling.format(i) for spelling in ranges for i in range(1000)]
    regular = "0113 496 0000"
    _ingest(world, [regular] * K + singles)  # its calls first: all on the first day
    before = len(_entries(world, AuditAction.GATE_DECISION))
    report = _report(world, OPERATOR, ReportBy.CALLER)
    assert len(_entries(world, AuditAction.GATE_DECISION)) == before + 1
    assert _decisions(world) == {_subject_id(world, regular): ["permitted"]}
    labelled = {cell.group for cell in report.cells} - {SUPPRESSED}
    assert labelled == {_subject_id(world, regular)}
    assert (report.withheld, report.suppressed) == (0, len(singles))
