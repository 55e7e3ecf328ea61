"""The bulk path: its numbers stay inside their columns (a call of more legs than a small
integer holds is stored with the most it can count, alike on both backends, and PostgreSQL's
binary COPY refuses a number out of its column's range instead of wrapping it round), and calls
spread too thin for range scans are still known when sent again."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from bench.gen_calls import Workload, generate

from dataward.adapters.ingest.files import text_source
from dataward.adapters.sql.copy import copy_rows
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.calls.writer import MOST_LEGS
from tests.builders import TENANT_A
from tests.integration.world import World

OPERATOR = Actor(id="staff-operator", role="operator")
LINKED = "1792195234.0"


def _leg(sequence: int) -> str:
    uniqueid = LINKED if sequence == 0 else f"1792195234.{sequence}"
    return (
        '"","07700900003","6016","ext-queues","""Caller"" <07700900003>",'
        '"PJSIP/trunk-00000000","SIP/2133-00000001","Queue","sales,t,,,180",'
        '"2026-10-17 01:00:34","2026-10-17 01:00:43","2026-10-17 01:03:00",146,137,'
        f'"ANSWERED","DOCUMENTATION","{uniqueid}","","","{LINKED}",{sequence}\n'
    )


def test_a_call_of_more_legs_than_a_column_counts_is_stored_with_the_most_it_counts(
    world: World,
) -> None:
    text = "".join(_leg(i) for i in range(MOST_LEGS + 3))
    source = text_source(text, name="legs", format_name="asterisk-cdr-csv")
    report = ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))
    assert report.stored == 1
    with world.engine.connect() as connection:
        legs = connection.execute(sa.text("SELECT legs FROM calls")).scalar_one()
    assert legs == MOST_LEGS


def test_binary_copy_refuses_a_number_out_of_its_columns_range(world: World) -> None:
    if world.engine.dialect.name != "postgresql":
        pytest.skip("binary COPY is PostgreSQL's")
    table = sa.Table(
        "bounded",
        sa.MetaData(),
        sa.Column("small", sa.SmallInteger),
        sa.Column("whole", sa.Integer),
    )
    with world.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE bounded (small int2, whole int4)")
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        copy_rows(cursor, table, ("small", "whole"), [(2**15 - 1, 2**31 - 1), (None, None)])
    for row in ((2**15, 0), (0, 2**31), (-(2**15) - 1, 0)):
        with world.engine.begin() as connection:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with pytest.raises(ValueError, match="out of range"):
                copy_rows(cursor, table, ("small", "whole"), [(1, 1), row])
            connection.rollback()
    with world.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT small, whole FROM bounded").all()
    assert stored == [(2**15 - 1, 2**31 - 1), (None, None)]  # nothing of a refused copy


def _sparse(fmt: str, calls: int, seed: int) -> str:
    """`calls` calls spread over a month: a batch of them is cut into one stretch per call."""
    out = io.StringIO()
    generate(fmt, out, Workload(calls, numbers=40, queues=2, days=30, seed=seed))
    return out.getvalue()


# FreeSWITCH's records carry no PBX ids to link by: only the store's look-up of (start, key)
# knows them again; Asterisk's are also known by their links
@pytest.mark.parametrize("fmt", ["freeswitch-cdr-csv", "asterisk-cdr-csv"])
def test_calls_spread_thin_are_known_again_when_sent_again(world: World, fmt: str) -> None:
    first, second = _sparse(fmt, 60, 1), _sparse(fmt, 60, 2)
    use_case = world.use_case(OPERATOR)

    def sent(text: str, name: str) -> tuple[int, int]:
        source = text_source(text, name=name, format_name=fmt)
        report = ingest(use_case, IngestCalls(TENANT_A, [source]))
        return report.stored, report.duplicates

    assert sent(first, "first") == (60, 0)
    assert sent(first, "again") == (0, 60)
    assert sent(first + second, "both") == (60, 60)  # only the calls not held yet are stored
    with world.uow() as uow:
        assert uow.calls.count_calls(TENANT_A) == 120
