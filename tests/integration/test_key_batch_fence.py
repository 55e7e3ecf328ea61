"""The key sweep never destroys the key of a record that lands, whatever the timing: a writer
paused between its last heartbeat and its commit, a registration or a request's intake paused
before its commit, a registration waiting on a unique index behind a long transaction, a
writer whose clock is behind the sweeper's, a commit whose answer is lost. The fence is in the
main database (`adapters.sql.registry.key_owners`); on both backends."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from dataward.adapters.ingest.files import text_source
from dataward.adapters.keyfile import read_master_key_file
from dataward.adapters.sql.registry.tables import identifiers, subjects
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.adapters.vault.keystore import MasterKeys, SqlVault
from dataward.adapters.vault.keystore_tables import data_keys, key_batches
from dataward.domain.clock import FixedClock
from dataward.domain.errors import KeyBatchLost
from dataward.domain.requests.workflow import RequestType
from dataward.domain.subjects import Actor
from dataward.services.calls.ingest import IngestCalls, ingest
from dataward.services.keys.orphans import GRACE, OrphanSweep, destroy_orphan_keys
from dataward.services.rights.intake import NewRequest, receive_request
from dataward.services.subjects.registry import NewSubject, create_subject
from tests.builders import TENANT_A
from tests.integration.world import World

DCO = Actor(id="staff-dco", role="dco")
OPERATOR = Actor(id="staff-operator", role="operator")
PHONE = "07700900321"


def _log(calls: int) -> str:
    start = int(datetime(2026, 10, 1, 9, tzinfo=UTC).timestamp())
    lines: list[str] = []
    for i in range(calls):
        t, call = start + 60 * i, f"{start + 60 * i}.{i}"
        lines += [
            f"{t}|{call}|sales|NONE|ENTERQUEUE||07700 9{i:05d}|1",
            f"{t + 4}|{call}|sales|NONE|ABANDON|1|1|4",
        ]
    return "\n".join(lines) + "\n"


def _sweep(world: World, clock: FixedClock | None = None) -> OrphanSweep:
    """`dataward keys sweep`'s orphan step, long after every heartbeat (or at `clock`)."""
    late = clock or FixedClock(world.clock.now() + GRACE + timedelta(seconds=1))
    return destroy_orphan_keys(SqlUnitOfWork(world.engine, read_only=True), world.vault, late)


def _keys(world: World) -> set[str]:
    with world.keystore.connect() as connection:
        return set(connection.execute(select(data_keys.c.subject_id)).scalars())


def _subjects(world: World) -> set[str]:
    with world.engine.connect() as connection:
        return set(connection.execute(select(subjects.c.id)).scalars())


def _open_batches(world: World) -> int:
    with world.keystore.connect() as connection:
        return len(connection.execute(select(key_batches.c.name)).all())


def _sweep_before_the_commit(
    world: World, monkeypatch: pytest.MonkeyPatch, swept: list[OrphanSweep]
) -> None:
    """The first commit after a key was made stalls past the grace period (a paused machine,
    SIGSTOP) after its last heartbeat: the sweep runs in that pause."""
    real_commit = SqlUnitOfWork.commit

    def commit(self: SqlUnitOfWork) -> None:
        if _keys(world) and not swept:
            swept.append(_sweep(world))
        real_commit(self)

    monkeypatch.setattr(SqlUnitOfWork, "commit", commit)


def _register(world: World, vault: SqlVault | None = None) -> str:
    subject = create_subject(
        replace(world.use_case(DCO), vault=vault or world.vault),
        NewSubject(kind="caller", tenant_id=TENANT_A, identifiers=[("phone", PHONE)]),
    )
    return str(subject.id)


def _receive(world: World, email: str) -> str:
    view = receive_request(
        world.use_case(DCO),
        NewRequest(
            type=RequestType.ACCESS,
            received=world.clock.now().date(),
            channel="email",
            contact_email=email,
        ),
    )
    return str(view.request.id)


def test_an_ingest_paused_before_its_commit_keeps_every_key_of_what_lands(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    swept: list[OrphanSweep] = []
    _sweep_before_the_commit(world, monkeypatch, swept)
    source = text_source(_log(5), name="paused.log", format_name="asterisk-queue-log")
    report = ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))
    (sweep,) = swept
    assert (sweep.batches, sweep.busy, sweep.destroyed) == (0, 1, 0)  # claimed, not touched
    assert report.subjects_created == 5
    assert _subjects(world) == _keys(world)  # every subject landed with its key
    assert len(_subjects(world)) == 5
    assert _open_batches(world) == 0


@pytest.mark.parametrize("door", ["subjects_create", "request_intake"])
def test_a_registration_paused_before_its_commit_keeps_its_key(
    world: World, monkeypatch: pytest.MonkeyPatch, door: str
) -> None:
    swept: list[OrphanSweep] = []
    _sweep_before_the_commit(world, monkeypatch, swept)
    owner = _register(world) if door == "subjects_create" else _receive(world, "a@example.org")
    (sweep,) = swept
    assert (sweep.busy, sweep.destroyed) == (1, 0)
    assert world.vault.has_key(owner)
    # the batch was claimed while its transaction was under way; it landed, and is closed
    assert _open_batches(world) == 0
    assert _sweep(world).destroyed == 0
    assert world.vault.has_key(owner)


def test_a_writer_that_begins_after_the_sweep_took_its_fence_fails_cleanly(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key is made, then the sweep claims the batch and finishes it before the writer's
    transaction begins: the writer finds its batch claimed before its commit, stores nothing,
    and is told to send it again (retryable, not naming the batch)."""
    real_enrol = SqlVault.enrol

    def enrol_then_sweep(self: SqlVault, plaintexts: object, **kw: object) -> object:
        sealed = real_enrol(self, plaintexts, **kw)  # type: ignore[arg-type]
        _sweep(world)
        return sealed

    monkeypatch.setattr(SqlVault, "enrol", enrol_then_sweep)
    with pytest.raises(KeyBatchLost) as raised:
        _receive(world, "b@example.org")
    assert raised.value.code == "try_again"
    assert "request-" not in str(raised.value)
    with world.engine.connect() as connection:
        from dataward.adapters.sql.rights.requests import rights_requests

        assert connection.execute(select(rights_requests.c.id)).all() == []
    assert _keys(world) == set()
    assert _open_batches(world) == 0


def test_a_writer_whose_clock_is_behind_loses_nothing_to_a_sweep_that_claims_it_at_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Heartbeats are written by the writer's clock and compared with the sweeper's: two
    hours behind, its batch looks dead the moment it is opened. It is claimed, but not swept
    while its transaction is under way."""
    behind = FixedClock(world.clock.now() - timedelta(hours=2))
    writer = SqlVault(world.keystore, MasterKeys(read_master_key_file(world.key_file)), behind)
    swept: list[OrphanSweep] = []
    real_commit = SqlUnitOfWork.commit

    def commit(self: SqlUnitOfWork) -> None:
        if _keys(world) and not swept:
            swept.append(_sweep(world, world.clock))  # the sweeper's clock: the true time
        real_commit(self)

    monkeypatch.setattr(SqlUnitOfWork, "commit", commit)
    subject = _register(world, writer)
    (sweep,) = swept
    assert (sweep.busy, sweep.destroyed) == (1, 0)
    assert world.vault.has_key(subject)


def test_a_commit_whose_answer_is_lost_leaves_its_keys_to_the_sweep_which_keeps_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COMMIT reached the server and the connection dropped before its answer: the outcome is
    unknown, so nothing is destroyed for it; the sweep finds the subject and keeps its key."""
    real_commit = SqlUnitOfWork.commit

    def commit(self: SqlUnitOfWork) -> None:
        real_commit(self)
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(SqlUnitOfWork, "commit", commit)
    with pytest.raises(OperationalError):
        _register(world)
    (subject,) = _subjects(world)
    assert world.vault.has_key(subject)
    assert _open_batches(world) == 1  # left to the sweep
    monkeypatch.undo()
    sweep = _sweep(world)
    assert (sweep.batches, sweep.destroyed, sweep.kept) == (1, 0, 1)
    assert world.vault.has_key(subject)
    assert _open_batches(world) == 0


def test_an_ingest_whose_commit_answer_is_lost_keeps_the_keys_of_what_landed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_commit = SqlUnitOfWork.commit
    lost: list[bool] = []

    def commit(self: SqlUnitOfWork) -> None:
        real_commit(self)
        if _keys(world) and not lost:
            lost.append(True)
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(SqlUnitOfWork, "commit", commit)
    source = text_source(_log(4), name="lost.log", format_name="asterisk-queue-log")
    with pytest.raises(OperationalError):
        ingest(world.use_case(OPERATOR), IngestCalls(TENANT_A, [source]))
    assert len(_subjects(world)) == 4
    assert _subjects(world) == _keys(world)
    monkeypatch.undo()
    sweep = _sweep(world)
    assert (sweep.batches, sweep.destroyed, sweep.kept) == (1, 0, 4)
    assert _subjects(world) == _keys(world)


def test_a_registration_waiting_behind_a_long_transaction_fails_cleanly_and_loses_nothing(
    world: World, backend: str
) -> None:
    """PostgreSQL: a registration whose number an uncommitted transaction holds waits in its
    INSERT, its key stored, for as long as that transaction lasts (past the grace period here).
    The sweep claims its batch but cannot take its fence, so it destroys nothing; once the
    other transaction rolls back, the registration finds its batch claimed before its commit
    and stores nothing, its key destroyed with it. Sent again, it lands with its key."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: no writer waits inside its transaction")
    index = world.vault.blind_index(TENANT_A, "phone", "+447700900321")
    other = world.engine.connect()
    holder = other.begin()
    held = str(uuid.uuid4())
    now = world.clock.now()
    other.execute(
        subjects.insert().values(
            id=held, kind="caller", tenant_id=TENANT_A, status="active", created_at=now
        )
    )
    other.execute(
        identifiers.insert().values(
            subject_id=held,
            scope=TENANT_A,
            type="phone",
            blind_index=index,
            ciphertext=b"x",
            created_at=now,
        )
    )
    made: list[object] = []

    def register() -> None:
        try:
            made.append(_register(world))
        except Exception as error:  # noqa: BLE001 - shown by the assertion below
            made.append(error)

    worker = threading.Thread(target=register)
    worker.start()
    _until(lambda: bool(_keys(world)))  # its key is stored; it waits in its INSERT
    time.sleep(0.3)
    sweep = _sweep(world)
    holder.rollback()
    other.close()
    worker.join(30)
    assert (sweep.busy, sweep.destroyed) == (1, 0)
    (refused,) = made
    assert isinstance(refused, KeyBatchLost), refused
    assert _subjects(world) == _keys(world) == set()
    assert _open_batches(world) == 0
    subject = _register(world)
    assert world.vault.has_key(subject)


def _until(ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not ready():
        assert time.monotonic() < deadline
        time.sleep(0.05)
