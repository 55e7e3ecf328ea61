"""Each quarantined line is sealed under a key of its own, destroyed once the line is resolved:
an erased line cannot be opened from a copy of the data database taken before the erasure,
whatever door resolved it, even when the process died before destroying the key. A file's
first line is kept only when its parser calls it a header, and goes with the last line."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import create_engine, select

from dataward.adapters.ingest.files import file_source
from dataward.adapters.sql.calls.tables import call_quarantine, quarantine_parties
from dataward.adapters.sql.engine import checkpoint
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import SqlVault
from dataward.domain.clock import FixedClock
from dataward.domain.errors import KeyUnavailable
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.keys.orphans import GRACE, destroy_orphan_keys
from dataward.services.processing.erasure import Shred, finish_erasures, shred
from dataward.services.quarantine.lines import (
    discard_quarantine,
    export_quarantine,
    list_quarantine,
)
from dataward.services.quarantine.ports import NewQuarantineLine
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
from tests.integration.world import World

MAPPING = Path("src/dataward/adapters/ingest/mappings/example.yaml")
CSV_HEADER = (
    "Call ID,Started,Answered,Ended,Direction,Result,From,From Name,CLI Privacy,To,Agent,"
    "Queue,Queue Time,Talk Time"
)


def _ingest(world: World, path: Path, fmt: str, mapping: Path | None = None) -> int:
    report = ingest(
        world.use_case(OPERATOR),
        IngestCalls(TENANT, [file_source(path, format_name=fmt, mapping=mapping)], quarantine=True),
    )
    return report.ingest_ids[0]


def _shred(world: World, subject_id: str, vault: SqlVault | None = None) -> dict[str, int]:
    ctx = replace(world.use_case(world.who_erases(subject_id)), vault=vault or world.vault)
    return shred(ctx, Shred(subject_id, "erasure_request")).removed


def _caller_with_a_bad_line(world: World, caller: Caller, path: Path) -> str:
    path.write_text(
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
        f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9\n"
        f"{EPOCH + 100}x|b1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
    )
    _ingest(world, path, "asterisk-queue-log")
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None
    return str(subject.id)


def _rows(world: World) -> list[tuple[int, bool, str | None, str | None, bytes]]:
    """(line, header, key, resolution, ciphertext) of every quarantined row."""
    q = call_quarantine
    with world.engine.connect() as connection:
        rows = connection.execute(
            select(q.c.line, q.c.header, q.c.key_id, q.c.resolution, q.c.raw_ciphertext).order_by(
                q.c.id
            )
        ).all()
    return [(r[0], bool(r[1]), r[2], r[3], bytes(r[4])) for r in rows]


def test_a_copy_of_the_data_taken_before_an_erasure_cannot_open_the_erased_line(
    world: World, fake: Faker, tmp_path: Path, backend: str
) -> None:
    _tenant(world, fake)
    caller = Caller(fake)
    subject = _caller_with_a_bad_line(world, caller, tmp_path / "queue_log")
    ((_line, _header, key, _resolution, sealed),) = _rows(world)
    assert key is not None
    assert caller.national in world.vault.open(key, sealed)
    if backend == "sqlite":
        assert checkpoint(world.engine)
        backup = tmp_path / "backup-of-dataward.db"
        shutil.copy(tmp_path / "dataward.db", backup)  # tonight's data backup (no keys in it)

    assert _shred(world, subject)["quarantine"] == 1

    assert not world.vault.has_key(key)
    ((_line, _header, after_key, resolution, after),) = _rows(world)
    assert (after_key, resolution, after) == (None, "erased", b"")
    with pytest.raises(KeyUnavailable):  # the old ciphertext, with the live key store
        world.vault.open(key, sealed)
    if backend == "sqlite":
        old = create_engine(f"sqlite:///{backup}")
        with old.connect() as connection:
            old_key, old_sealed = connection.execute(
                select(call_quarantine.c.key_id, call_quarantine.c.raw_ciphertext)
            ).one()
        old.dispose()
        world.vault.forget_cached_keys()
        with pytest.raises(KeyUnavailable):
            world.vault.open(old_key, bytes(old_sealed))


class _KeyStoreDown(SqlVault):
    """The key store goes away right after the data commits: no key can be destroyed."""

    def destroy_keys(self, subject_ids: Sequence[str]) -> int:
        raise ConnectionError(f"key store unreachable: {len(subject_ids)} key(s) kept")


def test_the_sweep_destroys_the_key_of_a_line_an_interrupted_erasure_emptied(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    caller = Caller(fake)
    subject = _caller_with_a_bad_line(world, caller, tmp_path / "queue_log")
    ((_line, _header, key, _resolution, _sealed),) = _rows(world)
    down = _KeyStoreDown(world.keystore, world.vault._masters, world.clock)

    with pytest.raises(ConnectionError):
        _shred(world, subject, vault=down)

    assert _rows(world)[0][3] == "erased"  # the data committed: the line is empty
    assert world.vault.has_key(str(key))  # the key outlived the process
    assert finish_erasures(world.uow(), world.vault) >= 1  # `dataward keys sweep`
    assert not world.vault.has_key(str(key))
    assert _rows(world)[0][2] is None


def test_the_orphan_sweep_keeps_a_pending_lines_key_and_destroys_a_resolved_ones(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    lost = world.vault.open_batch("ingest")  # as a process killed mid-ingest leaves it
    pending, resolved, never = (str(uuid.uuid4()) for _ in range(3))
    sealed = world.vault.enrol({k: ["x|1|y"] for k in (pending, resolved, never)}, batch=lost)
    with world.uow() as uow:
        ids = uow.quarantine.add(
            [
                NewQuarantineLine(
                    ingest_id=1,
                    tenant_id=TENANT,
                    line=n,
                    reason="bad",
                    key_id=key,
                    ciphertext=sealed[key][0],
                    parties=frozenset(),
                    created_at=world.clock.now(),
                )
                for n, key in enumerate((pending, resolved), 1)
            ]
        )
        uow.quarantine.resolve(ids[1:], at=world.clock.now(), resolution="discarded")
        uow.commit()
    late = FixedClock(world.clock.now() + GRACE + timedelta(seconds=1))

    swept = destroy_orphan_keys(SqlUnitOfWork(world.engine, read_only=True), world.vault, late)

    assert (swept.destroyed, swept.kept) == (2, 1)
    assert world.vault.has_key(pending)
    assert not world.vault.has_key(resolved)
    assert not world.vault.has_key(never)


def test_a_file_without_a_header_keeps_no_first_line(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """queue_log's first line is a call record: it is not kept, so nothing of it outlives the
    erasure of its caller (it was sealed as a "header" before)."""
    _tenant(world, fake)
    caller = Caller(fake)
    subject = _caller_with_a_bad_line(world, caller, tmp_path / "queue_log")
    assert [(line, header) for line, header, *_ in _rows(world)] == [(3, False)]
    _shred(world, subject)
    assert _opened_lines(world) == []


def _csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def _csv_row(call: str, start: str, caller: str, agent: str = "200") -> str:
    return (
        f"{call},{start},25/11/2026 14:03:17,25/11/2026 14:05:07,IN,ANSWERED,"
        f"{caller},,SHOWN,02079460000,{agent},sales,10,110"
    )


def test_a_csv_header_row_is_kept_sealed_and_goes_with_the_last_line(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    path = _csv(
        tmp_path / "report.csv",
        CSV_HEADER,
        _csv_row("c1", "25/11/2026 14:03:07", caller.national),
        _csv_row("c2", "not a date", caller.national),
        _csv_row("c3", "not a date", other.national),
    )
    ingest_id = _ingest(world, path, "generic-csv", MAPPING)
    rows = _rows(world)
    assert [(line, header) for line, header, *_ in rows] == [(1, True), (3, False), (4, False)]
    assert len({key for *_, key, _res, _c in rows}) == 3  # a key each
    exported = export_quarantine(world.use_case(ADMIN), TENANT, ingest_id)
    assert exported.splitlines()[0] == CSV_HEADER
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None

    _shred(world, str(subject.id))
    # the header stays while a line needs it
    assert [(line, res) for line, _h, _k, res, _c in _rows(world)] == [
        (1, None),
        (3, "erased"),
        (4, None),
    ]
    other_subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", other.national, tenant_id=TENANT)
    )
    assert other_subject is None  # no call landed for them: only the line names them
    discard_quarantine(world.use_case(OPERATOR), TENANT, ingest_id)

    keys = [key for *_, key, _res, _c in rows]
    assert [(res, key) for _l, _h, key, res, _c in _rows(world)] == [
        ("discarded", None),
        ("erased", None),
        ("discarded", None),
    ]
    assert not any(world.vault.has_key(str(key)) for key in keys)
    assert _opened_lines(world) == []


def test_erasing_the_last_lines_person_takes_the_header_and_discard_still_cleans_up(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    caller = Caller(fake)
    path = _csv(
        tmp_path / "report.csv",
        CSV_HEADER,
        _csv_row("c1", "25/11/2026 14:03:07", caller.national),
        _csv_row("c2", "not a date", caller.national),
    )
    ingest_id = _ingest(world, path, "generic-csv", MAPPING)
    keys = [key for *_, key, _res, _c in _rows(world)]
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None

    _shred(world, str(subject.id))

    assert [(header, res) for _l, header, _k, res, _c in _rows(world)] == [
        (True, "erased"),
        (False, "erased"),
    ]
    assert not any(world.vault.has_key(str(key)) for key in keys)
    assert (
        discard_quarantine(world.use_case(OPERATOR), TENANT, ingest_id) == 0
    )  # nothing left, nothing refused
    assert list_quarantine(world.use_case(OPERATOR), TENANT) == []


def test_a_header_row_naming_a_person_is_erased_with_them(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """A FreeSWITCH file's first row is a header only when it names the columns; one that the
    parser skips as a header is indexed like a line, should it hold a number."""
    from dataward.adapters.ingest.freeswitch_cdr import COLUMNS

    _tenant(world, fake)
    caller = Caller(fake)
    good = (
        f'"","{caller.national}","1000","public","2026-11-25 10:00:00","2026-11-25 10:00:05",'
        '"2026-11-25 10:01:00","60","55","NORMAL_CLEARING",'
        '"a1b2c3d4-0000-4000-8000-000000000001","","","PCMU","PCMU"'
    )
    bad = good.replace("2026-11-25 10:00:00", "not a time").replace("0001", "0002")
    header = ",".join(COLUMNS[:-1]) + f",{caller.national}"  # a header that names someone
    path = _csv(tmp_path / "Master.csv", header, good, bad)
    _ingest(world, path, "freeswitch-cdr-csv")
    assert [(line, h) for line, h, *_ in _rows(world)] == [(1, True), (3, False)]

    headerless = _csv(tmp_path / "Master2.csv", good.replace("0001", "0003"), bad)
    _ingest(world, headerless, "freeswitch-cdr-csv")
    assert [(line, h) for line, h, *_ in _rows(world)][2:] == [(2, False)]

    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None
    assert _shred(world, str(subject.id))["quarantine"] == 2  # the lines (the header besides)
    assert _opened_lines(world) == []
    with world.engine.connect() as connection:
        assert connection.execute(select(quarantine_parties)).all() == []
