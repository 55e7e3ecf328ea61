"""An ACD report released with differential-privacy noise (OpenDP): by queue, over a bounded
range, with a cell for every queue and every period whether or not a call fell in it; counts
with noise of the scale the budget asks (4 / epsilon), averages of seconds left out, and
then, as every report, no cell under the register's k shown (decided on the noisy counts);
each release's certified budget reserved in the tenant's ledger (and audited) before the
noise is drawn, and refused once the tenant's releases would pass their budget."""

from __future__ import annotations

import io
import math
import statistics
from dataclasses import replace
from datetime import date

import pytest
from bench.gen_calls import Workload, generate

from dataward.adapters.documents.acd_report import report_json
from dataward.adapters.ingest.files import text_source
from dataward.adapters.stats.dp import OpenDpNoise
from dataward.domain.calls.acd import Metrics, Period
from dataward.domain.calls.acd_report import AcdReport, ReportBy
from dataward.domain.calls.dp_release import BUDGET, ReleaseRefused
from dataward.domain.calls.small_cells import SUPPRESSED
from dataward.domain.errors import ConfigurationError, OutOfRange
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.context import UseCase
from tests.builders import TENANT_A
from tests.integration.world import World
from tests.support.copies import K

OPERATOR = Actor(id="staff-operator", role="operator")
FIRST, LAST = date(2026, 10, 2), date(2026, 10, 31)  # the generated file's 30 days
QUEUES = 4


def _ingest(world: World) -> None:
    out = io.StringIO()
    generate("asterisk-queue-log", out, Workload(3000, numbers=300, queues=QUEUES, days=30))
    source = text_source(out.getvalue(), name="q", format_name="asterisk-queue-log")
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))


def _noisy(world: World) -> UseCase:
    return replace(world.use_case(OPERATOR), noise=OpenDpNoise())


def _report(ctx: UseCase, epsilon: float | None = None, **kw: object) -> AcdReport:
    command = ReadAcdReport(TENANT_A, ReportBy.QUEUE, Period.DAY, FIRST, LAST, epsilon)
    return acd_report(ctx, replace(command, **kw))  # type: ignore[arg-type]


def _figures(report: AcdReport) -> dict[tuple[str, str], Metrics]:
    """The queues' cells of a report (not the pools of cells under k)."""
    return {(c.group, c.period): c.metrics for c in report.cells if c.group != SUPPRESSED}


def _released(report: AcdReport) -> int:
    """How many cells the release had: those shown, and those it hid under k."""
    return len(_figures(report)) + report.suppressed


def test_a_release_has_every_cell_counts_with_noise_and_spends_its_budget(world: World) -> None:
    _ingest(world)
    exact = _figures(_report(world.use_case(OPERATOR)))
    noisy = _report(_noisy(world), 1.0)
    assert _released(noisy) == QUEUES * 30  # every queue, every day: not only those with calls
    shown = _figures(noisy)
    # the cells well above k in both, so hardly ever hidden by their noise
    large = [key for key in exact if key in shown and exact[key].offered >= 4 * K]
    assert len(large) > QUEUES * 30 // 2
    errors = [shown[key].offered - exact[key].offered for key in large]
    assert any(errors)  # noise was added
    assert abs(statistics.mean(errors)) < 3  # unbiased (the cells are large: no clamping)
    assert 2 < statistics.pstdev(errors) < 11  # discrete Laplace of scale 4: sd about 5.7
    for m in shown.values():
        assert min(m.offered, m.answered, m.abandoned, m.overflow) >= 0
        assert (m.asa_s, m.avg_wait_s, m.avg_talk_s, m.p90_wait_s) == (None, None, None, None)
        assert m.answer_rate is None or 0 <= m.answer_rate <= 1
    assert noisy.dp_epsilon == pytest.approx(1.0)
    _report(_noisy(world), 0.5)
    with world.uow() as uow:
        assert uow.releases.spent(TENANT_A) == pytest.approx(1.5)
        released = [e for e in uow.audit.iter_entries() if e.action == "call_report_released"]
    assert [e.details["epsilon"] for e in released] == pytest.approx([1.0, 0.5])


def test_a_range_with_no_call_still_has_every_cell(world: World) -> None:
    _ingest(world)
    quiet = _report(_noisy(world), 5.0, first=date(2026, 6, 1), last=date(2026, 6, 7))
    assert _released(quiet) == QUEUES * 7  # what is released does not show where calls were


def test_a_smaller_budget_means_more_noise(world: World) -> None:
    _ingest(world)
    exact = _figures(_report(world.use_case(OPERATOR)))

    def spread(epsilon: float) -> float:
        shown = _figures(_report(_noisy(world), epsilon))
        both = [key for key in exact if key in shown]  # a cell under k after its noise: hidden
        return statistics.pstdev(shown[key].answered - exact[key].answered for key in both)

    assert spread(0.1) > 20  # scale 40
    assert spread(9.0) < 2  # scale 0.44 (the two together fit the budget of 10)


@pytest.mark.parametrize("epsilon", [0.5, 9.0])
def test_a_release_shows_no_cell_under_k_after_its_noise(world: World, epsilon: float) -> None:
    """k applies to the noisy counts, as to every report: nothing shown is 1 to k-1, a pool is
    shown only from k, and the release says k and how many cells it hid."""
    _ingest(world)
    exact = _report(world.use_case(OPERATOR))
    assert exact.suppressed > 0  # weekend days of the quieter queues: 1 to 4 calls
    noisy = _report(_noisy(world), epsilon)
    assert noisy.k == K
    assert _released(noisy) == QUEUES * 30
    assert all(c.metrics.offered == 0 or c.metrics.offered >= K for c in noisy.cells)
    assert all(c.metrics.offered >= K for c in noisy.cells if c.group == SUPPRESSED)
    if epsilon == 9.0:  # noise of scale 0.44: the small cells are hidden as without it
        assert noisy.suppressed >= exact.suppressed // 2
    text = report_json(noisy)
    assert f'"k_anonymity_threshold": {K}' in text
    assert f'"suppressed_cells": {noisy.suppressed}' in text


def test_releases_stop_at_the_tenants_budget(world: World) -> None:
    _ingest(world)
    _report(_noisy(world), BUDGET * 0.6)
    with pytest.raises(ReleaseRefused):
        _report(_noisy(world), BUDGET * 0.5)  # would pass the budget: nothing is released
    with world.uow() as uow:
        assert uow.releases.spent(TENANT_A) == pytest.approx(BUDGET * 0.6)


@pytest.mark.parametrize(
    "change",
    [
        {"by": ReportBy.CALLER},
        {"by": ReportBy.AGENT},
        {"first": None},
        {"last": None},
        {"first": date(2025, 1, 1)},  # more than 366 days
    ],
)
def test_only_a_bounded_report_by_queue_is_released(
    world: World, change: dict[str, object]
) -> None:
    with pytest.raises(ReleaseRefused):
        _report(_noisy(world), 1.0, **change)
    with world.uow() as uow:
        assert uow.releases.spent(TENANT_A) == 0


@pytest.mark.parametrize("epsilon", [0.0, -1.0, 10.5, math.nan, math.inf])
def test_a_budget_out_of_range_is_refused_and_nothing_is_spent(
    world: World, epsilon: float
) -> None:
    with pytest.raises(OutOfRange):
        _report(_noisy(world), epsilon)
    with world.uow() as uow:
        assert uow.releases.spent(TENANT_A) == 0


def test_no_mechanism_bound_refuses_a_release(world: World) -> None:
    with pytest.raises(ConfigurationError):
        _report(world.use_case(OPERATOR), 1.0)
