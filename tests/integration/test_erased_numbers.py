"""An erased caller stays erased when calls are sent again: duplicates resolve no party, an old
call names the erased number as erased, a call after the erasure is new processing. On both
backends, through every door erasure takes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from faker import Faker
from sqlalchemy import func, select

from dataward.adapters.ingest.files import text_source
from dataward.adapters.sql.calls.erased_numbers import erased_numbers
from dataward.adapters.sql.calls.tables import calls
from dataward.adapters.sql.registry.tables import identifiers, subjects
from dataward.adapters.vault.keystore_tables import data_keys
from dataward.domain.calendar import bank_holidays
from dataward.domain.calls.records import IngestReport, StoredCall
from dataward.domain.requests.workflow import RequestType
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.organisation.tenants import ControllerContact, NewTenant, create_tenant
from dataward.services.processing.erased_numbers import expire_erased_numbers
from dataward.services.processing.erasure import Shred, shred
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
TENANT = "tenant-e"
ADMIN = Actor(id="admin-e", role="tenant_admin", tenant_id=TENANT)
HOLIDAYS = bank_holidays()
NUMBER = "07700 900417"
E164 = "+447700900417"
OTHER = "07700 900418"
DOORS = ("shred", "erasure_request", "controller_instruction")


def _tenant(world: World, fake: Faker) -> None:
    create_tenant(
        world.use_case(DCO),
        NewTenant(
            name="Tenant E",
            id=TENANT,
            contact=ControllerContact(name=fake.name(), email=fake.email()),
        ),
    )


def _log(*entries: tuple[str, datetime, str]) -> str:
    """Queue calls (call id, start, caller number), each answered after 5 s for 60 s."""
    lines: list[str] = []
    for call_id, start, number in entries:
        t = int(start.timestamp())
        lines += [
            f"{t}|{call_id}|sales|NONE|ENTERQUEUE||{number}|1",
            f"{t + 5}|{call_id}|sales|SIP/200|CONNECT|5|{call_id}9|1",
            f"{t + 65}|{call_id}|sales|SIP/200|COMPLETECALLER|5|60|1",
        ]
    return "\n".join(lines) + "\n"


def _ingest(world: World, text: str, name: str = "calls.log") -> IngestReport:
    source = text_source(text, name=name, format_name="asterisk-queue-log")
    return ingest(world.use_case(OPERATOR), IngestCalls(TENANT, [source]))


def _erased_parties(world: World) -> int:
    """The parties the latest ingest stored as erased, from its audit entry (the report
    gives the count only to a role that may read the audit log)."""
    with world.uow() as uow:
        entries = [e for e in uow.audit.iter_entries() if e.action == "calls_ingested"]
    return int(entries[-1].details["erased_parties"])


def _calls(world: World) -> dict[str, StoredCall]:
    """The tenant's calls by start (their ids are digests)."""
    with world.uow() as uow:
        return {c.started_at.isoformat(): c for c in uow.calls.iter_calls(TENANT)}


def _counts(world: World) -> tuple[int, int, int]:
    """(subjects, identifiers, keys in the key store)."""
    with world.engine.connect() as connection:
        people = connection.execute(select(func.count()).select_from(subjects)).scalar_one()
        idents = connection.execute(select(func.count()).select_from(identifiers)).scalar_one()
    with world.keystore.connect() as connection:
        keys = connection.execute(select(func.count()).select_from(data_keys)).scalar_one()
    return people, idents, keys


def _caller(world: World, number: str = NUMBER) -> str | None:
    found = find_subject(world.uow(), world.vault, FindSubject("phone", number, tenant_id=TENANT))
    return None if found is None else str(found.id)


def _erase(world: World, fake: Faker, door: str, subject_id: str) -> None:
    """Erase the caller through one of the doors erasure takes."""
    if door == "shred":
        shred(world.use_case(world.who_erases(subject_id)), Shred(subject_id, "erasure_request"))
        return
    command = NewRequest(
        type=RequestType.ERASURE,
        received=world.clock.now().date(),
        channel="email",
        tenant_id=TENANT,
        subject_id=subject_id,  # type: ignore[arg-type]
        contact_email=fake.email(),
    )
    if door == "erasure_request":  # the tenant answers a request about its own caller
        request_id = world.working_request(ADMIN, command)
        fulfil_erasure(world.use_case(ADMIN), request_id)
        return
    view = receive_request(world.use_case(DCO), command)
    forward_to_controller(world.use_case(DCO), str(view.request.id))
    carry_out_instruction(world.use_case(ADMIN), str(view.request.id), Instruction.ERASE)


def _history(world: World) -> list[tuple[str, datetime, str]]:
    now = world.clock.now()
    return [
        ("1.1", now - timedelta(days=30), NUMBER),
        ("1.2", now - timedelta(days=20), E164),
        ("1.3", now - timedelta(days=10), OTHER),
    ]


@pytest.mark.parametrize("door", DOORS)
def test_a_file_sent_again_after_an_erasure_brings_nobody_back(
    world: World, fake: Faker, door: str
) -> None:
    _tenant(world, fake)
    text = _log(*_history(world))
    first = _ingest(world, text)
    assert (first.stored, first.subjects_created) == (3, 3)  # the caller, another, the agent
    caller = _caller(world)
    assert caller is not None
    world.clock.advance(timedelta(hours=1))
    _erase(world, fake, door, caller)
    assert _caller(world) is None
    before = _counts(world)

    again = _ingest(world, text, name="calls-again.log")

    assert (again.stored, again.duplicates, again.subjects_created) == (0, 3, 0)
    assert again.unreadable_numbers == _erased_parties(world) == 0
    assert _counts(world) == before  # no subject, no identifier, no key: no number sealed
    assert _caller(world) is None
    assert _caller(world, E164) is None
    refs = {c.caller_ref for c in _calls(world).values()}
    assert caller not in refs
    with world.engine.connect() as connection:
        (entry,) = connection.execute(select(erased_numbers)).all()
    assert entry.tenant_id == TENANT
    assert entry.erased_at == world.clock.now() + timedelta(hours=1)  # 11:00 is kept as 12:00
    assert entry.keep_until == date(2027, 12, 26)  # the tenant's P13M from it, and a day


def test_a_new_call_from_before_the_erasure_stores_the_caller_as_erased(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    _ingest(world, _log(*_history(world)))
    caller = _caller(world)
    assert caller is not None
    world.clock.advance(timedelta(hours=1))
    erased_at = world.clock.now()
    _erase(world, fake, "shred", caller)
    before = _counts(world)

    # a call never sent before, from the erased number, that started before the erasure
    late = _ingest(world, _log(("2.1", erased_at - timedelta(days=3), "+44 7700 900417")))
    assert (late.stored, late.duplicates, late.subjects_created) == (1, 0, 0)
    assert (_erased_parties(world), late.unreadable_numbers) == (1, 0)
    assert _counts(world) == before
    assert _caller(world) is None
    old = _calls(world)[(erased_at - timedelta(days=3)).isoformat()]
    assert old.caller_ref is None
    assert not old.caller_withheld

    # a call that started after the erasure: new processing, a new subject for the number
    world.clock.advance(timedelta(days=1))
    new = _ingest(
        world,
        _log(
            ("3.1", erased_at + timedelta(hours=2), NUMBER),
            ("3.2", erased_at - timedelta(days=2), "0044 7700 900417"),  # still the erased one's
        ),
    )
    assert (new.stored, new.subjects_created, _erased_parties(world)) == (2, 1, 1)
    fresh = _caller(world)
    assert fresh is not None
    assert fresh != caller
    stored = _calls(world)
    assert stored[(erased_at + timedelta(hours=2)).isoformat()].caller_ref == fresh
    assert stored[(erased_at - timedelta(days=2)).isoformat()].caller_ref is None

    # the new subject exists now: an older call still does not join it
    older = _ingest(world, _log(("4.1", erased_at - timedelta(days=1), NUMBER)))
    assert (older.stored, older.subjects_created, _erased_parties(world)) == (1, 0, 1)
    assert _calls(world)[(erased_at - timedelta(days=1)).isoformat()].caller_ref is None


def test_the_erased_number_entry_is_a_digest_kept_only_until_the_tenants_retention(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    _ingest(world, _log(*_history(world)))
    caller = _caller(world)
    assert caller is not None
    with world.engine.connect() as connection:
        index = connection.execute(
            select(identifiers.c.blind_index).where(identifiers.c.subject_id == caller)
        ).scalar_one()
    _erase(world, fake, "shred", caller)
    with world.engine.connect() as connection:
        (entry,) = connection.execute(select(erased_numbers)).all()
        assert set(erased_numbers.c.keys()) == {"tenant_id", "digest", "erased_at", "keep_until"}
    digest = bytes(entry.digest)
    assert digest != bytes(index)
    assert digest not in bytes(index)
    assert b"7700900417" not in digest
    world.clock.advance(timedelta(days=396))  # 2027-12-26: the last day it is kept
    assert expire_erased_numbers(world.uow(), world.clock) == 0
    world.clock.advance(timedelta(days=1))
    assert expire_erased_numbers(world.uow(), world.clock) == 1
    with world.engine.connect() as connection:
        assert connection.execute(select(erased_numbers)).all() == []
    # with the entry gone, an old call would be past the tenant's retention anyway


def test_only_the_tenant_whose_caller_was_erased_remembers_the_number(
    world: World, fake: Faker
) -> None:
    _tenant(world, fake)
    _ingest(world, _log(*_history(world)))
    caller = _caller(world)
    assert caller is not None
    _erase(world, fake, "shred", caller)
    # the same number in another tenant is another controller's caller: untouched
    source = text_source(_log(*_history(world)), name="b.log", format_name="asterisk-queue-log")
    other = ingest(world.use_case(OPERATOR), IngestCalls("tenant-b", [source]))
    assert (other.stored, _erased_parties(world), other.subjects_created) == (3, 0, 3)
    with world.engine.connect() as connection:
        linked = connection.execute(
            select(func.count())
            .select_from(calls)
            .where(calls.c.tenant_id == "tenant-b", calls.c.caller_ref.is_not(None))
        ).scalar_one()
    assert linked == 3
