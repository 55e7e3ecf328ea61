"""The audit log in a real database, on SQLite and PostgreSQL.

Tampering is done as someone with direct database access would do it: the append-only
triggers first dropped, then plain SQL. Verification must still name the first broken entry.
"""

from __future__ import annotations

import io
import itertools
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from dataward.adapters.sql import migrate
from dataward.adapters.sql.uow import SqlUnitOfWork
from dataward.domain.audit import AuditAction, BreakReason, VerifyResult, from_json_line
from dataward.domain.audit import verify_chain as verify_entries
from dataward.domain.calendar import bank_holidays
from dataward.domain.clock import FixedClock
from dataward.services import audit
from dataward.services.context import UseCase
from tests.builders import NOW, an_actor, shipped_register
from tests.fakes import FakeVault

REGISTER = shipped_register()
DCO = an_actor("dco")
APPENDER = Path(__file__).parents[1] / "support" / "audit_appender.py"


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    migrate.upgrade(engine)
    return engine


def _append(engine: Engine, count: int, *, clock: FixedClock | None = None) -> None:
    clock = clock or FixedClock(NOW)
    with SqlUnitOfWork(engine) as uow:
        for n in range(count):
            audit.record(
                uow,
                clock,
                DCO,
                audit.Audited(
                    AuditAction.GATE_DECISION,
                    subject_ref=uuid.UUID(int=n + 1),
                    purpose="provide_service",
                    decision="allowed" if n % 2 else "denied",
                    details={"category": "telephony_activity", "n": n},
                ),
            )
        uow.commit()


def _ctx(uow: SqlUnitOfWork) -> UseCase:
    """The audit's use cases need no keys: a vault that holds none."""
    return UseCase(uow, FakeVault(), FixedClock(NOW), bank_holidays(), REGISTER, DCO)


def _verify(engine: Engine) -> VerifyResult:
    return audit.verify(_ctx(SqlUnitOfWork(engine, read_only=True)))


def _drop_append_only_triggers(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        connection.execute(text("DROP TRIGGER audit_log_no_update_delete ON audit_log"))
        connection.execute(text("DROP TRIGGER audit_log_no_truncate ON audit_log"))


def _tamper(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        _drop_append_only_triggers(connection)
        for statement in statements:
            connection.execute(text(statement))


def test_entries_appended_in_a_unit_of_work_verify_from_the_database(migrated: Engine) -> None:
    _append(migrated, 12)
    result = _verify(migrated)
    assert result.ok
    assert result.checked == 12
    with SqlUnitOfWork(migrated, read_only=True) as uow:
        head = uow.audit.head()
        assert uow.audit.count() == 12
    assert head is not None
    assert head.seq == 12
    assert result.head == head.hash


def test_an_entry_reads_back_exactly_as_it_was_sealed(migrated: Engine) -> None:
    clock = FixedClock(datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC))
    with SqlUnitOfWork(migrated) as uow:
        sealed = audit.record(
            uow,
            clock,
            "api:dco-1",
            audit.Audited(
                "campaign_sent",
                details={"note": "naïve café ✓", "ids": ["a", 1, 2.5, True, None], "empty": []},
            ),
        )
        uow.commit()
    with SqlUnitOfWork(migrated, read_only=True) as uow:
        (stored,) = uow.audit.iter_entries()
    assert stored == sealed
    assert stored.at.tzinfo is UTC
    assert stored.computed_hash() == stored.hash


def test_a_rolled_back_append_leaves_neither_an_entry_nor_a_gap(migrated: Engine) -> None:
    _append(migrated, 2)
    with SqlUnitOfWork(migrated) as uow:
        audit.record(uow, FixedClock(NOW), DCO, audit.Audited(AuditAction.SUBJECT_READ))
    _append(migrated, 1)
    result = _verify(migrated)
    assert result.ok
    assert result.checked == 3


def test_a_read_only_unit_of_work_may_not_append(migrated: Engine) -> None:
    with (
        SqlUnitOfWork(migrated, read_only=True) as uow,
        pytest.raises(RuntimeError, match="writing unit of work"),
    ):
        audit.record(uow, FixedClock(NOW), DCO, audit.Audited(AuditAction.SUBJECT_READ))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET decision = 'allowed' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log",
    ],
    ids=["update", "delete-one", "delete-all"],
)
def test_the_database_refuses_to_change_or_remove_an_entry(
    migrated: Engine, statement: str
) -> None:
    _append(migrated, 3)
    with pytest.raises(DBAPIError, match="audit_log is append-only"), migrated.begin() as c:
        c.execute(text(statement))
    assert _verify(migrated).checked == 3


def test_postgresql_refuses_to_truncate_the_log(migrated: Engine) -> None:
    if migrated.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; DELETE without WHERE is refused above")
    _append(migrated, 1)
    with pytest.raises(DBAPIError, match="append-only"), migrated.begin() as connection:
        connection.execute(text("TRUNCATE audit_log"))


def test_an_entry_altered_in_the_database_is_named_by_verify(migrated: Engine) -> None:
    _append(migrated, 10)
    _tamper(migrated, "UPDATE audit_log SET decision = 'overridden' WHERE seq = 4")
    result = _verify(migrated)
    assert result.reason is BreakReason.HASH_MISMATCH
    assert result.first_broken_seq == 4
    assert result.checked == 3


def test_an_entry_altered_and_rehashed_is_caught_at_the_next_one(migrated: Engine) -> None:
    _append(migrated, 10)
    with SqlUnitOfWork(migrated, read_only=True) as uow:
        fourth = next(e for e in uow.audit.iter_entries() if e.seq == 4)
    forged = replace(fourth, actor="cli:someone-else")
    with migrated.begin() as connection:
        _drop_append_only_triggers(connection)
        connection.execute(
            text("UPDATE audit_log SET actor = :actor, hash = :hash WHERE seq = 4"),
            {"actor": forged.actor, "hash": forged.computed_hash()},
        )
    result = _verify(migrated)
    assert result.reason is BreakReason.PREV_LINK_MISMATCH
    assert result.first_broken_seq == 5


def test_a_deleted_entry_is_named_by_verify(migrated: Engine) -> None:
    _append(migrated, 10)
    _tamper(migrated, "DELETE FROM audit_log WHERE seq = 7")
    result = _verify(migrated)
    assert result.reason is BreakReason.SEQUENCE_GAP
    assert result.first_broken_seq == 7
    assert result.found_seq == 8


def test_two_swapped_entries_are_named_by_verify(migrated: Engine) -> None:
    _append(migrated, 10)
    _tamper(
        migrated,
        "UPDATE audit_log SET seq = -1 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 8",
        "UPDATE audit_log SET seq = 8 WHERE seq = -1",
    )
    result = _verify(migrated)
    assert result.reason is BreakReason.HASH_MISMATCH
    assert result.first_broken_seq == 3


def test_details_made_unreadable_are_a_mismatch_not_a_crash(migrated: Engine) -> None:
    _append(migrated, 3)
    _tamper(migrated, "UPDATE audit_log SET details = 'not json' WHERE seq = 2")
    result = _verify(migrated)
    assert result.reason is BreakReason.HASH_MISMATCH
    assert result.first_broken_seq == 2


def test_entries_stream_in_batches_in_seq_order(migrated: Engine) -> None:
    _append(migrated, 10)
    with SqlUnitOfWork(migrated, read_only=True) as uow:
        for batch in (1, 3, 10, 11):
            assert [e.seq for e in uow.audit.iter_entries(batch=batch)] == list(range(1, 11))
        assert verify_entries(uow.audit.iter_entries(batch=4)).ok


def test_an_empty_log_has_no_head_and_verifies(migrated: Engine) -> None:
    with SqlUnitOfWork(migrated, read_only=True) as uow:
        assert uow.audit.head() is None
        assert uow.audit.count() == 0
    assert _verify(migrated).checked == 0


def test_an_export_is_json_lines_that_verify_on_their_own(migrated: Engine) -> None:
    _append(migrated, 5)
    receipt = audit.record_export(_ctx(SqlUnitOfWork(migrated)))
    out = io.StringIO()
    assert audit.export(_ctx(SqlUnitOfWork(migrated, read_only=True)), receipt, out) == 6
    entries = [from_json_line(line) for line in out.getvalue().splitlines()]
    assert entries[-1] == receipt
    assert verify_entries(entries).ok
    assert "".join(audit.export_lines(_ctx(SqlUnitOfWork(migrated)), receipt)) == out.getvalue()


def test_two_processes_appending_at_once_never_fork_the_chain(
    migrated: Engine, database_url: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    workers = {
        actor: subprocess.Popen(
            [sys.executable, str(APPENDER), database_url, actor, "200", str(ready), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for actor, ready in (("worker-a", tmp_path / "a"), ("worker-b", tmp_path / "b"))
    }
    deadline = time.monotonic() + 60
    while not ((tmp_path / "a").exists() and (tmp_path / "b").exists()):
        assert time.monotonic() < deadline, "the workers did not start"
        assert all(w.poll() is None for w in workers.values()), "a worker died before the start"
        time.sleep(0.01)
    go.touch()
    for worker in workers.values():
        _out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err

    with SqlUnitOfWork(migrated, read_only=True) as uow:
        entries = list(uow.audit.iter_entries())
    assert [e.seq for e in entries] == list(range(1, 401))
    assert len({e.prev_hash for e in entries}) == 400
    assert verify_entries(entries).ok
    actors = [e.actor for e in entries]
    assert actors.count("worker-a") == actors.count("worker-b") == 200
    switches = sum(1 for before, after in itertools.pairwise(actors) if before != after)
    assert switches > 2, "the two workers never interleaved, so nothing was tested"
