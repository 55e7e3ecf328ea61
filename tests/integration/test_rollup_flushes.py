"""The rollups come out the same however often the buffer writes them: hour cells every few
hours held, the local grains held across flushes and written at the end or when too many are
held, and calls taken back (joined by a later record) in another flush than they were added."""

from __future__ import annotations

import io
from dataclasses import astuple

import pytest
from bench.gen_calls import Workload, generate

from dataward.adapters.ingest.files import text_source
from dataward.domain.calls.acd import Tally
from dataward.domain.subjects import Actor
from dataward.services.calls import rollups, writer
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.rollups import Grain
from tests.builders import TENANT_A, TENANT_B
from tests.integration.world import World

OPERATOR = Actor(id="staff-operator", role="operator")
CDR, QUEUE_LOG = "asterisk-cdr-csv", "asterisk-queue-log"


def _file(fmt: str) -> str:
    out = io.StringIO()
    generate(fmt, out, Workload(1200, numbers=200, queues=5, days=40))
    return out.getvalue()


def _ingest(world: World, tenant: str, *files: tuple[str, str]) -> None:
    sources = [
        text_source(text, name=f"part-{n}", format_name=fmt) for n, (text, fmt) in enumerate(files)
    ]
    ingest(world.use_case(OPERATOR), IngestCalls(tenant, sources, batch_size=100))


def _figures(tally: Tally) -> tuple[object, ...]:
    return tuple(round(v, 6) if isinstance(v, float) else v for v in astuple(tally))


def _rollups(world: World, tenant: str) -> dict[tuple[str, str, str], tuple[object, ...]]:
    with world.uow() as uow:
        return {
            (grain.value, queue, bucket): _figures(tally)
            for grain in Grain
            for queue, bucket, tally in uow.rollups.read(tenant, grain.value)
        }


@pytest.mark.parametrize("local_cells", [0, 40, 10_000_000], ids=["each-flush", "some", "end"])
def test_the_rollups_are_the_same_however_often_they_are_written(
    world: World, monkeypatch: pytest.MonkeyPatch, local_cells: int
) -> None:
    cdr, log = _file(CDR), _file(QUEUE_LOG)
    _ingest(world, TENANT_B, (cdr, CDR), (log, QUEUE_LOG))  # the defaults
    monkeypatch.setattr(writer, "FLUSH_CELLS", 7)
    monkeypatch.setattr(rollups, "FLUSH_CELLS", 7)
    monkeypatch.setattr(rollups, "LOCAL_CELLS", local_cells)
    _ingest(world, TENANT_A, (cdr, CDR), (log, QUEUE_LOG))  # joins across flushes
    often, once = _rollups(world, TENANT_A), _rollups(world, TENANT_B)
    assert often == once
    offered = sum(figures[0] for (grain, _q, _b), figures in once.items() if grain == "month")
    assert offered == 1200  # each call once, though both sources were read
