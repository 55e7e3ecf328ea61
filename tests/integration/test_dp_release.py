"""An ACD report released with differential-privacy noise (OpenDP): the same cells as the exact
report, counts with noise of the scale the budget asks (4 / epsilon), averages of seconds left
out, and each release's certified budget in the tenant's ledger and the audit log."""

from __future__ import annotations

import io
import math
import statistics
from dataclasses import replace

import pytest
from bench.gen_calls import Workload, generate

from dataward.adapters.ingest.files import text_source
from dataward.adapters.stats.dp import OpenDpNoise
from dataward.domain.calls.acd import Period
from dataward.domain.calls.acd_report import AcdReport, ReportBy
from dataward.domain.errors import ConfigurationError, OutOfRange
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.reports import ReadAcdReport, acd_report
from dataward.services.context import UseCase
from tests.builders import TENANT_A
from tests.integration.world import World

OPERATOR = Actor(id="staff-operator", role="operator")


def _ingest(world: World) -> None:
    out = io.StringIO()
    generate("asterisk-queue-log", out, Workload(3000, numbers=300, queues=4, days=30))
    source = text_source(out.getvalue(), name="q", format_name="asterisk-queue-log")
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))


def _noisy(world: World) -> UseCase:
    return replace(world.use_case(OPERATOR), noise=OpenDpNoise())


def _report(ctx: UseCase, epsilon: float | None = None) -> AcdReport:
    return acd_report(ctx, ReadAcdReport(TENANT_A, ReportBy.QUEUE, Period.DAY, dp_epsilon=epsilon))


def test_a_release_with_noise_keeps_the_cells_and_spends_its_budget(world: World) -> None:
    _ingest(world)
    exact = _report(world.use_case(OPERATOR))
    noisy = _report(_noisy(world), 1.0)
    assert [(c.group, c.period) for c in noisy.cells] == [(c.group, c.period) for c in exact.cells]
    errors = [
        n.metrics.offered - e.metrics.offered for n, e in zip(noisy.cells, exact.cells, strict=True)
    ]
    assert any(errors)  # noise was added
    assert abs(statistics.mean(errors)) < 3  # unbiased (clamping at 0 aside: cells are large)
    # discrete Laplace of scale 4: standard deviation about 4 * sqrt(2)
    assert 2 < statistics.pstdev(errors) < 11
    for cell in noisy.cells:
        m = cell.metrics
        assert min(m.offered, m.answered, m.abandoned, m.overflow) >= 0
        assert (m.asa_s, m.avg_wait_s, m.avg_talk_s, m.p90_wait_s) == (None, None, None, None)
        assert m.answer_rate is None or 0 <= m.answer_rate <= 1
    assert noisy.dp_epsilon == pytest.approx(1.0)
    _report(_noisy(world), 0.5)
    with world.uow() as uow:
        assert uow.releases.spent(TENANT_A) == pytest.approx(1.5)
        released = [e for e in uow.audit.iter_entries() if e.action == "call_report_released"]
    assert [e.details["epsilon"] for e in released] == pytest.approx([1.0, 0.5])


def test_a_smaller_budget_means_more_noise(world: World) -> None:
    _ingest(world)
    exact = _report(world.use_case(OPERATOR))

    def spread(epsilon: float) -> float:
        noisy = _report(_noisy(world), epsilon)
        return statistics.pstdev(
            n.metrics.answered - e.metrics.answered
            for n, e in zip(noisy.cells, exact.cells, strict=True)
        )

    assert spread(10.0) < 2  # scale 0.4
    assert spread(0.1) > 20  # scale 40


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
