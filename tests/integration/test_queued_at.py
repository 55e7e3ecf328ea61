"""A queue call's times are all stored alike: `queued_at` as naive UTC with microseconds on
SQLite, like `started_at` (the bulk path once let the driver write it as local time with its
offset), and migration 0029 rewrites the ones written that way."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from bench.gen_calls import Workload, generate
from sqlalchemy import Engine

from dataward.adapters.ingest.files import text_source
from dataward.adapters.sql import migrate
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from tests.builders import TENANT_A
from tests.integration.world import World

OPERATOR = Actor(id="staff-operator", role="operator")


def test_a_queue_call_is_queued_at_its_start_written_as_its_start_is(world: World) -> None:
    out = io.StringIO()
    generate("asterisk-cdr-csv", out, Workload(40, numbers=30, queues=2, days=2))
    source = text_source(out.getvalue(), name="calls", format_name="asterisk-cdr-csv")
    ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))
    with world.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT CAST(started_at AS TEXT), CAST(queued_at AS TEXT) FROM calls "
                "WHERE queue IS NOT NULL"
            )
        ).all()
    assert len(rows) == 40
    assert all(started == queued for started, queued in rows), rows[:3]


def test_migration_0029_rewrites_times_written_with_their_offset(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL stored instants (timestamptz): 0029 changes nothing there")
    migrate.upgrade(engine, "0028")
    base = {
        "tenant_id": "t",
        "answered_at": None,
        "ended_at": None,
        "direction": "inbound",
        "disposition": "answered",
        "queue": "q",
        "caller_withheld": False,
        "callee_withheld": False,
        "legs": 1,
        "format": "asterisk-cdr-csv",
        "ingest_id": 1,
    }
    rows = [  # (key, started as stored, queued as once written)
        (b"a" * 16, "2026-10-17 00:00:34.000000", "2026-10-17 01:00:34+01:00"),
        (b"b" * 16, "2026-03-29 00:30:00.250000", "2026-03-29 00:30:00.250000+00:00"),
        (b"c" * 16, "2026-12-31 23:59:59.000000", "2027-01-01 00:59:59+01:00"),
        (b"d" * 16, "2026-05-01 09:00:00.000000", "2026-05-01 09:00:00.000000"),  # right already
    ]
    with engine.begin() as connection:
        for key, started, queued in rows:
            values = {**base, "source_key": key, "started_at": started, "queued_at": queued}
            columns = ", ".join(values)
            marks = ", ".join(f":{name}" for name in values)
            connection.execute(sa.text(f"INSERT INTO calls ({columns}) VALUES ({marks})"), values)  # noqa: S608
    migrate.upgrade(engine)
    with engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT started_at, queued_at FROM calls ORDER BY source_key")
        ).all()
    assert [str(queued) for _started, queued in found] == [str(started) for started, _q in found]
