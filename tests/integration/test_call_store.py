"""The call store on real databases: the samples ingest to known calls, no number is stored,
re-ingest adds nothing, bad files are rejected whole or quarantined, shredding unlinks."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import select, text

from dataward.adapters.ingest.files import file_source, text_source
from dataward.adapters.sql.calls.tables import call_quarantine, calls
from dataward.adapters.sql.engine import checkpoint
from dataward.domain.calls.records import IngestReport, StoredCall
from dataward.domain.calls.telephony import Disposition
from dataward.domain.errors import AccessDenied, ActionNotAllowed, NoSuchSubject, NotFound
from dataward.domain.processing.gate import Gate
from dataward.domain.subjects import Actor
from dataward.services.calls.access import CallView, calls_of_subject
from dataward.services.calls.ingest import IngestCalls, IngestRejected, ingest
from dataward.services.processing.erasure import Shred, shred
from dataward.services.quarantine.lines import (
    QuarantineRefused,
    ReplayQuarantine,
    discard_quarantine,
    export_quarantine,
    list_quarantine,
    replay_quarantine,
)
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.builders import TENANT_A, TENANT_B, a_tenant
from tests.integration.world import World
from tests.samples import sample

OPERATOR = Actor(id="staff-operator", role="operator")
DCO = Actor(id="staff-dco", role="dco")
ADMIN_A = Actor(id="admin-a", role="tenant_admin", tenant_id=TENANT_A)
ADMIN_B = Actor(id="admin-b", role="tenant_admin", tenant_id=TENANT_B)

QUEUE_LOG = "asterisk_queue_log__assembled_from_public_examples.txt"
CDR_CSV = "asterisk_cdr-csv_Master.csv__mineevburyat-dj-asterisk-cdr__PSEUDONYMISED.csv"
CDR_CUSTOM = "asterisk_cdr-custom_Master.csv__KelySaina-cdr.csv"
FREESWITCH = "freeswitch_cdr-csv_example-template_Master.csv__Kxingyunliushui-freeswitch_tools.csv"
RU = "tenant-ru"


def _ingest(
    world: World, tenant: str, *paths: Path, actor: Actor = OPERATOR, quarantine: bool = False
) -> IngestReport:
    sources = [file_source(p) for p in paths]
    return ingest(world.use_case(actor), IngestCalls(tenant, sources, quarantine=quarantine))


def _calls(world: World, tenant: str) -> list[StoredCall]:
    with world.uow() as uow:
        return list(uow.calls.iter_calls(tenant))


def _add_ru_tenant(world: World) -> None:
    tenant = a_tenant(RU, region="RU")
    with world.uow() as uow:
        uow.tenants.add(dataclasses.replace(tenant, timezone="Asia/Irkutsk"))
        uow.commit()


def test_the_queue_log_sample_gives_its_known_queue_calls(world: World) -> None:
    report = _ingest(world, TENANT_A, sample(QUEUE_LOG))
    assert (report.stored, report.duplicates, report.events_read) == (4, 0, 14)
    by_queue = {c.queue: c for c in _calls(world, TENANT_A)}
    assert set(by_queue) == {"support", "sales", "8000", "9000"}
    abandoned = by_queue["support"]  # ENTERQUEUE 1596512941, ABANDON ...|1|1|68
    assert abandoned.disposition is Disposition.ABANDONED
    assert abandoned.wait_s == 68
    assert abandoned.started_at == datetime(2020, 8, 4, 3, 49, 1, tzinfo=UTC)
    answered = by_queue["8000"]  # CONNECT holdtime 6, ringtime 3; COMPLETECALLER calltime 25
    assert (answered.disposition, answered.wait_s, answered.ring_s, answered.talk_s) == (
        Disposition.ANSWERED,
        6,
        3,
        25,
    )
    assert answered.agent_ref is not None
    assert by_queue["sales"].disposition is Disposition.UNKNOWN  # never left the queue
    # 9000's caller is Ofcom's drama number 01632 960001: a subject, found by that number.
    drama = by_queue["9000"]
    found = find_subject(
        world.uow(), world.vault, FindSubject("phone", "+441632960001", tenant_id=TENANT_A)
    )
    assert found is not None
    assert drama.caller_ref == str(found.id)
    assert not drama.caller_withheld


def test_the_cdr_samples_give_their_known_calls(world: World) -> None:
    _add_ru_tenant(world)
    report = _ingest(world, RU, sample(CDR_CSV))
    assert report.stored == 13
    first = min(_calls(world, RU), key=lambda c: c.started_at)
    # "2024-01-27 15:07:24" in Irkutsk (UTC+8), 27 s billed, answered
    assert first.started_at == datetime(2024, 1, 27, 7, 7, 24, tzinfo=UTC)
    assert (first.disposition, first.talk_s) == (Disposition.ANSWERED, 27)
    assert first.caller_ref is not None
    caller = find_subject(
        world.uow(), world.vault, FindSubject("phone", "89242659551", tenant_id=RU)
    )
    assert caller is not None
    assert first.caller_ref == str(caller.id)

    report = _ingest(world, TENANT_A, sample(CDR_CUSTOM))
    assert (report.stored, report.subjects_created) == (14, 4)  # client1, client2, 6789, 1234
    report = _ingest(world, TENANT_A, sample(FREESWITCH))
    # three rows share one uuid (7adced1a-...): one call, two duplicates
    assert (report.stored, report.duplicates) == (8, 2)


def test_reingesting_adds_nothing_and_reports_the_duplicates(world: World) -> None:
    _ingest(world, TENANT_A, sample(QUEUE_LOG), sample(CDR_CUSTOM))
    before = _calls(world, TENANT_A)
    with world.uow() as uow:
        rollups = list(uow.rollups.read(TENANT_A, "hour"))
    again = _ingest(world, TENANT_A, sample(QUEUE_LOG), sample(CDR_CUSTOM))
    assert (again.stored, again.duplicates, again.subjects_created) == (0, 18, 0)
    assert _calls(world, TENANT_A) == before
    with world.uow() as uow:
        assert list(uow.rollups.read(TENANT_A, "hour")) == rollups


def test_tenants_get_their_own_subjects_and_calls(world: World) -> None:
    _ingest(world, TENANT_A, sample(QUEUE_LOG))
    _ingest(world, TENANT_B, sample(QUEUE_LOG))
    a, b = _calls(world, TENANT_A), _calls(world, TENANT_B)
    assert len(a) == len(b) == 4
    refs_a = {c.caller_ref for c in a} - {None}
    refs_b = {c.caller_ref for c in b} - {None}
    assert refs_a
    assert not refs_a & refs_b  # one number, two tenants: two unrelated subjects


def test_a_tenant_admin_ingests_only_into_its_own_tenant(world: World) -> None:
    with pytest.raises(ActionNotAllowed):
        _ingest(world, TENANT_A, sample(QUEUE_LOG), actor=ADMIN_B)
    assert _calls(world, TENANT_A) == []
    assert _ingest(world, TENANT_B, sample(QUEUE_LOG), actor=ADMIN_B).stored == 4
    with pytest.raises(ActionNotAllowed):
        _ingest(world, TENANT_A, sample(QUEUE_LOG), actor=DCO)  # no ingest_calls
    with pytest.raises(NotFound):
        _ingest(world, "no-such-tenant", sample(QUEUE_LOG))


def _queue_log(fake: Faker, n: int, *, bad_at: set[int] = frozenset()) -> tuple[str, list[str]]:  # type: ignore[assignment]
    """n answered calls, one number each; lines in `bad_at` (call index) are broken."""
    lines: list[str] = []
    numbers: list[str] = []
    for i in range(n):
        epoch = 1_764_000_000 + i * 600
        number = f"07700 900{fake.unique.random_int(100, 999)}"
        numbers.append(number)
        call = f"{epoch}.{i}"
        enter = f"{epoch}|{call}|sales|NONE|ENTERQUEUE||{number}|1"
        if i in bad_at:
            enter = f"{epoch}x|{call}|sales|NONE|ENTERQUEUE||{number}|1"
        lines += [
            enter,
            f"{epoch + 5}|{call}|sales|SIP/200|CONNECT|5|{call}9|1",
            f"{epoch + 65}|{call}|sales|SIP/200|COMPLETECALLER|5|60|1",
        ]
    return "\n".join(lines) + "\n", numbers


def test_a_file_with_bad_lines_is_rejected_whole_naming_each(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    body, _ = _queue_log(fake, 5, bad_at={1, 3})
    path = tmp_path / "queue_log"
    path.write_text(body)
    with pytest.raises(IngestRejected) as caught:
        _ingest(world, TENANT_A, path)
    bad = caught.value.report.bad
    # each broken ENTERQUEUE, and the COMPLETECALLER of the call it would have opened
    assert [b.split(": ", 1)[0] for b in bad] == [f"{path}:{n}" for n in (4, 6, 10, 12)]
    assert "07700" not in str(caught.value)
    assert _calls(world, TENANT_A) == []
    with world.uow() as uow:
        assert uow.calls.count_calls(TENANT_A) == 0


def test_quarantine_lands_the_good_lines_and_replays_the_corrected_ones(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    body, numbers = _queue_log(fake, 4, bad_at={2})
    path = tmp_path / "queue_log"
    path.write_text(body)
    report = _ingest(world, TENANT_A, path, quarantine=True)
    # the broken ENTERQUEUE line is quarantined; its CONNECT and COMPLETECALLER are then
    # events of a call that is not open, so the COMPLETECALLER is a bad record too
    assert report.stored == 3
    entries = list_quarantine(world.use_case(OPERATOR), TENANT_A)
    assert [e.line for e in entries] == [7, 9]
    assert all(e.source == f"file-{e.ingest_id}" for e in entries)  # never the file's name
    ingest_id = entries[0].ingest_id
    with world.engine.connect() as connection:
        stored = connection.execute(select(call_quarantine.c.raw_ciphertext)).scalars().all()
        keys = connection.execute(select(call_quarantine.c.key_id)).scalars().all()
    assert stored
    assert len(set(keys)) == len(keys) == 2  # a key for each line
    assert all(numbers[2].replace(" ", "").encode() not in bytes(c) for c in stored)
    assert list_quarantine(world.use_case(ADMIN_B), TENANT_B) == []
    with pytest.raises(ActionNotAllowed):
        list_quarantine(world.use_case(ADMIN_B), TENANT_A)
    with pytest.raises(ActionNotAllowed):  # the operator may not read numbers
        export_quarantine(world.use_case(OPERATOR), TENANT_A, ingest_id)
    exported = export_quarantine(world.use_case(ADMIN_A), TENANT_A, ingest_id)
    assert exported.splitlines()[0].split("|")[0].endswith("x")
    # the whole call, corrected: ENTERQUEUE fixed, and its other lines with it
    original = body.splitlines()[6:9]
    corrected = "\n".join([original[0].replace("x|", "|", 1), *original[1:]]) + "\n"
    replayed = replay_quarantine(
        world.use_case(ADMIN_A),
        ReplayQuarantine(TENANT_A, ingest_id, corrected=corrected),
        sources=text_source,
    )
    assert replayed.stored == 1
    assert len(_calls(world, TENANT_A)) == 4
    assert list_quarantine(world.use_case(OPERATOR), TENANT_A) == []
    assert not any(world.vault.has_key(key) for key in keys)
    with world.engine.connect() as connection:
        assert connection.execute(select(call_quarantine.c.key_id)).scalars().all() == [None] * 2
    nothing = discard_quarantine(world.use_case(ADMIN_A), TENANT_A, ingest_id)
    assert nothing == 0  # nothing left to discard, and nothing refused
    with pytest.raises(QuarantineRefused):  # an ingest that quarantined nothing
        discard_quarantine(world.use_case(ADMIN_A), TENANT_A, replayed.ingest_ids[0])


def test_a_replay_that_is_still_bad_changes_nothing(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    body, _ = _queue_log(fake, 2, bad_at={0})
    path = tmp_path / "queue_log"
    path.write_text(body)
    _ingest(world, TENANT_A, path, quarantine=True)
    (entry, *_) = list_quarantine(world.use_case(OPERATOR), TENANT_A)
    with pytest.raises(IngestRejected):
        replay_quarantine(
            world.use_case(OPERATOR),
            ReplayQuarantine(TENANT_A, entry.ingest_id),
            sources=text_source,
        )
    assert len(list_quarantine(world.use_case(OPERATOR), TENANT_A)) == 2
    n = discard_quarantine(world.use_case(OPERATOR), TENANT_A, entry.ingest_id)
    assert n == 2
    assert list_quarantine(world.use_case(OPERATOR), TENANT_A) == []


def test_withheld_callers_are_stored_as_withheld(world: World) -> None:
    log = (
        "1764000000|1.1|sales|NONE|ENTERQUEUE||anonymous|1\n"
        "1764000009|1.1|sales|NONE|ABANDON|1|1|9\n"
    )
    source = text_source(log, name="withheld.log", format_name="asterisk-queue-log")
    report = ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))
    assert (report.stored, report.withheld_parties, report.subjects_created) == (1, 1, 0)
    (call,) = _calls(world, TENANT_A)
    assert call.caller_withheld
    assert call.caller_ref is None


def test_shredding_a_caller_unlinks_their_calls_and_keeps_the_reports(world: World) -> None:
    _ingest(world, TENANT_A, sample(QUEUE_LOG))
    caller = find_subject(
        world.uow(), world.vault, FindSubject("phone", "01632 960001", tenant_id=TENANT_A)
    )
    with world.uow() as uow:
        rollups = list(uow.rollups.read(TENANT_A, "hour"))
    assert caller is not None
    report = shred(
        world.use_case(world.who_erases(str(caller.id))),
        Shred(str(caller.id), "erasure_request", request_ref=None),
    )
    assert report.removed.get("calls") == 1
    calls_now = _calls(world, TENANT_A)
    assert len(calls_now) == 4
    assert str(caller.id) not in {c.caller_ref for c in calls_now}
    with world.uow() as uow:
        assert list(uow.rollups.read(TENANT_A, "hour")) == rollups


def test_calls_are_partitioned_by_month_on_postgresql(world: World, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("partitions are a PostgreSQL feature")
    _ingest(world, TENANT_A, sample(QUEUE_LOG))
    with world.engine.connect() as connection:
        partitions = connection.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'calls' "
                "AND p.relnamespace = to_regnamespace(current_schema())::oid"
            )
        ).scalars()
        # the months of the sample's calls, and the window made before any ingest starts
        made = set(partitions)
        assert {"calls_2010_02", "calls_2020_08", "calls_2023_11"} <= made
        assert {"calls_2023_11", "calls_2026_11", "calls_2027_01"} <= made
        per_partition = connection.execute(text("SELECT count(*) FROM calls_2020_08")).scalar_one()
    assert per_partition == 2


def test_no_sample_number_is_in_the_database_files(
    world: World, backend: str, tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("the byte scan reads SQLite's files")
    _add_ru_tenant(world)
    _ingest(world, RU, sample(CDR_CSV))
    _ingest(world, TENANT_A, sample(QUEUE_LOG), sample(CDR_CUSTOM), sample(FREESWITCH))
    numbers: set[str] = set()
    for name in (CDR_CSV, QUEUE_LOG, CDR_CUSTOM, FREESWITCH):
        body = sample(name).read_text("utf-8", errors="replace")
        # digit runs of 7 or more, except channel sequence numbers (`SIP/301-00000004`)
        for run in re.findall(r"(?<![-\d.])\d{7,}(?![\d.])", body):
            numbers.add(run)
    numbers |= {"+7" + n[1:] for n in numbers if n.startswith("8") and len(n) == 11}
    numbers |= {"+44" + n[1:] for n in numbers if n.startswith("0")}
    assert "01632960001" in numbers
    assert "89242659551" in numbers
    checkpoint(world.engine)
    checkpoint(world.keystore)
    files = [p for p in tmp_path.iterdir() if p.name.startswith(("dataward.db", "keys.db"))]
    assert files
    blob = b"".join(p.read_bytes() for p in files)
    found = sorted(n for n in numbers if n.encode() in blob)
    assert found == []
    with world.engine.connect() as connection:
        assert connection.execute(select(calls.c.caller_ref)).first() is not None


def test_a_callers_calls_with_numbers_opened_through_the_gate(world: World) -> None:
    _ingest(world, TENANT_A, sample(QUEUE_LOG))
    caller = find_subject(
        world.uow(), world.vault, FindSubject("phone", "01632 960001", tenant_id=TENANT_A)
    )
    assert caller is not None
    gate = Gate(world.register)

    def calls_as(actor: Actor, tenant: str = TENANT_A) -> list[CallView]:
        return calls_of_subject(world.use_case(actor), gate, tenant_id=tenant, subject_id=caller.id)

    (view,) = calls_as(ADMIN_A)
    assert view.call.queue == "9000"
    assert view.caller.number == "+441632960001"
    assert view.agent.ref is not None
    assert view.agent.number is None
    assert view.agent.refused == "tenant_mismatch"  # agents are our own subjects, not A's
    support = Actor(id="staff-support", role="support")
    (seen,) = calls_of_subject(
        world.use_case(support),
        gate,
        tenant_id=TENANT_A,
        subject_id=caller.id,
        purpose="telephony_support",
    )
    assert (seen.caller.number, seen.agent.agent_id) == ("+441632960001", "2004")
    with pytest.raises(AccessDenied):
        calls_as(OPERATOR)  # may not decrypt identifiers
    with pytest.raises(NoSuchSubject):
        calls_as(ADMIN_B)
    with pytest.raises(NoSuchSubject):
        calls_as(ADMIN_A, tenant=TENANT_B)
    with world.uow() as uow:
        decisions = [e for e in uow.audit.iter_entries() if e.action == "gate_decision"]
    assert len(decisions) >= 4


def test_calls_of_a_subject_shredded_during_an_ingest_are_unlinked_before_it_commits(
    world: World,
) -> None:
    _ingest(world, TENANT_A, sample(QUEUE_LOG))
    (call, *_) = [c for c in _calls(world, TENANT_A) if c.caller_ref]
    since = world.clock.now()
    with world.uow() as uow:
        uow.subjects.erase(
            uow.subjects.get(call.caller_ref),  # type: ignore[arg-type]
            at=since,
            reason="erasure_request",
            request_ref=None,
        )
        # what the shred's own unlink step could not see: a row of an ingest still running
        uow.calls.add_calls([dataclasses.replace(call, source_key=b"x" * 16, ingest_id=99)])
        assert uow.calls.unlink_erased(99, since=since) == 1
        uow.commit()
    refs = {(c.ingest_id, c.caller_ref) for c in _calls(world, TENANT_A)}
    assert (99, None) in refs
    assert call.caller_ref not in {ref for _, ref in refs}


def test_a_call_goes_to_the_partition_of_its_utc_month(world: World, backend: str) -> None:
    # 1 July 2024 00:30 in London is 30 June 23:30 UTC: the June partition must exist
    log = (
        "1719790200|7.1|sales|NONE|ENTERQUEUE||anonymous|1\n"
        "1719790209|7.1|sales|NONE|ABANDON|1|1|9\n"
    )
    source = text_source(log, name="midnight.log", format_name="asterisk-queue-log")
    report = ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))
    assert report.stored == 1
    (call,) = _calls(world, TENANT_A)
    assert call.started_at == datetime(2024, 6, 30, 23, 30, tzinfo=UTC)
    if backend == "postgresql":
        with world.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM calls_2024_06")).scalar() == 1
