"""Erasure reaches quarantined lines: a bad line that names a caller (their number in any
spelling) or an agent (their extension) is emptied by the person's erasure, whichever door it
comes through, and can no longer be exported or replayed; the listing keeps where and why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.ingest.files import file_source, text_source
from dataward.adapters.sql.calls.tables import call_quarantine, quarantine_parties
from dataward.adapters.sql.engine import checkpoint
from dataward.domain.calendar import bank_holidays
from dataward.domain.requests.workflow import RequestType
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, IngestRejected, ingest
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.processing.erasure import Shred, shred
from dataward.services.quarantine.lines import (
    ReplayQuarantine,
    discard_quarantine,
    export_quarantine,
    list_quarantine,
    replay_quarantine,
)
from dataward.services.rights.erasure import fulfil_erasure
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.rights.processor import (
    Instruction,
    carry_out_instruction,
    forward_to_controller,
)
from dataward.services.subjects.registry import FindSubject, find_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
OPERATOR = Actor(id="staff-operator", role="operator")
TENANT = "tenant-q"
ADMIN = Actor(id="admin-q", role="tenant_admin", tenant_id=TENANT)
HOLIDAYS = bank_holidays()
EPOCH = 1_764_000_000


class Caller:
    """A made-up UK mobile number (Ofcom's drama range) and the ways files spell it."""

    def __init__(self, fake: Faker) -> None:
        self.core = f"7700900{fake.unique.random_int(100, 999)}"

    @property
    def national(self) -> str:
        return "0" + self.core

    @property
    def spellings(self) -> list[str]:
        """07700900123, +44 7700 900123, 447700900123 (the last, as a parser would not read
        it, is a number only to a person)."""
        core = self.core
        return [self.national, f"+44 {core[:4]} {core[4:]}", "44" + core]

    @property
    def traces(self) -> list[bytes]:
        core = self.core
        return [core.encode(), f"{core[:4]} {core[4:]}".encode(), ("+44" + core).encode()]


def _tenant(world: World, fake: Faker) -> None:
    create_tenant(
        world.use_case(DCO),
        NewTenant(
            name="Tenant Q",
            id=TENANT,
            contact=ControllerContact(name=fake.name(), email=fake.email()),
        ),
    )


def _queue_log(path: Path, caller: Caller, other: Caller) -> Path:
    """One good call from the caller (creating their subject), a bad line per spelling of their
    number, and one bad line of someone else's."""
    lines = [
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1",
        f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9",
        f"{EPOCH + 60}|g2|sales|NONE|ENTERQUEUE||{other.national}|1",
        f"{EPOCH + 69}|g2|sales|NONE|ABANDON|1|1|9",
    ]
    for n, spelling in enumerate([*caller.spellings, other.national]):
        lines.append(f"{EPOCH + 100 + n}x|b{n}|sales|NONE|ENTERQUEUE||{spelling}|1")
    path.write_text("\n".join(lines) + "\n")
    return path


def _ingested(world: World, path: Path) -> int:
    report = ingest(
        world.use_case(OPERATOR),
        IngestCalls(TENANT, [file_source(path, format_name="asterisk-queue-log")], quarantine=True),
    )
    assert report.quarantined == 4
    (ingest_id,) = report.ingest_ids
    return ingest_id


def _by_shred(world: World, _fake: Faker, subject_id: str) -> dict[str, Any]:
    report = shred(
        world.use_case(world.who_erases(subject_id)), Shred(subject_id, "erasure_request")
    )
    return report.removed


def _by_erasure_right(world: World, fake: Faker, subject_id: str) -> dict[str, Any]:
    request_id = world.working_request(
        ADMIN,
        NewRequest(
            type=RequestType.ERASURE,
            received=world.clock.now().date(),
            channel="email",
            tenant_id=TENANT,
            subject_id=UUID(subject_id),
            contact_email=fake.email(),
        ),
    )
    result = fulfil_erasure(world.use_case(ADMIN), request_id)
    return result.erased


def _by_instruction(world: World, fake: Faker, subject_id: str) -> dict[str, Any]:
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ERASURE,
            received=world.clock.now().date(),
            channel="email",
            tenant_id=TENANT,
            subject_id=UUID(subject_id),
            contact_email=fake.email(),
        ),
    )
    forward_to_controller(world.use_case(DCO), str(view.request.id))
    done = carry_out_instruction(world.use_case(ADMIN), str(view.request.id), Instruction.ERASE)
    removed: dict[str, Any] = done.outcome["removed"]
    return removed


DOORS: dict[str, Callable[[World, Faker, str], dict[str, Any]]] = {
    "shred": _by_shred,
    "erasure_right": _by_erasure_right,
    "tenant_instruction": _by_instruction,
}


def _opened_lines(world: World) -> list[str]:
    """Every quarantined line (or header row) still held, opened with its own key."""
    with world.engine.connect() as connection:
        rows = connection.execute(
            select(call_quarantine.c.raw_ciphertext, call_quarantine.c.key_id)
        ).all()
    return [world.vault.open(key, bytes(sealed)) for sealed, key in rows if sealed]


@pytest.mark.parametrize("door", list(DOORS))
def test_erasing_a_caller_empties_every_quarantined_line_naming_them(
    world: World, fake: Faker, tmp_path: Path, backend: str, door: str
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    ingest_id = _ingested(world, _queue_log(tmp_path / "queue_log", caller, other))
    subject = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id=TENANT)
    )
    assert subject is not None
    held = _opened_lines(world)
    assert sum(any(s in line for s in caller.spellings) for line in held) == 3

    removed = DOORS[door](world, fake, str(subject.id))

    assert removed["quarantine"] == 3
    pending = list_quarantine(world.use_case(OPERATOR), TENANT)
    assert [e.line for e in pending] == [8]  # only the other caller's line is left to correct
    listed = list_quarantine(world.use_case(OPERATOR), TENANT, include_resolved=True)
    assert [(e.line, e.resolution) for e in listed] == [
        (5, "erased"),
        (6, "erased"),
        (7, "erased"),
        (8, None),
    ]
    assert all(e.reason and e.source == f"file-{ingest_id}" for e in listed)
    exported = export_quarantine(world.use_case(ADMIN), TENANT, ingest_id)
    assert other.national in exported
    assert not any(trace.decode() in exported for trace in caller.traces)
    with pytest.raises(IngestRejected) as replayed:  # the other line, still broken, alone
        replay_quarantine(
            world.use_case(ADMIN), ReplayQuarantine(TENANT, ingest_id), sources=text_source
        )
    assert len(replayed.value.report.bad) == 1
    opened = _opened_lines(world)
    assert len(opened) == 1
    assert not any(trace.decode() in line for line in opened for trace in caller.traces)
    with world.engine.connect() as connection:
        erased = connection.execute(
            select(call_quarantine.c.id).where(call_quarantine.c.resolution == "erased")
        ).scalars()
        left = connection.execute(
            select(func.count())
            .select_from(quarantine_parties)
            .where(quarantine_parties.c.quarantine_id.in_(list(erased)))
        ).scalar_one()
    assert left == 0
    if backend == "sqlite":
        _assert_no_trace(world, tmp_path, caller)


def _assert_no_trace(world: World, folder: Path, caller: Caller) -> None:
    """The byte scan: nothing of the number in the SQLite files, nor its blind index."""
    assert checkpoint(world.engine)
    assert checkpoint(world.keystore)
    files = [p for p in folder.iterdir() if p.name.startswith(("dataward.db", "keys.db"))]
    assert files
    blob = b"".join(p.read_bytes() for p in files)
    index = world.vault.blind_index(TENANT, "phone", "+44" + caller.core)
    found = [t for t in (*caller.traces, index) if t in blob]
    assert found == []


def test_erasing_an_agent_empties_the_quarantined_lines_naming_their_extension(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    caller = Caller(fake)
    path = tmp_path / "queue_log"
    path.write_text(
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
        f"{EPOCH + 5}|g1|sales|SIP/4711|CONNECT|5|g19|1\n"
        f"{EPOCH + 65}|g1|sales|SIP/4711|COMPLETECALLER|5|60|1\n"
        f"{EPOCH + 100}x|b1|sales|Local/4711@from-internal/n|CONNECT|5|b19|1\n"
        f"{EPOCH + 200}x|b2|sales|SIP/4712|CONNECT|5|b29|1\n"
    )
    ingest(
        world.use_case(OPERATOR),
        IngestCalls(TENANT, [file_source(path, format_name="asterisk-queue-log")], quarantine=True),
    )
    agent = find_subject(world.uow(), world.vault, FindSubject("agent_id", f"{TENANT}/4711"))
    assert agent is not None

    removed = _by_shred(world, fake, str(agent.id))

    assert removed["quarantine"] == 1
    pending = list_quarantine(world.use_case(OPERATOR), TENANT)
    assert [e.line for e in pending] == [5]
    assert not any("4711" in line for line in _opened_lines(world))


def test_a_caller_of_another_tenant_with_the_same_number_leaves_the_line(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    _ingested(world, _queue_log(tmp_path / "queue_log", caller, other))
    namesake = Actor(id="admin-a", role="tenant_admin", tenant_id="tenant-a")
    log = tmp_path / "a_log"
    log.write_text(
        f"{EPOCH}|g1|sales|NONE|ENTERQUEUE||{caller.national}|1\n"
        f"{EPOCH + 9}|g1|sales|NONE|ABANDON|1|1|9\n"
    )
    ingest(
        world.use_case(namesake),
        IngestCalls("tenant-a", [file_source(log, format_name="asterisk-queue-log")]),
    )
    theirs = find_subject(
        world.uow(), world.vault, FindSubject("phone", caller.national, tenant_id="tenant-a")
    )
    assert theirs is not None

    removed = _by_shred(world, fake, str(theirs.id))

    assert removed["quarantine"] == 0  # blind indexes are per tenant: Q's lines are not A's
    assert len(list_quarantine(world.use_case(OPERATOR), TENANT)) == 4


def test_discarding_or_replaying_a_quarantine_deletes_its_party_indexes(
    world: World, fake: Faker, tmp_path: Path
) -> None:
    _tenant(world, fake)
    caller, other = Caller(fake), Caller(fake)
    first = _ingested(world, _queue_log(tmp_path / "first", caller, other))

    def indexes() -> int:
        with world.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(quarantine_parties)
                ).scalar_one()
            )

    assert indexes() > 0
    discard_quarantine(world.use_case(OPERATOR), TENANT, first)
    assert indexes() == 0
    second = _ingested(world, _queue_log(tmp_path / "second", Caller(fake), Caller(fake)))
    assert indexes() > 0
    corrected = "\n".join(
        f"{EPOCH + 500 + n}|c{n}|sales|NONE|ENTERQUEUE||{caller.national}|1" for n in range(4)
    )
    replay_quarantine(
        world.use_case(ADMIN),
        ReplayQuarantine(TENANT, second, corrected=corrected + "\n"),
        sources=text_source,
    )
    assert indexes() == 0
