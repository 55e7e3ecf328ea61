"""A contact's shred against a consent given at the same moment, on both backends: a batch
waits for a consent being written and then keeps its subject; a consent given while a batch
holds its subject waits for it, and is refused once the subject is gone, never left naming
no one. (PostgreSQL: the batch locks its subjects' rows, a consent holds its subject's row;
SQLite: one writer at a time.)"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from faker import Faker

from dataward.domain.errors import ConsentRefused, NotFound
from dataward.domain.processing.consent import ConsentEvent, ConsentMethod, ConsentState
from dataward.domain.processing.restrictions import Objection
from dataward.domain.retention.sweeps import SweepRecord, Target
from dataward.domain.subjects import Actor, Subject
from dataward.services.ports import UnitOfWork
from dataward.services.processing.consent import GiveConsent, record_consent
from dataward.services.retention import contacts, customers
from dataward.services.retention.evidence import begin
from dataward.services.retention.shredding import StillDue, shred_in_batches
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
MADE = datetime(2019, 1, 7, 10, 0, tzinfo=UTC)
DAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PAUSE = 0.5


def _contact(world: World, fake: Faker) -> str:
    world.clock.current = MADE
    made = create_subject(
        world.use_case(DCO),
        NewSubject(kind="marketing_contact", identifiers=[("email", fake.email())]),
    )
    world.clock.current = NOW
    return str(made.id)


def _in_thread(run: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """`run` in a thread of its own; what it returned or raised, once joined."""
    out: list[object] = []

    def target() -> None:
        try:
            out.append(run())
        except Exception as error:  # noqa: BLE001 - the test reads it
            out.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, out


def _shred(
    world: World, subject: str, still_due: StillDue, target: Target | None = None
) -> SweepRecord:
    """One batch of `subject` (the contacts store's, unless `target` says another)."""
    ctx = world.use_case(DCO)
    sweep = begin(ctx, target or contacts.contact_records(world.register, DAY).target)
    return shred_in_batches(ctx, sweep, [subject], still_due, 10)


def _given(subject: str) -> ConsentEvent:
    return ConsentEvent(
        uuid.UUID(subject), "direct_marketing", "email", ConsentState.GIVEN,
        ConsentMethod.WEB_FORM, "notice-v7", NOW,
    )  # fmt: skip


def _shred_while_writing(
    world: World, write: Callable[[UnitOfWork], object], shred: Callable[[], SweepRecord]
) -> tuple[object, bool]:
    """`write` in a transaction left open while `shred` starts in a thread of its own, then
    committed: what the shred returned or raised, and whether it was still waiting when the
    write committed."""
    writing = world.uow()
    with writing:
        write(writing)
        sweeper, out = _in_thread(shred)
        time.sleep(PAUSE)
        waited = sweeper.is_alive()
        writing.commit()
    sweeper.join(30)
    [record] = out
    return record, waited


def _events(world: World, subject: str) -> list[ConsentEvent]:
    with world.uow() as uow:
        return uow.consents.events_for(subject)


def _exists(world: World, subject: str) -> bool:
    with world.uow() as uow:
        found = uow.subjects.get(subject)
    return found is not None and not found.erased


def test_a_batch_waits_for_a_consent_being_written_and_keeps_its_subject(
    world: World, fake: Faker
) -> None:
    subject = _contact(world, fake)
    records = contacts.contact_records(world.register, DAY)
    record, waited = _shred_while_writing(
        world,
        lambda writing: writing.consents.add(_given(subject)),
        lambda: _shred(world, subject, contacts.still_due(records, world.clock)),
    )
    assert waited  # its batch waits for the consent's transaction
    assert isinstance(record, SweepRecord)
    assert record.removed == 0
    assert _exists(world, subject)
    assert [event.state for event in _events(world, subject)] == [ConsentState.GIVEN]


def test_a_consent_given_while_a_batch_holds_its_subject_is_refused_once_it_is_gone(
    world: World, fake: Faker
) -> None:
    subject = _contact(world, fake)
    records = contacts.contact_records(world.register, DAY)
    real = contacts.still_due(records, world.clock)
    locked, go = threading.Event(), threading.Event()

    def paused(uow: UnitOfWork, ids: list[str]) -> list[Subject]:
        due = real(uow, ids)  # the rows are locked, nothing of theirs was found
        locked.set()
        go.wait(30)
        return due

    sweeper, swept = _in_thread(lambda: _shred(world, subject, paused))
    assert locked.wait(30)
    give = GiveConsent(
        uuid.UUID(subject), "direct_marketing", "email", ConsentMethod.WEB_FORM, "notice-v7"
    )
    giver, given = _in_thread(lambda: record_consent(world.use_case(DCO), give))
    time.sleep(PAUSE)
    assert giver.is_alive()  # the consent waits for the batch
    go.set()
    sweeper.join(30)
    giver.join(30)
    [record] = swept
    assert isinstance(record, SweepRecord)
    assert record.removed == 1
    [refused] = given
    assert isinstance(refused, (NotFound, ConsentRefused))  # PostgreSQL; SQLite
    assert not _exists(world, subject)
    assert _events(world, subject) == []
    with pytest.raises(ConsentRefused):
        record_consent(world.use_case(DCO), give)  # and after: an erased subject


def test_a_batch_waits_for_an_objection_being_written_and_keeps_its_subject(
    world: World, fake: Faker
) -> None:
    """An objection holds its subject's row as a consent does: the batch waits for it, reads
    it, and keeps the contact (an objection naming no one is the failure)."""
    subject = _contact(world, fake)
    records = contacts.contact_records(world.register, DAY)
    objection = Objection.to_direct_marketing(uuid.uuid4(), uuid.UUID(subject), NOW)
    record, _waited = _shred_while_writing(
        world,
        lambda writing: writing.objections.add(objection),
        lambda: _shred(world, subject, contacts.still_due(records, world.clock)),
    )
    assert isinstance(record, SweepRecord)
    assert record.removed == 0
    assert _exists(world, subject)
    with world.uow() as uow:
        assert len(uow.objections.for_subject(subject)) == 1


def test_an_erasure_waits_for_a_consent_being_written_and_removes_it(
    world: World, fake: Faker
) -> None:
    """Any erasure (here the customer-records rule's) locks the subject's row before it
    unlinks, so a consent being written is either read and removed with the subject, or
    refused: never left naming an erased subject."""
    world.clock.current = MADE
    made = create_subject(
        world.use_case(DCO),
        NewSubject(kind="end_user", identifiers=[("email", fake.email())]),
    )
    subject = str(made.id)
    with world.uow() as uow:
        uow.subjects.set_relationship(
            made.id, ended=date(2010, 1, 1), last_transaction=date(2010, 1, 1)
        )
        uow.commit()
    world.clock.current = NOW
    records = customers.customer_records(world.register, DAY)
    due = customers.still_due(world.register, records, world.clock)
    record, _waited = _shred_while_writing(
        world,
        lambda writing: writing.consents.add(_given(subject)),
        lambda: _shred(world, subject, due, records.target),
    )
    assert isinstance(record, SweepRecord)
    assert record.removed == 1
    assert not _exists(world, subject)
    assert _events(world, subject) == []  # the consent went with its subject
