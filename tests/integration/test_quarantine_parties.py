"""Who a quarantined line is indexed by: a number in any spelling party resolution reads, an
agent where the line's format puts agents (and never a duration that looks like one), and no
more than a bounded number of either, however hostile the line."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.ingest.files import file_source
from dataward.adapters.sql.calls.tables import call_quarantine, quarantine_parties
from dataward.domain.calls.line_parties import MAX_LINE, MAX_PARTIES, TOO_LONG
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.processing.erasure import Shred, shred
from dataward.services.quarantine.lines import export_quarantine, list_quarantine
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.integration.test_quarantine_erasure import (
    ADMIN,
    EPOCH,
    OPERATOR,
    TENANT,
    Caller,
    _opened_lines,
    _tenant,
)
from tests.integration.test_quarantine_keys import CSV_HEADER, MAPPING, _csv, _csv_row
from tests.integration.world import World


def _ingest(world: World, path: Path, fmt: str, mapping: Path | None = None) -> int:
    report = ingest(
        world.use_case(OPERATOR),
        IngestCalls(TENANT, [file_source(path, format_name=fmt, mapping=mapping)], quarantine=True),
    )
    return report.ingest_ids[0]


def _shred(world: World, subject_id: str) -> dict[str, int]:
    return shred(
        world.use_case(world.who_erases(subject_id)), Shred(subject_id, "erasure_request")
    ).removed


@pytest.mark.parametrize(
    "spelling",
    [
        "{a}\u2013{b}",
        "{a}/{b}",
        "[{a}]{b}",
        "{a}    {b}",
        "{a}\u2010{b}",
        "{a}\uff0d{b}",
        "{a}\u00ad{b}",
        "{digits}",
    ],
    ids=[
        "en-dash",
        "slash",
        "brackets",
        "four-spaces",
        "unicode-hyphen",
        "fullwidth-hyphen",
        "soft-hyphen",
        "digit-by-digit",
    ],
)
def test_a_spelling_party_resolution_reads_is_erased_with_the_caller(
    world: World, fake: Faker, tmp_path: Path, spelling: str
) -> None:
    _tenant(world, fake)
    caller = Caller(fake)
    written = spelling.format(
        a=caller.national[:5], b=caller.national[5:], digits=" ".join(caller.national)
    )
    path = tmp_path / "queue_log"
    path.write_text(
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
        f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9\n"
        f"{EPOCH + 100}x|b1|sales|NONE|ENTERQUEUE||{written}|1\n"
    )
    _ingest(world, path, "asterisk-queue-log")
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None

    assert _shred(world, str(subject.id))["quarantine"] == 1
    assert _opened_lines(world) == []


def test_a_broadworks_user_id_is_an_agent_the_line_names(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    agent = "agent.one@example.test"

    def record(record_id: str, start: str, caller: str) -> str:
        fields = [""] * 130
        fields[0], fields[2], fields[5] = record_id, "Normal", "Terminating"
        fields[6], fields[8], fields[9] = caller, "02079460000", start
        fields[11], fields[13] = "No", "20261125140500.000"
        fields[14], fields[120] = "16", agent
        return ",".join(fields)

    path = tmp_path / "broadworks.csv"
    path.write_text(
        record("r1", "20261125140307.000", Caller(fake).national)
        + "\n"
        + record("r2", "2026-11-25", Caller(fake).national)
        + "\n"
    )
    _ingest(world, path, "broadworks-csv")
    subject = find_subject(world.uow(), world.vault, FindSubject("agent_id", f"{TENANT}/{agent}"))
    assert subject is not None

    assert _shred(world, str(subject.id))["quarantine"] == 1
    assert _opened_lines(world) == []


def test_a_generic_csv_agent_column_is_indexed_by_its_header(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    agent = "agent.one@example.test"
    path = _csv(
        tmp_path / "report.csv",
        CSV_HEADER,
        _csv_row("c1", "25/11/2026 14:03:07", Caller(fake).national, agent),
        _csv_row("c2", "not a date", Caller(fake).national, agent),
        _csv_row("c3", "not a date", Caller(fake).national, "someone.else@example.test"),
    )
    _ingest(world, path, "generic-csv", MAPPING)
    subject = find_subject(world.uow(), world.vault, FindSubject("agent_id", f"{TENANT}/{agent}"))
    assert subject is not None

    assert _shred(world, str(subject.id))["quarantine"] == 1
    assert [e.line for e in list_quarantine(world.use_case(OPERATOR), TENANT)] == [4]


def test_erasing_an_agent_leaves_a_line_where_the_same_digits_are_a_wait(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """We process the tenant's records on its instructions: a line that does not name the
    agent is not destroyed by the agent's erasure."""
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    path = tmp_path / "queue_log"
    path.write_text(
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
        f"{EPOCH + 5}|g1|sales|SIP/200|CONNECT|5|g19|1\n"
        f"{EPOCH + 65}|g1|sales|SIP/200|COMPLETECALLER|5|60|1\n"
        # another caller's call, no agent at all: waited 200 s and abandoned
        f"{EPOCH + 100}x|b1|sales|NONE|ENTERQUEUE||{other.national}|1\n"
        f"{EPOCH + 300}x|b1|sales|NONE|ABANDON|1|1|200\n"
        f"{EPOCH + 400}x|b2|sales|SIP/200|CONNECT|5|b29|1\n"  # this one names the agent
    )
    _ingest(world, path, "asterisk-queue-log")
    agent = find_subject(world.uow(), world.vault, FindSubject("agent_id", f"{TENANT}/200"))
    assert agent is not None

    assert _shred(world, str(agent.id))["quarantine"] == 1
    assert [e.line for e in list_quarantine(world.use_case(OPERATOR), TENANT)] == [
        4,
        5,
    ]


def _index_rows(world: World) -> int:
    with world.engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(quarantine_parties)).scalar_one()
        )


def test_the_cost_of_indexing_hostile_lines_is_bounded(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """One line of 290 KB of digit groups, then 120 lines of 8 KiB of them, and a real line:
    each kept whole and sealed, each indexed by at most `MAX_PARTIES` blind indexes."""
    _tenant(world, fake)
    caller = Caller(fake)
    noise = random.Random(7)  # noqa: S311 - noise, not a secret

    def digits(groups: int) -> str:
        return " ".join(str(noise.randint(0, 99)) for _ in range(groups))

    huge = f"{EPOCH}x|b0|sales|NONE|ENTERQUEUE||" + digits(100_000)
    wide = [f"{EPOCH + n}x|b{n}|sales|NONE|ENTERQUEUE||" + digits(2700) for n in range(1, 121)]
    real = f"{EPOCH + 999}x|b999|sales|NONE|ENTERQUEUE||{caller.national}|1"
    path = tmp_path / "queue_log"
    path.write_text("\n".join([huge, *wide, real]) + "\n")
    assert len(huge) > 250_000
    assert all(len(line) <= MAX_LINE for line in wide)

    ingest_id = _ingest(world, path, "asterisk-queue-log")

    lines = 1 + len(wide) + 1
    assert 0 < _index_rows(world) <= MAX_PARTIES * lines
    with world.engine.connect() as connection:
        per_line = (
            connection.execute(
                select(func.count())
                .select_from(quarantine_parties)
                .group_by(quarantine_parties.c.quarantine_id)
            )
            .scalars()
            .all()
        )
        reasons = (
            connection.execute(select(call_quarantine.c.reason).order_by(call_quarantine.c.line))
            .scalars()
            .all()
        )
    assert max(per_line) <= MAX_PARTIES
    assert reasons[0] == TOO_LONG
    assert TOO_LONG not in reasons[1:]
    exported = export_quarantine(world.use_case(ADMIN), TENANT, ingest_id)
    assert exported.splitlines()[0] == huge  # kept whole
    assert caller.national in exported.splitlines()[-1]
