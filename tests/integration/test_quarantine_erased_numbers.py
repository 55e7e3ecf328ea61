"""A file sent again after an erasure brings nothing of the erased caller back into the
quarantine: a bad line naming a number the tenant's erased-number record remembers is stored
as erased from the start (never sealed, no key, no index), listed as erased with a reason that
names no one, whenever the file comes while the record lasts: before the hour the erasure is
remembered as, at it, after it, and on the record's last day. Once the record has expired the
line is quarantined as any other."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.sql.calls.tables import call_quarantine, quarantine_parties
from dataward.adapters.vault.keystore_tables import data_keys
from dataward.services.processing.erased_numbers import expire_erased_numbers
from dataward.services.processing.erasure import Shred, shred
from dataward.services.quarantine.lines import (
    QuarantineRefused,
    export_quarantine,
    find_quarantined,
    list_quarantine,
)
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
from tests.integration.test_quarantine_parties import _ingest
from tests.integration.world import World

ERASED_AT = datetime(2026, 11, 25, 10, 20, tzinfo=UTC)
REMEMBERED_AS = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # the next whole hour
LAST_DAY = date(2027, 12, 26)  # the tenant's P13M from it, and a day
TICK = timedelta(microseconds=1)


def _file(path: Path, caller: Caller, other: Caller) -> Path:
    """A call from the caller (their subject), a bad line of theirs as a PBX writes the number
    again (`447700900xxx`), and a bad line of someone else's."""
    path.write_text(
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
        f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9\n"
        f"{EPOCH + 50}x|b1|sales|NONE|ENTERQUEUE||44{caller.core}|1\n"
        f"{EPOCH + 60}x|b2|sales|NONE|ENTERQUEUE||{other.national}|1\n"
    )
    return path


def _erase(world: World, caller: Caller) -> None:
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None
    world.clock.current = ERASED_AT
    shred(world.use_case(world.who_erases(subject.id)), Shred(str(subject.id), "erasure_request"))


def _keys(world: World) -> int:
    with world.keystore.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(data_keys)).scalar_one())


def _indexes_of(world: World, ingest_id: int) -> int:
    with world.engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(quarantine_parties)
                .join(call_quarantine, call_quarantine.c.id == quarantine_parties.c.quarantine_id)
                .where(call_quarantine.c.ingest_id == ingest_id)
            ).scalar_one()
        )


@pytest.mark.parametrize(
    "sent_again",
    [
        REMEMBERED_AS - TICK,  # within the hour after the erasure
        REMEMBERED_AS,
        REMEMBERED_AS + TICK,
        ERASED_AT + timedelta(hours=3),
        datetime(2027, 12, 26, 23, 59, tzinfo=UTC),  # the record's last day, after the sweep
    ],
    ids=["before-the-hour", "at-the-hour", "after-the-hour", "three-hours-later", "last-day"],
)
def test_an_old_file_sent_again_after_an_erasure_quarantines_nothing_of_the_caller(
    world: World, fake: Faker, tmp_path: Path, sent_again: datetime
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    path = _file(tmp_path / "queue_log", caller, other)
    first = _ingest(world, path, "asterisk-queue-log")
    _erase(world, caller)
    world.clock.current = sent_again
    assert expire_erased_numbers(world.uow(), world.clock) == 0
    keys = _keys(world)

    again = _ingest(world, path, "asterisk-queue-log")  # the very same file

    assert not any(caller.core in line for line in _opened_lines(world))
    listed = list_quarantine(world.use_case(OPERATOR), TENANT, include_resolved=True)
    assert [(e.ingest_id, e.line, e.resolution) for e in listed] == [
        (first, 3, "erased"),
        (first, 4, None),
        (again, 3, "erased"),
        (again, 4, None),
    ]
    reason = listed[2].reason
    assert reason == listed[0].reason
    assert caller.core not in reason
    assert _keys(world) == keys + 1  # the other caller's line's key alone: none for the erased
    assert _indexes_of(world, again) == _indexes_of(world, first) > 0  # the other line's alone
    exported = export_quarantine(world.use_case(ADMIN), TENANT, again)
    assert exported.splitlines() == [f"{EPOCH + 60}x|b2|sales|NONE|ENTERQUEUE||{other.national}|1"]
    found = find_quarantined(world.use_case(ADMIN), TENANT, caller.national)
    assert found == []


def test_a_file_all_of_whose_bad_lines_name_the_erased_caller_leaves_nothing_readable(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    """Its header row is kept only with a line kept readable: here there is none."""
    _tenant(world, fake)
    caller = Caller(fake)
    path = _csv(
        tmp_path / "report.csv",
        CSV_HEADER,
        _csv_row("c1", "25/11/2026 09:03:07", caller.national),
        _csv_row("c2", "not a date", caller.national),
    )
    _ingest(world, path, "generic-csv", MAPPING)
    _erase(world, caller)
    world.clock.current = ERASED_AT + timedelta(hours=3)
    keys = _keys(world)

    again = _ingest(world, path, "generic-csv", MAPPING)

    assert _opened_lines(world) == []
    assert _keys(world) == keys
    listed = list_quarantine(
        world.use_case(OPERATOR), TENANT, ingest_id=again, include_resolved=True
    )
    assert [(e.line, e.resolution) for e in listed] == [(3, "erased")]
    with pytest.raises(QuarantineRefused):
        export_quarantine(world.use_case(ADMIN), TENANT, again)


def test_once_the_record_has_expired_a_line_naming_the_number_is_quarantined_as_any(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    path = _file(tmp_path / "queue_log", caller, other)
    _ingest(world, path, "asterisk-queue-log")
    _erase(world, caller)
    world.clock.current = datetime(2027, 12, 27, 0, 0, tzinfo=UTC)  # the day after the last
    assert world.clock.now().date() == LAST_DAY + timedelta(days=1)
    assert expire_erased_numbers(world.uow(), world.clock) == 1

    again = _ingest(world, path, "asterisk-queue-log")

    pending = list_quarantine(world.use_case(OPERATOR), TENANT, ingest_id=again)
    assert [e.line for e in pending] == [3, 4]
    assert any(caller.core in line for line in _opened_lines(world))
